import { actorRef } from '../../../auth/actor';
import { MAX_PHOTO_BYTES, PHOTO_TYPES, uploadPhoto } from '../../../services/photos';
import { readBinaryBody } from '../../body';
import { defineRoute } from '../../route';

export const uploadPhotoRoute = defineRoute({
  method: 'post',
  path: '/api/photos',
  tags: ['photos'],
  summary: 'Upload one photo (raw JPEG, PNG or WebP body, ≤ 10 MB); attach it later by id',
  description:
    'Send the file itself as the body with `Content-Type: image/jpeg`, `image/png` or `image/webp` (no multipart). ' +
    'The type is detected from the content and must match the declared one. The image is re-encoded as a JPEG of at most 2048 px, ' +
    'upright, with every metadata field (EXIF, GPS, XMP, ICC) removed; only that is stored, with its SHA-256. ' +
    'The photo stays yours and unattached until a report (`POST /api/cases` with `photos`) or a command attaches it. ' +
    'Uploading the same file again while the first copy is unattached returns that copy (200).',
  access: 'photos.upload',
  responses: {
    201: { description: '`{ photo: { id, caseId: null, mediaType, size, width, height, sha256, createdAt, attachedAt: null } }`' },
    200: { description: 'The same file was already uploaded and is still unattached: that photo' },
    413: { description: 'Larger than 10 MB' },
    415: { description: 'Not a JPEG, PNG or WebP by content, or not what Content-Type declared' },
    422: { description: 'Truncated, undecodable, or more than 100 megapixels (BAD_IMAGE)' },
    429: { description: 'Too many unattached photos held' },
  },
  handle: async ({ ctx, c, actor }) => {
    const { declaredType, bytes } = await readBinaryBody(c, PHOTO_TYPES, MAX_PHOTO_BYTES);
    const { created, ...photo } = await uploadPhoto(ctx.database, actor, declaredType, bytes);
    if (created) ctx.log.info({ photo: photo.id, by: actorRef(actor), size: photo.size, source: bytes.byteLength }, 'photo stored');
    return { status: created ? 201 : 200, body: { photo } };
  },
});

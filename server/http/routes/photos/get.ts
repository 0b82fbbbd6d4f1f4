import { z } from 'zod';
import { findPhotoForReader, listCasePhotos } from '../../../../db/queries/photos';
import { actorRef } from '../../../auth/actor';
import { AppError } from '../../../errors';
import { defineRoute } from '../../route';
import { caseIdParams } from '../cases/create';

const photoIdParams = z.object({ id: z.uuid({ error: 'photo id is a UUID' }).transform((id) => id.toLowerCase()) });

export const getPhotoRoute = defineRoute({
  method: 'get',
  path: '/api/photos/{id}',
  tags: ['photos'],
  summary: 'The bytes of one photo: attached to a case in your jurisdiction, or your own unattached upload',
  description: 'Served as stored (image/jpeg) with `Cache-Control: private`, `X-Content-Type-Options: nosniff` and the SHA-256 as a strong ETag (If-None-Match → 304).',
  access: 'photos.read',
  params: photoIdParams,
  responses: {
    200: { description: 'The image', contentType: 'image/jpeg' },
    304: { description: 'Not modified (ETag matched)' },
    404: { description: 'No such photo within your reach' },
  },
  handle: async ({ ctx, params, actor, c }) => {
    const photo = await findPhotoForReader(ctx.database, actor.scope, actorRef(actor), params.id);
    if (!photo) throw new AppError('NOT_FOUND', `no photo ${params.id}`, { id: params.id });
    const headers = {
      'content-type': photo.mediaType,
      'cache-control': 'private, max-age=86400',
      'x-content-type-options': 'nosniff',
      'content-disposition': `inline; filename="photo-${params.id}.jpg"`,
      // An image never runs anything, even if opened on its own.
      'content-security-policy': "default-src 'none'; sandbox",
      etag: `"${photo.sha256}"`,
    };
    if (c.req.header('if-none-match')?.split(',').some((tag) => tag.trim() === headers.etag)) {
      return new Response(null, { status: 304, headers });
    }
    const bytes = photo.bytes;
    // A copy of exactly these bytes (a driver's Buffer may be a view into a larger one).
    return new Response(new Uint8Array(bytes), {
      status: 200,
      headers: { ...headers, 'content-length': String(bytes.byteLength) },
    });
  },
});

export const listCasePhotosRoute = defineRoute({
  method: 'get',
  path: '/api/cases/{id}/photos',
  tags: ['photos'],
  summary: "A case's photos (ids and sizes; fetch each from /api/photos/{id})",
  access: 'photos.read',
  params: caseIdParams,
  responses: {
    200: { description: '`{ photos: [{ id, caseId, mediaType, size, width, height, sha256, createdAt, attachedAt }] }`' },
    404: { description: 'No such case in your jurisdiction' },
  },
  handle: async ({ ctx, params, actor }) => {
    const photos = await listCasePhotos(ctx.database, actor.scope, params.id);
    if (!photos) throw new AppError('NOT_FOUND', `no case ${params.id}`, { id: params.id });
    return { status: 200, body: { photos } };
  },
});

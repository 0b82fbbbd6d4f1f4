import { createHash, randomUUID } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import type { Database, Runner } from '../../db/client';
import { attachUnattachedPhotos, countUnattachedPhotos, insertPhoto, type PhotoInfo } from '../../db/queries/photos';
import { actorRef, type Actor } from '../auth/actor';
import { AppError } from '../errors';
import { Budget } from './budget';

/**
 * Photo intake. The upload is judged by its content, never by its name or declared
 * type: `file-type` reads the magic bytes, and only JPEG, PNG and WebP go on. The
 * image is then decoded and re-encoded by sharp (libvips): turned upright by its
 * EXIF orientation, fitted into 2048 × 2048 px, flattened onto white, and written
 * as a fresh JPEG — metadata is not copied, so EXIF (GPS, device, time), XMP, IPTC
 * and ICC profiles never reach storage. A truncated or undecodable file, or one
 * whose header promises more pixels than MAX_INPUT_PIXELS (a decompression bomb),
 * is refused with 422 before anything is decoded or stored.
 */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
/** Largest upload accepted (bytes). */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
/** Longest edge of a stored photo (px). */
export const MAX_PHOTO_EDGE = 2048;
/** Largest image decoded (width × height). 100 MP covers any phone camera's full-resolution mode; a bomb needs far more. */
export const MAX_INPUT_PIXELS = 100_000_000;
/** Photos an uploader may hold unattached at once (uploaded for a report not sent yet). */
export const MAX_UNATTACHED = 60;
/** Photos one intake or one command may attach. */
export const MAX_ATTACH = 9;
const STORED_TYPE = 'image/jpeg';
const JPEG_QUALITY = 82;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// libvips' operation cache keeps decoded images around between requests: pointless for one-off uploads.
sharp.cache(false);
/** Decoding is CPU and memory heavy: at most two at once per process, a short queue, then 503. */
const processing = new Budget('photo', 2, 16);

export interface ProcessedPhoto {
  bytes: Buffer;
  mediaType: string;
  width: number;
  height: number;
  sha256: string;
  sourceType: string;
  sourceSha256: string;
  sourceSize: number;
}

/** Detects, checks and re-encodes one upload. Throws 415 (not an accepted image, or not what was declared) or 422 (unusable image). */
export async function processPhoto(input: Uint8Array, declaredType: string): Promise<ProcessedPhoto> {
  if (input.byteLength === 0) throw new AppError('BAD_IMAGE', 'the upload is empty', { reason: 'empty' });
  const detected = await fileTypeFromBuffer(input);
  if (!detected || !(PHOTO_TYPES as readonly string[]).includes(detected.mime)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `the content is not a JPEG, PNG or WebP image${detected ? ` (it looks like ${detected.mime})` : ''}`, {
      expected: PHOTO_TYPES,
      detected: detected?.mime ?? null,
    });
  }
  if (detected.mime !== declaredType) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `declared ${declaredType} but the content is ${detected.mime}`, {
      declared: declaredType,
      detected: detected.mime,
    });
  }
  return processing.run(() => reencode(input, detected.mime));
}

async function reencode(input: Uint8Array, sourceType: string): Promise<ProcessedPhoto> {
  // failOn 'error': a truncated or corrupt file is refused rather than stored half grey.
  const options = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' as const };
  let header: Metadata;
  try {
    header = await sharp(input, options).metadata();
  } catch (error) {
    throw unusable(error);
  }
  const pixels = (header.width ?? 0) * (header.height ?? 0);
  if (!header.width || !header.height || pixels > MAX_INPUT_PIXELS) {
    throw new AppError('BAD_IMAGE', `the image is ${header.width ?? '?'} × ${header.height ?? '?'} px; at most ${MAX_INPUT_PIXELS / 1e6} megapixels are accepted`, {
      reason: 'pixels',
      width: header.width ?? null,
      height: header.height ?? null,
      maxPixels: MAX_INPUT_PIXELS,
    });
  }
  let output: { data: Buffer; info: OutputInfo };
  try {
    output = await sharp(input, options)
      .rotate() // by the EXIF orientation, before the EXIF is dropped
      .resize({ width: MAX_PHOTO_EDGE, height: MAX_PHOTO_EDGE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: JPEG_QUALITY, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw unusable(error);
  }
  return {
    bytes: output.data,
    mediaType: STORED_TYPE,
    width: output.info.width,
    height: output.info.height,
    sha256: sha256(output.data),
    sourceType,
    sourceSha256: sha256(input),
    sourceSize: input.byteLength,
  };
}

function unusable(error: unknown): AppError {
  const message = (error as Error).message ?? String(error);
  if (/pixel limit/i.test(message)) {
    return new AppError('BAD_IMAGE', `the image has more than ${MAX_INPUT_PIXELS / 1e6} megapixels`, { reason: 'pixels', maxPixels: MAX_INPUT_PIXELS });
  }
  const truncated = /premature end|truncated|unexpected end/i.test(message);
  return new AppError('BAD_IMAGE', truncated ? 'the image is truncated' : 'the image cannot be decoded', {
    reason: truncated ? 'truncated' : 'undecodable',
    decoder: message.slice(0, 200),
  });
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Processes and stores one upload for `actor`, unattached. An uploader holding
 * MAX_UNATTACHED unattached photos is refused (429) until some are attached or pruned.
 */
export async function uploadPhoto(database: Database, actor: Actor, declaredType: string, input: Uint8Array): Promise<PhotoInfo & { created: boolean }> {
  const uploadedBy = actorRef(actor);
  if ((await countUnattachedPhotos(database, uploadedBy)) >= MAX_UNATTACHED) {
    throw new AppError('RATE_LIMITED', `you hold ${MAX_UNATTACHED} photos not yet attached to a case; send the report first`, { maxUnattached: MAX_UNATTACHED }, 60);
  }
  const photo = await processPhoto(input, declaredType);
  return insertPhoto(database, { id: randomUUID(), uploadedBy, ...photo });
}

/**
 * Attaches the actor's own unattached photos to a case, inside the caller's
 * transaction (intake, the `handle` command). Any id that is unknown, someone
 * else's or already attached refuses the whole request (422 PHOTO_NOT_ATTACHABLE),
 * and the caller's transaction rolls back with it.
 */
/** `uploader` is the actor or its reference (`user:12`, server/auth/actor.ts actorRef). */
export async function attachPhotos(tx: Runner, caseId: number, photoIds: readonly string[], uploader: Actor | string, path = 'photos'): Promise<string[]> {
  if (photoIds.length === 0) return [];
  const ids = [...new Set(photoIds.map((id) => id.toLowerCase()))];
  if (ids.length > MAX_ATTACH) throw new AppError('VALIDATION_FAILED', `at most ${MAX_ATTACH} photos at once`, [{ path, message: 'too many photos' }]);
  const malformed = ids.filter((id) => !UUID.test(id));
  if (malformed.length > 0) throw new AppError('VALIDATION_FAILED', `not a photo id: ${malformed[0]}`, [{ path, message: 'not a photo id' }]);
  const attached = await attachUnattachedPhotos(tx, caseId, ids, typeof uploader === 'string' ? uploader : actorRef(uploader));
  if (attached.length !== ids.length) {
    const missing = ids.filter((id) => !attached.includes(id));
    throw new AppError('PHOTO_NOT_ATTACHABLE', `photo ${missing[0]} is not one of your unattached uploads`, { path, photos: missing });
  }
  return attached;
}

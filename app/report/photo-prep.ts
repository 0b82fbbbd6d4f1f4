import { MAX_PHOTO_BYTES, type PhotoMediaType } from './outbox';

/**
 * Photos as the worker picks them, made ready for the queue: the type read from
 * the content (a file name or the OS's guess is not trusted — the server refuses
 * a mismatch), and a big camera picture shrunk on the phone to the size the
 * server keeps anyway (2048 px), so it waits in IndexedDB and crosses a weak
 * mobile link at a fraction of its weight. The server still re-encodes and strips
 * metadata; this is only about bytes on the way.
 */
const SHRINK_ABOVE_BYTES = 1_500_000;
const MAX_EDGE = 2048;
const JPEG_QUALITY = 0.85;

/** JPEG, PNG or WebP by magic bytes; null for anything else. */
export function sniffPhotoType(head: Uint8Array): PhotoMediaType | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => head[i] === b)) return 'image/png';
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (head.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

export type PreparedPhoto = { ok: true; blob: Blob; mediaType: PhotoMediaType } | { ok: false; problem: 'type' | 'size' };

export async function preparePhoto(file: Blob): Promise<PreparedPhoto> {
  const mediaType = sniffPhotoType(new Uint8Array(await file.slice(0, 16).arrayBuffer()));
  if (!mediaType) return { ok: false, problem: 'type' };
  if (file.size <= SHRINK_ABOVE_BYTES) return { ok: true, blob: file, mediaType };
  const shrunk = await shrink(file).catch(() => null);
  if (shrunk && shrunk.size < file.size) return { ok: true, blob: shrunk, mediaType: 'image/jpeg' };
  return file.size <= MAX_PHOTO_BYTES ? { ok: true, blob: file, mediaType } : { ok: false, problem: 'size' };
}

async function shrink(file: Blob): Promise<Blob | null> {
  // imageOrientation 'from-image': a sideways camera picture is drawn upright.
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    const scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d');
    if (!context) return null;
    context.fillStyle = '#fff';
    context.fillRect(0, 0, width, height);
    context.drawImage(bitmap, 0, 0, width, height);
    return await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY));
  } finally {
    bitmap.close();
  }
}

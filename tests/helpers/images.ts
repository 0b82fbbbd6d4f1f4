import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';

/**
 * Test images made on the spot: real encoders (sharp), plus the hostile ones an
 * upload must refuse, built byte by byte.
 */

/** GPS position written into the test JPEG's EXIF (贵阳, 26°34'N 106°42'E). */
export const GPS = { lat: '26/1 34/1 0/1', lng: '106/1 42/1 0/1' };

/**
 * A camera-like JPEG: EXIF with make, model, time and a GPS block, and EXIF
 * orientation 6 (stored sideways: the picture is upright once turned 90° clockwise).
 * `width` × `height` are the stored pixel dimensions.
 */
export async function jpegWithGps(width = 1200, height = 800): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 30, g: 120, b: 200 } } })
    .composite([{ input: Buffer.from(`<svg width="${width}" height="${height}"><rect x="0" y="0" width="${Math.round(width / 4)}" height="${height}" fill="red"/></svg>`) }])
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: 'TestCam', Model: 'Leaky 1', DateTime: '2026:03:01 09:30:00' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: GPS.lat, GPSLongitudeRef: 'E', GPSLongitude: GPS.lng },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

export async function pngWithAlpha(width = 640, height = 480): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 10, g: 200, b: 10, alpha: 0.5 } } }).png().toBuffer();
}

export async function webp(width = 800, height = 600): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 200, b: 10 } } }).webp().toBuffer();
}

/** A real PNG of noise, about `megabytes` MB (incompressible, so the file is that large). */
export async function noisePng(megabytes: number): Promise<Buffer> {
  const side = Math.ceil(Math.sqrt((megabytes * 1024 * 1024) / 3));
  return sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
}

/** The start of a Linux executable, padded: what a renamed binary looks like. */
export function elfExecutable(): Buffer {
  const header = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x00, 0x3e, 0x00, 0x01, 0, 0, 0]);
  return Buffer.concat([header, randomBytes(4096)]);
}

/** A PNG whose header promises `side` × `side` pixels of a 1-bit image: tiny on disk, gigapixels once decoded. */
export function pngBomb(side = 40_000): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  // Only the first rows are really there: enough for any decoder to start work.
  const row = Buffer.alloc(1 + Math.ceil(side / 8));
  const rows = Buffer.concat(Array.from({ length: 64 }, () => row));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** JPEG marker segments present in a file (APPn, COM…), by marker byte: 0xE1 is EXIF/XMP, 0xE2 ICC, 0xED IPTC, 0xFE comment. */
export function jpegSegments(bytes: Buffer): number[] {
  const markers: number[] = [];
  let i = 2; // after SOI
  while (i + 4 <= bytes.length && bytes[i] === 0xff) {
    const marker = bytes[i + 1]!;
    if (marker === 0xda) break; // start of scan: entropy-coded data follows
    markers.push(marker);
    i += 2 + bytes.readUInt16BE(i + 2);
  }
  return markers;
}

import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sniffPhotoType } from '../../app/report/photo-prep';
import { elfExecutable } from '../helpers/images';

/** The report app reads a picture's type from its bytes, as the server does (a renamed file is not trusted). */
describe('report photo type sniffing', () => {
  const image = (format: 'jpeg' | 'png' | 'webp') =>
    sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 1, g: 2, b: 3 } } })[format]().toBuffer();

  it('recognises JPEG, PNG and WebP by their first bytes', async () => {
    expect(sniffPhotoType(new Uint8Array(await image('jpeg')).subarray(0, 16))).toBe('image/jpeg');
    expect(sniffPhotoType(new Uint8Array(await image('png')).subarray(0, 16))).toBe('image/png');
    expect(sniffPhotoType(new Uint8Array(await image('webp')).subarray(0, 16))).toBe('image/webp');
  });

  it('refuses anything else, whatever it is called', async () => {
    expect(sniffPhotoType(new Uint8Array(elfExecutable()).subarray(0, 16))).toBeNull();
    const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 1, g: 2, b: 3 } } }).gif().toBuffer();
    expect(sniffPhotoType(new Uint8Array(gif).subarray(0, 16))).toBeNull();
    expect(sniffPhotoType(new Uint8Array([0xff, 0xd8]))).toBeNull();
    expect(sniffPhotoType(new TextEncoder().encode('RIFF\0\0\0\0WAVEfmt '))).toBeNull();
  });
});

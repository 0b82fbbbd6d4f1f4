import type { Context } from 'hono';
import { AppError } from '../errors';

/**
 * Request bodies, read once with a hard byte limit and a strict media type.
 * `application/json` (or a `+json` structured suffix) in UTF-8 only: JSON text
 * sequences (`application/json-seq`) and other charsets are refused with 415, so
 * what the schema validates is exactly what the client sent.
 */
export type BodyKind = 'json' | 'form' | 'xml';

const MEDIA: Record<BodyKind, (type: string) => boolean> = {
  json: (t) => t === 'application/json' || /^application\/[\w.-]+\+json$/.test(t),
  form: (t) => t === 'application/x-www-form-urlencoded',
  xml: (t) => t === 'application/xml' || t === 'text/xml' || /^application\/[\w.-]+\+xml$/.test(t),
};

const EXPECTED: Record<BodyKind, string> = {
  json: 'application/json',
  form: 'application/x-www-form-urlencoded',
  xml: 'application/xml',
};

interface MediaType {
  type: string;
  charset: string | null;
}

export function parseMediaType(header: string | undefined): MediaType | null {
  if (!header) return null;
  const [essence, ...params] = header.split(';');
  const type = essence!.trim().toLowerCase();
  if (!/^[\w.+-]+\/[\w.+-]+$/.test(type)) return null;
  let charset: string | null = null;
  for (const param of params) {
    const [key, value] = param.split('=');
    if (key?.trim().toLowerCase() === 'charset') charset = (value ?? '').trim().replace(/^"|"$/g, '').toLowerCase();
  }
  return { type, charset };
}

/** Reads the raw body as UTF-8 text, refusing a wrong media type (415) or more than `limitBytes` (413). */
export async function readBodyText(c: Context, kind: BodyKind, limitBytes: number): Promise<string> {
  const header = c.req.header('content-type');
  const media = parseMediaType(header);
  if (!media || !MEDIA[kind](media.type)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `expected Content-Type ${EXPECTED[kind]}, got ${header || 'none'}`, {
      expected: EXPECTED[kind],
      received: header ?? null,
    });
  }
  if (media.charset !== null && media.charset !== 'utf-8' && media.charset !== 'utf8') {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `only UTF-8 bodies are accepted, got charset=${media.charset}`, {
      expected: 'utf-8',
      received: media.charset,
    });
  }
  const bytes = await readLimited(c, limitBytes);
  // fatal: a body that is not valid UTF-8 is refused rather than silently repaired with U+FFFD.
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new AppError('BAD_BODY', 'request body is not valid UTF-8', { encoding: 'utf-8' });
  }
}

/** The raw body, refusing more than `limitBytes` (413) by its Content-Length at once, else as soon as the count passes it. */
async function readLimited(c: Context, limitBytes: number): Promise<Buffer> {
  const declared = Number(c.req.header('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limitBytes) {
    throw tooLarge(limitBytes, declared);
  }
  const stream = c.req.raw.body;
  if (!stream) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limitBytes, size);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * A binary body (an uploaded file) with its declared media type, which must be one
 * of `accepted` (415 otherwise) — declared only: what the bytes really are is the
 * caller's to find out from the content. More than `limitBytes` → 413.
 */
export async function readBinaryBody(c: Context, accepted: readonly string[], limitBytes: number): Promise<{ declaredType: string; bytes: Buffer }> {
  const header = c.req.header('content-type');
  const media = parseMediaType(header);
  if (!media || !accepted.includes(media.type)) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `expected Content-Type ${accepted.join(', ')}, got ${header || 'none'}`, {
      expected: accepted,
      received: header ?? null,
    });
  }
  return { declaredType: media.type, bytes: await readLimited(c, limitBytes) };
}

function tooLarge(limit: number, seen: number): AppError {
  return new AppError('PAYLOAD_TOO_LARGE', `body of at least ${seen} bytes exceeds the limit of ${limit} bytes`, { limitBytes: limit });
}

export async function readJsonBody(c: Context, limitBytes: number): Promise<unknown> {
  const text = await readBodyText(c, 'json', limitBytes);
  if (text.trim() === '') throw new AppError('BAD_JSON', 'request body is empty', { position: 0 });
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AppError('BAD_JSON', `request body is not valid JSON: ${(error as Error).message}`, {
      parser: (error as Error).message,
    });
  }
}

/** A form body as a plain object; a repeated key keeps its last value (Open311 clients send each once). */
export async function readFormBody(c: Context, limitBytes: number): Promise<Record<string, string>> {
  const text = await readBodyText(c, 'form', limitBytes);
  return Object.fromEntries(new URLSearchParams(text));
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url (43 characters): session tokens, display tokens, API key secrets. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * SHA-256 hex. Right for high-entropy secrets (≥ 32 random bytes): nobody can
 * guess a preimage, so a slow hash would only cost every request time. Passwords,
 * chosen by people, get argon2id instead (passwords.ts).
 */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Constant-time equality of two hex digests of the same length. */
export function sameDigest(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** A short public identifier (10 lowercase hex characters), e.g. an API key's prefix. */
export function newPublicId(): string {
  return randomBytes(5).toString('hex');
}

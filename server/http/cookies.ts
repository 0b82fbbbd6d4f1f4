import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';

/**
 * Credential cookies: httpOnly (scripts never see them), SameSite=Lax (no
 * cross-site POSTs carry them), Secure when the request came over https (directly
 * or through a proxy that says so with X-Forwarded-Proto and TRUST_PROXY=1).
 */
export function credentialCookieOptions(maxAgeS: number, secure: boolean) {
  return { httpOnly: true, sameSite: 'Lax', secure, path: '/', maxAge: Math.max(0, Math.floor(maxAgeS)) } as const;
}

export function setCredentialCookie(c: Context, name: string, value: string, maxAgeS: number, secure: boolean): void {
  setCookie(c, name, value, credentialCookieOptions(maxAgeS, secure));
}

export function clearCredentialCookie(c: Context, name: string, secure: boolean): void {
  deleteCookie(c, name, { path: '/', secure, httpOnly: true, sameSite: 'Lax' });
}

export function requestIsHttps(c: Context, trustProxy: boolean): boolean {
  return new URL(c.req.url).protocol === 'https:' || forwardedHttps(c.req.header('x-forwarded-proto'), trustProxy);
}

/** A trusted proxy's X-Forwarded-Proto (its first hop) says the browser used https. */
export function forwardedHttps(header: string | string[] | undefined, trustProxy: boolean): boolean {
  const first = String(header ?? '').split(',')[0]?.trim();
  return trustProxy && first === 'https';
}

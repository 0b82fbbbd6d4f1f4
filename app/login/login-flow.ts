/**
 * The login page's logic without React: where to go after signing in, and what a
 * response from POST /api/auth/login means. Pure, so it is unit-tested.
 */
import type { Role } from '../../server/protocol/vocab';

export type LoginOutcome =
  | { kind: 'ok'; role: Role }
  | { kind: 'bad_credentials' }
  | { kind: 'rate_limited'; retryAfterS: number }
  | { kind: 'server_error' }
  | { kind: 'network_error' };

/**
 * `?next=` only if it is a path on this site: starts with one `/`, is not `//host`
 * or `/\host` (browsers read both as another host), has no control characters, and
 * still has our origin once resolved. Anything else (and /login itself) → null.
 */
export function safeNext(next: string | null, origin: string): string | null {
  if (!next || next.length > 2048) return null;
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
  if ([...next].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) return null;
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return null;
  }
  if (url.origin !== new URL(origin).origin) return null;
  if (url.pathname === '/login' || url.pathname.startsWith('/login/')) return null;
  return url.pathname + url.search + url.hash;
}

/** Where each role lands when no `next` is given: grid workers on their phone app, the others on the wall. */
export function homeOf(role: Role): string {
  switch (role) {
    case 'grid_worker':
      return '/report';
    case 'admin':
    case 'leader':
    case 'duty_officer':
    case 'dispatcher':
      return '/wall';
  }
}

/** Maps the HTTP answer to an outcome; never throws on an odd body. */
export async function outcomeOf(response: Response): Promise<LoginOutcome> {
  const body = (await response.json().catch(() => null)) as {
    user?: { role?: Role };
    error?: { code?: string; details?: { retryAfterS?: number } };
  } | null;
  if (response.ok && body?.user?.role) return { kind: 'ok', role: body.user.role };
  if (response.status === 401 || body?.error?.code === 'BAD_CREDENTIALS') return { kind: 'bad_credentials' };
  if (response.status === 429 || body?.error?.code === 'RATE_LIMITED') {
    const fromBody = Number(body?.error?.details?.retryAfterS);
    const fromHeader = Number(response.headers.get('retry-after'));
    const retryAfterS = Number.isFinite(fromBody) && fromBody > 0 ? fromBody : Number.isFinite(fromHeader) && fromHeader > 0 ? fromHeader : 60;
    return { kind: 'rate_limited', retryAfterS: Math.ceil(retryAfterS) };
  }
  return { kind: 'server_error' };
}

export async function submitLogin(login: string, password: string, fetcher: typeof fetch = fetch): Promise<LoginOutcome> {
  let response: Response;
  try {
    response = await fetcher('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ login, password }),
    });
  } catch {
    return { kind: 'network_error' };
  }
  return outcomeOf(response);
}

'use client';

import type { AreaLevel, Role } from '../../server/protocol/vocab';

/**
 * Who is signed in, from the browser's side: GET /api/auth/me, sign-out, and the
 * one way every surface leaves for the login page (a REST 401, a refused socket
 * handshake, a `signedOut` notice). Going to the login page is idempotent: the
 * first call wins, later ones (other requests failing at the same moment) do nothing.
 */
export interface Me {
  kind: 'user' | 'display';
  name: string;
  role: Role | 'display';
  login: string | null;
  area: { code: string; name: string; nameEn: string | null; level: AreaLevel; path: string[] } | null;
}

/** Why the browser was sent to the login page (shown there). */
export type LoginReason = 'signed_out' | 'session_ended' | 'display_revoked' | 'unauthenticated';

/** A server's signedOut reason → what the login page says. */
export function loginReasonOf(serverReason: string): LoginReason {
  if (serverReason === 'display_revoked') return 'display_revoked';
  if (serverReason === 'logout' || serverReason === 'revoked:logout') return 'signed_out';
  return 'session_ended';
}

/** `/login?next=<this page>&reason=…`; the page path only (never a display token: the server strips it). */
export function loginUrl(reason: LoginReason | null, here: { pathname: string; search: string } = window.location): string {
  const params = new URLSearchParams();
  const search = new URLSearchParams(here.search);
  search.delete('display');
  const rest = search.toString();
  if (here.pathname !== '/login') params.set('next', here.pathname + (rest ? `?${rest}` : ''));
  if (reason) params.set('reason', reason);
  const query = params.toString();
  return `/login${query ? `?${query}` : ''}`;
}

let leaving = false;
/** The server's own reason is on screen (socket `signedOut`): a generic 401 meanwhile must not cut it short. */
let noticeShown = false;

/** The page shows why the server ended its credential and will leave with that reason. */
export function showingSignedOutNotice(): void {
  noticeShown = true;
}

/** Leaves for the login page once (replacing this history entry). */
export function goToLogin(reason: LoginReason | null): void {
  if (leaving || typeof window === 'undefined') return;
  if (noticeShown && reason === 'unauthenticated') return;
  leaving = true;
  window.location.replace(loginUrl(reason));
}

const endedListeners = new Set<(reason: string) => void>();

/** The live client listens while it runs: a REST 401 naming why shows the same notice as its socket's `signedOut`. */
export function onCredentialEnded(listener: (reason: string) => void): () => void {
  endedListeners.add(listener);
  return () => endedListeners.delete(listener);
}

/**
 * A REST call was refused for want of a credential (401). When the server said why
 * (`details.reason`, the words of a socket's `signedOut`), the page's live client
 * shows that notice and leaves as it would for its socket; with no live client, or
 * no reason (never signed in), the page leaves for the login page at once.
 */
export function credentialRefused(details: unknown): void {
  const reason = (details as { reason?: unknown } | null)?.reason;
  if (typeof reason === 'string' && reason !== '') {
    if (endedListeners.size > 0) for (const listener of endedListeners) listener(reason);
    else goToLogin(loginReasonOf(reason));
    return;
  }
  goToLogin('unauthenticated');
}

/** True once the page is on its way to the login page: callers stop retrying. */
export function isLeaving(): boolean {
  return leaving;
}

export async function fetchMe(signal?: AbortSignal): Promise<Me> {
  const response = await fetch('/api/auth/me', { signal, headers: { accept: 'application/json' }, credentials: 'same-origin' });
  if (response.status === 401) {
    goToLogin('unauthenticated');
    throw new Error('UNAUTHENTICATED');
  }
  if (!response.ok) throw new Error(`GET /api/auth/me: ${response.status}`);
  return (await response.json()) as Me;
}

/** POST /api/auth/logout; true when the server ended the session (or it had already ended). */
export async function postLogout(): Promise<boolean> {
  try {
    const response = await fetch('/api/auth/logout', {
      method: 'POST',
      headers: { accept: 'application/json' },
      credentials: 'same-origin',
    });
    return response.ok || response.status === 401;
  } catch {
    return false;
  }
}

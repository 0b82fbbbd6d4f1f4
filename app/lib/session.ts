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

/**
 * Signing out holds the page's REST calls: one made meanwhile (a KPI refresh after a
 * live event, the areas of a map move) waits instead of reaching the server after
 * its session ended and coming back 401. If the sign-out fails they go out as if
 * nothing happened; if it succeeds the page leaves and they never do. A caller's
 * own abort still ends the wait. Every REST wrapper awaits `pageRequestsAllowed`.
 */
let hold: { released: Promise<void>; release: () => void } | null = null;
/** The page is on its way to the login page: it sends nothing more. */
let leaving = false;

declare global {
  interface Window {
    /** How many REST calls a sign-out is holding now (read by end-to-end tests). */
    __hcmHeldRequests?: number;
  }
}

function countHeld(delta: number): void {
  if (typeof window !== 'undefined') window.__hcmHeldRequests = (window.__hcmHeldRequests ?? 0) + delta;
}

/** Signing out (or leaving for the login page): hold the page's new REST calls. */
export function holdPageRequests(): void {
  if (hold) return;
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  hold = { released, release };
}

/** The sign-out failed: the held calls go out. */
export function releasePageRequests(): void {
  if (!hold || leaving) return;
  const { release } = hold;
  hold = null;
  release();
}

/** Resolves when the page may send a REST call; rejects as aborted when `signal` aborts first. */
export async function pageRequestsAllowed(signal?: AbortSignal | null): Promise<void> {
  while (hold) {
    const { released } = hold;
    signal?.throwIfAborted();
    countHeld(1);
    try {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(signal!.reason as Error);
        signal?.addEventListener('abort', onAbort, { once: true });
        void released.then(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    } finally {
      countHeld(-1);
    }
  }
  signal?.throwIfAborted();
}

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
  holdPageRequests();
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
  await pageRequestsAllowed(signal);
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

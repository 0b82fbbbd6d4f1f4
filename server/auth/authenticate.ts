import type { Actor } from './actor';

/** How a request proved who it is. Cookie-authenticated writes must also be same-origin. */
export type Credential = 'session' | 'display' | 'api_key';

export interface Authenticated {
  actor: Actor;
  via: Credential;
}

/** Request headers → who is asking, or null. Implemented over the database by server/auth/authenticator.ts. */
export interface Authenticator {
  fromHeaders(headers: { cookie?: string; authorization?: string; apiKey?: string }): Promise<Authenticated | null>;
  /**
   * Why the cookies no longer authenticate, in the words a socket's `signedOut`
   * uses (`revoked:<why>`, `disabled`, `expired`, `idle`, `display_revoked`), or
   * null (no cookie, or one never issued). Asked only on the way to a 401, so a
   * page whose credential ended learns why from its REST call as from its socket.
   */
  whyNot(headers: { cookie?: string }): Promise<string | null>;
}

export const SESSION_COOKIE = 'hcm_session';
export const DISPLAY_COOKIE = 'hcm_display';

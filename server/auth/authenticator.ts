import { parse as parseCookies } from 'hono/utils/cookie';
import type { Database } from '../../db/client';
import { resolveApiKey } from './api-keys';
import { DISPLAY_COOKIE, SESSION_COOKIE, type Authenticated, type Authenticator } from './authenticate';
import { DISPLAY_TOKEN_PATTERN, resolveDisplayToken } from './display-tokens';
import { isRevokedDisplayTokenHash } from '../../db/queries/liveness';
import { sha256Hex } from './secrets';
import { findDeadSessions, resolveSession, SESSION_TOKEN_PATTERN, type SessionOptions } from './sessions';

/**
 * Credentials → actor, over the database. An API key (Authorization: Bearer, or
 * X-Api-Key) is checked first and, when present, is the only thing checked: a
 * machine client never falls back to a cookie. Then the session cookie, then a
 * wall display's cookie.
 */
export function databaseAuthenticator(database: Database, options: SessionOptions = {}): Authenticator {
  return {
    async fromHeaders({ cookie, authorization, apiKey }): Promise<Authenticated | null> {
      const key = apiKey ?? bearer(authorization);
      if (key !== null && key !== undefined) {
        const actor = await resolveApiKey(database, key);
        return actor ? { actor, via: 'api_key' } : null;
      }
      const cookies = cookie ? parseCookies(cookie) : {};
      const session = cookies[SESSION_COOKIE];
      if (session) {
        const actor = await resolveSession(database, session, options);
        if (actor) return { actor, via: 'session' };
      }
      const display = cookies[DISPLAY_COOKIE];
      if (display) {
        const actor = await resolveDisplayToken(database, display);
        if (actor) return { actor, via: 'display' };
      }
      return null;
    },

    async whyNot({ cookie }): Promise<string | null> {
      const cookies = cookie ? parseCookies(cookie) : {};
      const session = cookies[SESSION_COOKIE];
      if (session && SESSION_TOKEN_PATTERN.test(session)) {
        // The socket sweep's own query, for one id: the same reasons in the same words.
        const [dead] = await findDeadSessions(database, [sha256Hex(session)], options);
        if (dead && dead.reason !== 'unknown') return dead.reason;
      }
      const display = cookies[DISPLAY_COOKIE];
      if (display && DISPLAY_TOKEN_PATTERN.test(display) && (await isRevokedDisplayTokenHash(database, sha256Hex(display)))) return 'display_revoked';
      return null;
    },
  };
}

function bearer(header: string | undefined): string | null {
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match ? match[1]! : null;
}

import type { Runner } from '../../db/client';
import { scopeOf } from '../../db/scope';
import {
  findDeadSessions as findDeadSessionRows,
  findSessionWithUser,
  insertSession,
  revokeSessionById,
  revokeSessionsOfUser,
  touchSession,
  type DeadSession,
  type SessionWithUser,
} from '../../db/queries/sessions';
import type { Actor } from './actor';
import { systemClock, type Clock } from './clock';
import { newSecret, sha256Hex } from './secrets';

/**
 * Server-side sessions. The browser holds a random 32-byte token (base64url) in an
 * httpOnly cookie; the database holds only its SHA-256, which is the session id.
 *
 * Expiry: idle 8 h (a duty shift: a console left alone for a shift must log in
 * again) and absolute 72 h from login (a console used without pause still
 * re-authenticates every three days). Wall screens use display tokens, not
 * sessions. last_seen_at is written at most once a minute per session, so
 * browsing costs one read per request, not a write.
 */
export interface SessionConfig {
  idleMs: number;
  absoluteMs: number;
  /** Minimum time between two last_seen_at writes of one session. */
  touchEveryMs: number;
}

export const DEFAULT_SESSION_CONFIG: SessionConfig = {
  idleMs: 8 * 3600_000,
  absoluteMs: 72 * 3600_000,
  touchEveryMs: 60_000,
};

export interface SessionOptions {
  clock?: Clock;
  config?: SessionConfig;
}

export const SESSION_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface NewSessionResult {
  /** The cookie value: shown once, never stored. */
  token: string;
  session: { id: string; userId: number; createdAt: Date; expiresAt: Date };
}

export async function createSession(
  tx: Runner,
  user: { id: number },
  meta: { ip?: string | null; userAgent?: string | null },
  options: SessionOptions = {},
): Promise<NewSessionResult> {
  const now = (options.clock ?? systemClock)();
  const config = options.config ?? DEFAULT_SESSION_CONFIG;
  const token = newSecret();
  const session = { id: sha256Hex(token), userId: user.id, createdAt: now, expiresAt: new Date(now.getTime() + config.absoluteMs) };
  await insertSession(tx, { ...session, ip: meta.ip ?? null, userAgent: meta.userAgent?.slice(0, 512) ?? null });
  return { token, session };
}

export type SessionState = 'ok' | 'revoked' | 'disabled' | 'expired' | 'idle';

/** Pure: is this session still good at `now`? The order names the most useful reason first. */
export function sessionState(
  s: Pick<SessionWithUser, 'revokedAt' | 'disabled' | 'expiresAt' | 'lastSeenAt'>,
  now: Date,
  config: SessionConfig,
): SessionState {
  if (s.revokedAt !== null) return 'revoked';
  if (s.disabled) return 'disabled';
  if (now.getTime() >= s.expiresAt.getTime()) return 'expired';
  if (now.getTime() - s.lastSeenAt.getTime() >= config.idleMs) return 'idle';
  return 'ok';
}

/** The session's actor with its state; `actor` only when the state is ok. */
export async function inspectSession(
  db: Runner,
  token: string,
  options: SessionOptions = {},
): Promise<{ state: SessionState | 'unknown'; actor: Extract<Actor, { kind: 'user' }> | null }> {
  if (!SESSION_TOKEN_PATTERN.test(token)) return { state: 'unknown', actor: null };
  const now = (options.clock ?? systemClock)();
  const config = options.config ?? DEFAULT_SESSION_CONFIG;
  const row = await findSessionWithUser(db, sha256Hex(token));
  if (!row) return { state: 'unknown', actor: null };
  const state = sessionState(row, now, config);
  if (state !== 'ok') return { state, actor: null };
  if (now.getTime() - row.lastSeenAt.getTime() >= config.touchEveryMs) await touchSession(db, row.id, now);
  return {
    state,
    actor: {
      kind: 'user',
      id: row.userId,
      login: row.login,
      name: row.displayName,
      role: row.role,
      scope: scopeOf(row.areaCode),
      sessionId: row.id,
    },
  };
}

/** Cookie token → the user actor, or null when unknown, revoked, idle, expired or the user is disabled. */
export async function resolveSession(
  db: Runner,
  token: string,
  options: SessionOptions = {},
): Promise<Extract<Actor, { kind: 'user' }> | null> {
  return (await inspectSession(db, token, options)).actor;
}

/** Revokes one session by id (logout); false when it was unknown or already revoked. */
export function revokeSession(tx: Runner, sessionId: string, reason: string, options: SessionOptions = {}): Promise<boolean> {
  return revokeSessionById(tx, sessionId, reason, (options.clock ?? systemClock)());
}

/** Revokes every live session of a user (password change, disable); returns the revoked ids. */
export function revokeUserSessions(tx: Runner, userId: number, reason: string, options: SessionOptions = {}): Promise<string[]> {
  return revokeSessionsOfUser(tx, userId, reason, (options.clock ?? systemClock)());
}

/**
 * Of these session ids (those of connected sockets), the ones that no longer
 * authenticate and why: one query for any number of ids, cheap enough to run
 * every few seconds so revoked sessions lose their sockets "within seconds".
 */
export function findDeadSessions(db: Runner, ids: readonly string[], options: SessionOptions = {}): Promise<DeadSession[]> {
  const config = options.config ?? DEFAULT_SESSION_CONFIG;
  return findDeadSessionRows(db, ids, (options.clock ?? systemClock)(), config.idleMs);
}

export type { DeadSession };

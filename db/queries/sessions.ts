import { sql } from 'drizzle-orm';
import type { Runner } from '../client';
import type { Role } from '../vocab';

export interface NewSession {
  /** SHA-256 hex of the cookie token. */
  id: string;
  userId: number;
  createdAt: Date;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

export async function insertSession(tx: Runner, session: NewSession): Promise<void> {
  const at = session.createdAt.toISOString();
  await tx.rows(sql`
    INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
    VALUES (${session.id}, ${session.userId}::int, ${at}::timestamptz, ${at}::timestamptz,
            ${session.expiresAt.toISOString()}::timestamptz, ${session.ip}, ${session.userAgent})`);
}

/** A session with what resolving it needs: its times and its user (role, jurisdiction, disabled). */
export interface SessionWithUser {
  id: string;
  userId: number;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  login: string;
  displayName: string;
  role: Role;
  areaCode: string;
  disabled: boolean;
}

interface RawSession extends Omit<SessionWithUser, 'createdAt' | 'lastSeenAt' | 'expiresAt' | 'revokedAt'> {
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

const epochMs = (column: string) => sql.raw(`(extract(epoch FROM ${column}) * 1000)::float8::text`);

/** Lookup by the token's hash (the secret is the question, so no scope). */
export async function findSessionWithUser(db: Runner, id: string): Promise<SessionWithUser | undefined> {
  const [row] = await db.rows<RawSession>(sql`
    SELECT s.id, s.user_id AS "userId", ${epochMs('s.created_at')} AS "createdAt",
           ${epochMs('s.last_seen_at')} AS "lastSeenAt", ${epochMs('s.expires_at')} AS "expiresAt",
           ${epochMs('s.revoked_at')} AS "revokedAt",
           u.login, u.display_name AS "displayName", u.role, a.code AS "areaCode", u.disabled
    FROM sessions s JOIN users u ON u.id = s.user_id JOIN areas a ON a.id = u.area_id
    WHERE s.id = ${id}`);
  if (!row) return undefined;
  return {
    ...row,
    createdAt: new Date(Number(row.createdAt)),
    lastSeenAt: new Date(Number(row.lastSeenAt)),
    expiresAt: new Date(Number(row.expiresAt)),
    revokedAt: row.revokedAt === null ? null : new Date(Number(row.revokedAt)),
  };
}

/** Moves last_seen_at forward (never back: two requests racing keep the later time). */
export async function touchSession(db: Runner, id: string, at: Date): Promise<void> {
  await db.rows(sql`
    UPDATE sessions SET last_seen_at = ${at.toISOString()}::timestamptz
    WHERE id = ${id} AND last_seen_at < ${at.toISOString()}::timestamptz`);
}

/** Revokes one session; false when it is unknown or already revoked. */
export async function revokeSessionById(tx: Runner, id: string, reason: string, at: Date): Promise<boolean> {
  const rows = await tx.rows<{ id: string }>(sql`
    UPDATE sessions SET revoked_at = ${at.toISOString()}::timestamptz, revoke_reason = ${reason}
    WHERE id = ${id} AND revoked_at IS NULL RETURNING id`);
  return rows.length > 0;
}

/** Revokes every live session of a user (password change, disable); returns the revoked ids. */
export async function revokeSessionsOfUser(tx: Runner, userId: number, reason: string, at: Date): Promise<string[]> {
  const rows = await tx.rows<{ id: string }>(sql`
    UPDATE sessions SET revoked_at = ${at.toISOString()}::timestamptz, revoke_reason = ${reason}
    WHERE user_id = ${userId}::int AND revoked_at IS NULL RETURNING id`);
  return rows.map((r) => r.id);
}

export interface DeadSession {
  id: string;
  /** `revoked:<reason>`, `expired`, `idle`, `disabled` or `unknown`. */
  reason: string;
}

/**
 * Of the given session ids (say, those of every connected socket), the ones that
 * no longer authenticate, with why. One indexed lookup per call however many ids,
 * so a socket layer can sweep every few seconds.
 */
export async function findDeadSessions(db: Runner, ids: readonly string[], now: Date, idleMs: number): Promise<DeadSession[]> {
  if (ids.length === 0) return [];
  const nowIso = now.toISOString();
  const idleFrom = new Date(now.getTime() - idleMs).toISOString();
  return db.rows<DeadSession>(sql`
    SELECT i.id,
           CASE WHEN s.id IS NULL THEN 'unknown'
                WHEN s.revoked_at IS NOT NULL THEN 'revoked:' || coalesce(s.revoke_reason, '')
                WHEN u.disabled THEN 'disabled'
                WHEN s.expires_at <= ${nowIso}::timestamptz THEN 'expired'
                ELSE 'idle' END AS reason
    FROM (SELECT DISTINCT id FROM jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb) AS e(id)) i
    LEFT JOIN sessions s ON s.id = i.id
    LEFT JOIN users u ON u.id = s.user_id
    WHERE s.id IS NULL OR s.revoked_at IS NOT NULL OR u.disabled
       OR s.expires_at <= ${nowIso}::timestamptz OR s.last_seen_at <= ${idleFrom}::timestamptz
    ORDER BY i.id`);
}

/** Deletes sessions that ended (revoked or expired) before `before`; returns how many. */
export async function pruneSessions(db: Runner, before: Date): Promise<number> {
  const rows = await db.rows<{ id: string }>(sql`
    DELETE FROM sessions
    WHERE (revoked_at IS NOT NULL AND revoked_at < ${before.toISOString()}::timestamptz)
       OR expires_at < ${before.toISOString()}::timestamptz
    RETURNING id`);
  return rows.length;
}

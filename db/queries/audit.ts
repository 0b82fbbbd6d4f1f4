import { sql } from 'drizzle-orm';
import type { Runner } from '../client';
import { inScope, type Scope } from '../scope';
import type { AuditOutcome } from '../vocab';

/** One audit row as a writer hands it over. */
export interface AuditEntry {
  /** `user:12`, `display:3`, `api_client:1`, `anonymous`, `system:cli`. */
  actor: string;
  actorLabel?: string | null;
  /** Dotted verb: `auth.login`, `users.create`, `contacts.reveal`… */
  action: string;
  targetType?: string | null;
  targetId?: string | number | null;
  /**
   * What the row concerns, for scoped listing. Give the area's path, or an area id
   * or code (its path is looked up in the same statement); with none, the root codes
   * (the row is visible to city-level admins only).
   */
  areaCodes?: readonly string[];
  areaId?: number | null;
  /** Or an area code (e.g. an actor's scope): its path is looked up. */
  areaCode?: string | null;
  ip?: string | null;
  outcome: AuditOutcome;
  details?: Record<string, unknown>;
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  actorLabel: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  areaCodes: string[];
  ip: string | null;
  outcome: AuditOutcome;
  details: Record<string, unknown>;
}

const auditColumns = sql`
  id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor, actor_label AS "actorLabel", action,
  target_type AS "targetType", target_id AS "targetId", area_codes AS "areaCodes", ip, outcome, details`;

/**
 * Appends one audit row. Call it with the transaction that makes the change
 * (`database.transaction(tx => … appendAudit(tx, …))`): the row commits or rolls
 * back with the change. Refusals (failed logins, denied actions) are written on
 * their own, since there is no change to tie them to.
 */
export async function appendAudit(tx: Runner, entry: AuditEntry): Promise<number> {
  const explicit = entry.areaCodes && entry.areaCodes.length > 0 ? JSON.stringify(entry.areaCodes) : null;
  const [row] = await tx.rows<{ id: number }>(sql`
    INSERT INTO audit_log (actor, actor_label, action, target_type, target_id, area_codes, ip, outcome, details)
    VALUES (
      ${entry.actor}, ${entry.actorLabel ?? null}, ${entry.action}, ${entry.targetType ?? null},
      ${entry.targetId === undefined || entry.targetId === null ? null : String(entry.targetId)},
      coalesce(
        (SELECT array_agg(v ORDER BY o) FROM jsonb_array_elements_text(${explicit}::jsonb) WITH ORDINALITY AS e(v, o)),
        (SELECT path FROM areas WHERE id = ${entry.areaId ?? null}::int),
        (SELECT path FROM areas WHERE code = ${entry.areaCode ?? null}::text),
        (SELECT coalesce(array_agg(code ORDER BY code), '{}') FROM areas WHERE parent_id IS NULL)
      ),
      ${entry.ip ?? null}, ${entry.outcome}, ${JSON.stringify(entry.details ?? {})}::jsonb)
    RETURNING id`);
  return row!.id;
}

export interface AuditPage {
  /** Page size, 1…500 (default 100). */
  limit?: number;
  /** Keyset cursor: only rows with an id below this one (the last id of the previous page). */
  before?: number;
  action?: string;
}

/** Newest first, within the scope: rows whose area path contains the scope's code. */
export async function listAudit(db: Runner, scope: Scope, page: AuditPage = {}): Promise<AuditRow[]> {
  const limit = Math.min(Math.max(Math.trunc(page.limit ?? 100), 1), 500);
  const before = page.before !== undefined ? sql`AND id < ${page.before}::bigint` : sql``;
  const action = page.action !== undefined ? sql`AND action = ${page.action}` : sql``;
  return db.rows<AuditRow>(sql`
    SELECT ${auditColumns} FROM audit_log
    WHERE ${inScope(sql`area_codes`, scope)} ${before} ${action}
    ORDER BY id DESC LIMIT ${limit}::int`);
}

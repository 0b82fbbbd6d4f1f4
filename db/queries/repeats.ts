import { sql } from 'drizzle-orm';
import type { Runner } from '../client';
import { REPEAT_LOCK_CLASS } from '../locks';
import { inScope, type Scope } from '../scope';
import { isoTime } from '../spatial';

/**
 * Repeat appeals (重复件, issue 11): an appeal is a repeat when the same contact — the
 * reporter's phone or ID number, compared by their keyed hashes in case_contacts
 * (server/auth/contact-keys.ts) — made an appeal reported in the 30 days before it.
 * `cases.repeat_of` is then the oldest such appeal: the first of the chain within the
 * window. Set once, in the intake transaction, before the case's `reported` event is
 * written, so the rollups count it (migration repeat_appeals). Incidents are never
 * linked. "Before" is the order (reported_at, id): a backfilled appeal never points at
 * a later one. The keys never leave case_contacts: neither they nor the contact reach
 * a feed row or a snapshot.
 */
export const REPEAT_WINDOW_DAYS = 30;

/** The keys of one appeal as intake gives them (either may be null). */
export interface RepeatKeys {
  phoneKey: string | null;
  idKey: string | null;
}

/**
 * The appeals `o` (id, reported_at) of the contact of `n` (columns phone_key, id_key,
 * reported_at) reported in the window up to n. Each key is one lookup on its partial
 * index; the caller orders and says "before".
 */
export const SAME_CONTACT_APPEALS = sql`(
  SELECT o.id, o.reported_at FROM cases o
  WHERE o.id IN (SELECT k.case_id FROM case_contacts k WHERE k.phone_key = n.phone_key
                 UNION SELECT k.case_id FROM case_contacts k WHERE k.id_key = n.id_key)
    AND o.kind = 'appeal'
    AND o.reported_at >= n.reported_at - make_interval(days => ${REPEAT_WINDOW_DAYS}::int)
    AND o.reported_at <= n.reported_at) o`;

/**
 * Locks the contact keys of the appeals about to be stored, in one order (sorted), so
 * concurrent intake of one contact queues instead of both missing each other. Call it
 * first in the transaction: later statements then see what the other committed.
 */
export async function lockRepeatKeys(tx: Runner, keys: readonly RepeatKeys[]): Promise<void> {
  const all = [...new Set(keys.flatMap((k) => [k.phoneKey, k.idKey]).filter((k): k is string => k !== null))].sort();
  if (all.length === 0) return;
  await tx.rows(sql`
    SELECT pg_advisory_xact_lock(${REPEAT_LOCK_CLASS}::int, hashtext(k))
    FROM unnest(${`{${all.join(',')}}`}::text[]) WITH ORDINALITY AS u(k, n) ORDER BY n`);
}

/** Whether two appeals of one batch share a key (then insertCases links within the batch in a second statement). */
export function batchMayHoldRepeats(rows: ReadonlyArray<{ kind: string; reporter?: RepeatKeys | null }>): boolean {
  const seen = new Set<string>();
  for (const row of rows) {
    if (row.kind !== 'appeal' || !row.reporter) continue;
    for (const key of [row.reporter.phoneKey && `p${row.reporter.phoneKey}`, row.reporter.idKey && `i${row.reporter.idKey}`]) {
      if (!key) continue;
      if (seen.has(key)) return true;
      seen.add(key);
    }
  }
  return false;
}

/**
 * Links the appeals among `ids` (just inserted, contacts written) to the oldest appeal
 * of their contact in the window, the batch's own earlier rows included. Returns the
 * links set.
 */
export async function linkRepeatsWithinBatch(tx: Runner, ids: readonly number[]): Promise<Array<{ id: number; repeatOf: number }>> {
  return tx.rows(sql`
    UPDATE cases c SET repeat_of = l.repeat_of
    FROM (
      SELECT n.id, (SELECT o.id FROM ${SAME_CONTACT_APPEALS} WHERE (o.reported_at, o.id) < (n.reported_at, n.id)
                    ORDER BY o.reported_at, o.id LIMIT 1) AS repeat_of
      FROM (SELECT x.id, x.reported_at, k.phone_key, k.id_key FROM cases x JOIN case_contacts k ON k.case_id = x.id
            WHERE x.id = ANY(${`{${ids.join(',')}}`}::bigint[]) AND x.kind = 'appeal') n
    ) l
    WHERE c.id = l.id AND l.repeat_of IS NOT NULL AND c.repeat_of IS DISTINCT FROM l.repeat_of
    RETURNING c.id, c.repeat_of AS "repeatOf"`);
}

/** A case's place among repeat appeals, as the case page shows it to cleared roles. */
export interface RepeatChain {
  /** The appeal this one repeats (the oldest of its contact in the 30 days before it), or null. */
  repeatOf: number | null;
  /**
   * The appeals of its chain: the first one (this case's repeatOf, else the case itself)
   * and every appeal linked to it, this case included, oldest first, within the scope.
   */
  chain: Array<{ id: number; reportedAt: string; status: string }>;
}

/** The repeat chain of one case within the scope; undefined when the case is not in it. */
export async function findRepeatChain(db: Runner, scope: Scope, caseId: number): Promise<RepeatChain | undefined> {
  const rows = await db.rows<{ self: boolean; repeatOf: number | null; id: number; reportedAt: string; status: string }>(sql`
    WITH self AS (SELECT c.id, c.repeat_of, coalesce(c.repeat_of, c.id) AS root FROM cases c WHERE c.id = ${caseId}::bigint AND ${inScope(sql`c.area_codes`, scope)})
    SELECT true AS self, self.repeat_of AS "repeatOf", self.id, NULL AS "reportedAt", NULL AS status FROM self
    UNION ALL
    SELECT false, NULL, c.id, ${isoTime(sql`c.reported_at`)}, c.status
    FROM self JOIN cases c ON (c.id = self.root OR c.repeat_of = self.root) AND ${inScope(sql`c.area_codes`, scope)}
    WHERE EXISTS (SELECT 1 FROM cases r WHERE r.repeat_of = self.root)`);
  const self = rows.find((r) => r.self);
  if (!self) return undefined;
  const chain = rows
    .filter((r) => !r.self)
    .map((r) => ({ id: Number(r.id), reportedAt: r.reportedAt, status: r.status }))
    .sort((a, b) => (a.reportedAt < b.reportedAt ? -1 : a.reportedAt > b.reportedAt ? 1 : a.id - b.id));
  return { repeatOf: self.repeatOf === null ? null : Number(self.repeatOf), chain };
}

import { sql } from 'drizzle-orm';
import type { Runner } from '../client';
import type { CaseDuplicates } from '../records';
import { inScope, type Scope } from '../scope';
import { metresBox } from '../spatial';
import { CASE_EVENT_COLUMNS, OPEN_CASE } from './case-columns';

/**
 * Possible duplicates found at intake (issue 7): a new case is linked
 * (`duplicate_of`) to the oldest open case of the same kind, category and topic
 * within 50 m that was reported in the 24 hours before it. Shown, never merged
 * automatically (merging is a dispatcher's `merge` command).
 *
 * "Before" is the order (reported_at, id): a backfilled case is never linked to
 * one reported after it, and links never form a cycle. Concurrent intake
 * transactions do not see each other's rows, so two near-identical reports
 * committed at the same instant may both stay unlinked: a hint, not a guarantee.
 */
export const DUPLICATE_RADIUS_M = 50;
export const DUPLICATE_WINDOW_HOURS = 24;

/**
 * The cases near the new case `n` (any row with a geom): those inside a box
 * reaching 50 m, as the rows `o`. The box is the only condition inside an
 * OFFSET 0 fence, so the planner always answers it from cases_geom_gist. Without
 * statistics (a fresh table; PGlite, which never autovacuums; a burst of intake
 * before autovacuum runs) it would otherwise take the (category, reported_at)
 * index and read every open case of the category in the window for each new
 * case: 1.26 s instead of 35 ms for a 1,000-case batch over 10,000 simulated cases.
 */
export const NEAR_CASES = sql`(
  SELECT id, kind, category, topic, status, reported_at, geom FROM cases
  WHERE geom && ${metresBox(sql`n.geom`, sql`${DUPLICATE_RADIUS_M}::float8`)}
  OFFSET 0) o`;

/** `o` (from NEAR_CASES) is a possible original of the new case `n` (kind, category, topic, geom, reported_at). */
export const POSSIBLE_ORIGINAL = sql`o.kind = n.kind AND o.category = n.category AND o.topic IS NOT DISTINCT FROM n.topic
    AND o.status NOT IN ('closed', 'rejected', 'merged')
    AND o.reported_at <= n.reported_at
    AND o.reported_at >= n.reported_at - make_interval(hours => ${DUPLICATE_WINDOW_HOURS}::int)
    AND ST_DWithin(o.geom::geography, n.geom::geography, ${DUPLICATE_RADIUS_M}::float8)`;

/** Oldest first: the original is the earliest report. */
export const ORIGINAL_FIRST = sql`ORDER BY o.reported_at, o.id`;

export interface BatchCase {
  kind: string;
  category: string;
  topic: string | null;
  lng: number;
  lat: number;
  reportedAt: string;
}

/**
 * Whether two cases of one batch could be duplicates of each other, by a cheap
 * test in memory (a flat-earth distance with a 20 % margin): when none could, the
 * second statement of insertCases, which links cases within the batch, is skipped.
 */
export function batchMayHoldDuplicates(rows: readonly BatchCase[]): boolean {
  const groups = new Map<string, BatchCase[]>();
  for (const row of rows) {
    const key = `${row.kind}\u0000${row.category}\u0000${row.topic ?? ''}`;
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  const reach = DUPLICATE_RADIUS_M * 1.2;
  const windowMs = DUPLICATE_WINDOW_HOURS * 3_600_000;
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const sorted = [...group].sort((a, b) => a.lat - b.lat);
    for (let i = 0; i < sorted.length; i++) {
      const a = sorted[i]!;
      for (let j = i + 1; j < sorted.length; j++) {
        const b = sorted[j]!;
        const dy = (b.lat - a.lat) * 110_574;
        if (dy > reach) break;
        const dx = (b.lng - a.lng) * 111_320 * Math.cos((a.lat * Math.PI) / 180);
        if (Math.hypot(dx, dy) <= reach && Math.abs(Date.parse(a.reportedAt) - Date.parse(b.reportedAt)) <= windowMs) return true;
      }
    }
  }
  return false;
}

/**
 * The second intake statement, for batches: links each new case to its original
 * among the whole set of earlier cases, now that the batch's own rows exist
 * (the INSERT could only see cases committed before it). The candidates are the
 * batch's rows and the original the INSERT already found; only changed links are
 * written. Returns the new links.
 */
export async function linkDuplicatesWithinBatch(tx: Runner, ids: readonly number[]): Promise<Array<{ id: number; duplicateOf: number }>> {
  const batch = sql`${`{${ids.join(',')}}`}::bigint[]`;
  return tx.rows<{ id: number; duplicateOf: number }>(sql`
    WITH best AS (
      SELECT n.id, pick.id AS original
      FROM cases n CROSS JOIN LATERAL (
        SELECT o.id FROM ${NEAR_CASES}
        WHERE (o.id = ANY (${batch}) OR o.id = n.duplicate_of) AND o.id <> n.id
          AND ${POSSIBLE_ORIGINAL}
          AND (o.reported_at < n.reported_at OR o.id < n.id)
        ${ORIGINAL_FIRST}
        LIMIT 1) pick
      WHERE n.id = ANY (${batch}) AND pick.id IS DISTINCT FROM n.duplicate_of)
    UPDATE cases c SET duplicate_of = best.original FROM best WHERE c.id = best.id
    RETURNING c.id, c.duplicate_of AS "duplicateOf"`);
}

export type LinkedCase = CaseDuplicates['linked'][number];

/**
 * The open cases linked to one case either way, within the scope: its own
 * original (`duplicate_of`) and the cases that name it as theirs. Empty when the
 * case itself is outside the scope.
 */
export async function findLinkedCases(db: Runner, scope: Scope, id: number): Promise<LinkedCase[]> {
  return db.rows<LinkedCase>(sql`
    WITH self AS (
      SELECT id, duplicate_of FROM cases WHERE id = ${id}::bigint AND ${inScope(sql`area_codes`, scope)}),
    linked AS (
      SELECT duplicate_of AS id, 'original' AS relation FROM self WHERE duplicate_of IS NOT NULL
      UNION ALL
      SELECT d.id, 'duplicate' FROM self JOIN cases d ON d.duplicate_of = self.id)
    SELECT ${CASE_EVENT_COLUMNS}, l.relation
    FROM linked l JOIN cases c ON c.id = l.id LEFT JOIN areas g ON g.id = c.grid_id
    WHERE ${OPEN_CASE} AND ${inScope(sql`c.area_codes`, scope)}
    ORDER BY c.reported_at, c.id`);
}

import { sql } from 'drizzle-orm';
import type { Runner } from '../client';
import type { CaseKind, CaseStatus, Severity } from '../vocab';

/**
 * Reads of the simulated command centre (server/simulator/loop.ts): the open
 * simulated cases it works on, and the responders nearest to cases it dispatches.
 * Only cases the simulator reported (`attributes.simulated`) are read: cases that
 * people report are left to people.
 */
export interface LoopCaseRow {
  id: number;
  kind: CaseKind;
  category: string;
  topic: string | null;
  severity: Severity;
  status: CaseStatus;
  version: number;
  lng: number;
  lat: number;
  /** The root of the case's area path: the jurisdiction a system actor works it in. */
  root: string;
  assigneeId: number | null;
  duplicateOf: number | null;
  /**
   * When the case entered its current version: the report for version 1 (its
   * 'reported' event is stamped when intake received it, which for backfilled
   * history is later), else the command that made the version (case_events.at).
   */
  enteredAtMs: number;
  dueAtMs: number | null;
}

const EPOCH_MS = (column: ReturnType<typeof sql>) => sql`(extract(epoch FROM ${column}) * 1000)::float8`;

const LOOP_COLUMNS = sql`
  c.id, c.kind, c.category, c.topic, c.severity, c.status, c.version,
  ST_X(c.geom) AS lng, ST_Y(c.geom) AS lat, c.area_codes[1] AS root,
  c.assignee_id AS "assigneeId", c.duplicate_of AS "duplicateOf",
  CASE WHEN c.version = 1 THEN ${EPOCH_MS(sql`c.reported_at`)} ELSE coalesce(
    (SELECT ${EPOCH_MS(sql`max(e.at)`)} FROM case_events e WHERE e.case_id = c.id AND e.version = c.version),
    ${EPOCH_MS(sql`c.updated_at`)}) END AS "enteredAtMs",
  ${EPOCH_MS(sql`c.sla_due_at`)} AS "dueAtMs"`;

const SIMULATED = sql`c.attributes @> '{"simulated": true}'::jsonb`;

/** Open simulated cases with ids above `afterId`, oldest first: the loop's first load and its polling for new reports. */
export async function openSimulatedCases(db: Runner, afterId: number, limit: number): Promise<LoopCaseRow[]> {
  return db.rows<LoopCaseRow>(sql`
    SELECT ${LOOP_COLUMNS} FROM cases c
    WHERE c.id > ${afterId}::bigint AND c.status NOT IN ('closed', 'rejected', 'merged') AND ${SIMULATED}
    ORDER BY c.id LIMIT ${limit}::int`);
}

/** One simulated case as it now is (any status): after a refused or conflicting command. */
export async function simulatedCase(db: Runner, id: number): Promise<LoopCaseRow | undefined> {
  const [row] = await db.rows<LoopCaseRow>(sql`SELECT ${LOOP_COLUMNS} FROM cases c WHERE c.id = ${id}::bigint AND ${SIMULATED}`);
  return row;
}

export interface NearbyResponder {
  /** The `key` of the point it is near. */
  key: number;
  id: number;
  distanceM: number;
  /** Open cases dispatched to it (dispatched, in progress, handled, suspended). */
  workload: number;
}

/**
 * The `k` nearest on-duty grid workers of each point, by KNN on the GiST index
 * (`<->`), with their open workload: one statement for a whole batch of points.
 * (The dispatch desk's own suggestions, server/services/routing.ts, answer one case
 * at a time with exact metres; the simulator needs a batch and not the last metre.)
 */
export async function nearestResponders(db: Runner, points: Array<{ key: number; lng: number; lat: number }>, k: number): Promise<NearbyResponder[]> {
  if (points.length === 0) return [];
  return db.rows<NearbyResponder>(sql`
    SELECT q.key, r.id, r.distance_m AS "distanceM",
           (SELECT count(*)::int FROM cases w
            WHERE w.assignee_id = r.id AND w.status IN ('dispatched', 'in_progress', 'handled', 'suspended')) AS workload
    FROM jsonb_to_recordset(${JSON.stringify(points)}::jsonb) AS q(key int, lng float8, lat float8)
    CROSS JOIN LATERAL (
      SELECT n.id, ST_Distance(n.geom::geography, ST_SetSRID(ST_MakePoint(q.lng, q.lat), 4326)::geography)::float8 AS distance_m
      FROM responders n
      WHERE n.status = 'on_duty' AND n.role = 'grid_worker' AND n.geom IS NOT NULL
      ORDER BY n.geom <-> ST_SetSRID(ST_MakePoint(q.lng, q.lat), 4326)
      LIMIT ${k}::int
    ) r
    ORDER BY q.key, r.distance_m`);
}

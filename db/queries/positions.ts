import { sql, type SQL } from 'drizzle-orm';
import type { Runner } from '../client';
import { inScope, type Scope } from '../scope';
import { isoTime } from '../spatial';

/**
 * Responders' live positions. A grid worker's app reports where they are every few
 * seconds; only the latest position is kept (responders.geom / position_at), never
 * a history and never a feed row. A responder belongs to the jurisdictions above
 * their home grid (the root areas when they have none), like a case to its grid.
 */

/** The statuses in which a case is on a responder's plate (db/schema/cases.ts cases_assignee_open_idx). */
export const WORKLOAD_STATUSES = sql`('dispatched', 'in_progress', 'handled', 'suspended')`;

/** Root-to-home-grid codes of `r` (joined as `home`), or the root areas' codes when it has no home grid. */
const responderAreaCodes: SQL = sql`coalesce(home.path, (SELECT coalesce(array_agg(code ORDER BY code), '{}') FROM areas WHERE parent_id IS NULL))`;

export interface LinkedResponder {
  id: number;
  code: string;
  name: string;
  status: string;
  homeGrid: string | null;
}

/** The responder record a user's login is linked to (responders.user_id), if any. */
export async function findLinkedResponder(db: Runner, userId: number): Promise<LinkedResponder | null> {
  const [row] = await db.rows<LinkedResponder>(sql`
    SELECT r.id, r.code, r.name, r.status, home.code AS "homeGrid"
    FROM responders r LEFT JOIN areas home ON home.id = r.home_grid_id
    WHERE r.user_id = ${userId}::int`);
  return row ?? null;
}

export interface RecordedPosition {
  id: number;
  status: string;
  lng: number;
  lat: number;
  accuracy: number | null;
  at: string;
  /** Where the position is announced: the responder's home grid path (or the roots). */
  areaCodes: string[];
}

/**
 * Stores the latest position of the responder linked to `userId` in one statement;
 * null when the user is linked to no responder, or is off duty (nothing is written).
 */
export async function recordPosition(
  db: Runner,
  userId: number,
  position: { lng: number; lat: number; accuracy: number | null },
): Promise<RecordedPosition | null> {
  const [row] = await db.rows<RecordedPosition>(sql`
    UPDATE responders r
    SET geom = ST_SetSRID(ST_MakePoint(${position.lng}::float8, ${position.lat}::float8), 4326),
        position_at = now(), position_accuracy = ${position.accuracy}::real
    FROM responders me LEFT JOIN areas home ON home.id = me.home_grid_id
    WHERE me.user_id = ${userId}::int AND r.id = me.id AND me.status <> 'off_duty'
    RETURNING r.id, r.status, ST_X(r.geom) AS lng, ST_Y(r.geom) AS lat, r.position_accuracy AS accuracy,
              ${isoTime(sql`r.position_at`)} AS at, ${responderAreaCodes} AS "areaCodes"`);
  return row ?? null;
}

export interface ResponderView {
  id: number;
  code: string;
  name: string;
  role: string;
  department: string | null;
  status: string;
  homeGrid: string | null;
  /** Last reported position (null when none has been reported yet). */
  lng: number | null;
  lat: number | null;
  accuracy: number | null;
  positionAt: string | null;
  /** Cases dispatched to them and not finished (dispatched, in progress, handled awaiting check, suspended). */
  openCases: number;
}

/** Responders of a jurisdiction with their last position, status and open workload, by id. */
export async function listResponders(db: Runner, scope: Scope, limit: number): Promise<ResponderView[]> {
  return db.rows<ResponderView>(sql`
    SELECT r.id, r.code, r.name, r.role, r.department, r.status, home.code AS "homeGrid",
           ST_X(r.geom) AS lng, ST_Y(r.geom) AS lat, r.position_accuracy AS accuracy,
           CASE WHEN r.position_at IS NULL THEN NULL ELSE ${isoTime(sql`r.position_at`)} END AS "positionAt",
           (SELECT count(*)::int FROM cases c WHERE c.assignee_id = r.id AND c.status IN ${WORKLOAD_STATUSES}) AS "openCases"
    FROM responders r LEFT JOIN areas home ON home.id = r.home_grid_id
    WHERE ${inScope(responderAreaCodes, scope)}
    ORDER BY r.id
    LIMIT ${limit}::int`);
}

export interface StatusChange {
  id: number;
  status: string;
  previous: string;
  at: string;
  /** Where the change is announced: the responder's home grid path (or the roots), as for positions. */
  areaCodes: string[];
  homeGrid: string | null;
}

/**
 * Sets the duty status of the responder linked to `userId` (row-locked, so two
 * switches in a row apply in order); null when the user is linked to no responder.
 * The last position stays (the desks' map shows the worker grey, off duty); no new
 * one is kept until they are back on duty (recordPosition).
 */
export async function setResponderStatus(tx: Runner, userId: number, status: string): Promise<StatusChange | null> {
  const [row] = await tx.rows<StatusChange>(sql`
    WITH me AS (SELECT id, status FROM responders WHERE user_id = ${userId}::int FOR UPDATE)
    UPDATE responders r
    SET status = ${status}
    FROM me JOIN responders r2 ON r2.id = me.id LEFT JOIN areas home ON home.id = r2.home_grid_id
    WHERE r.id = me.id
    RETURNING r.id, r.status, me.status AS previous, ${isoTime(sql`now()`)} AS at,
              ${responderAreaCodes} AS "areaCodes", home.code AS "homeGrid"`);
  return row ?? null;
}

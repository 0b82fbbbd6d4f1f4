import { sql, type SQL } from 'drizzle-orm';
import type { Runner } from '../client';
import { inScope, type Scope } from '../scope';
import type { ResponderView } from '../records';
import { isoTime, metresBox } from '../spatial';

/**
 * Responders as dispatch sees them (routing help, issue 7): staff names, not
 * citizen data. A responder belongs to a jurisdiction through its home grid, so
 * every read here keeps only responders whose home grid's path lies in the scope;
 * one with no home grid is in no jurisdiction and never suggested.
 */
/** The one definition of "open workload"; the same predicate as the partial index cases_assignee_open_idx, so that index answers it. */
const OPEN_ASSIGNED = sql`o.status IN ('dispatched', 'in_progress', 'handled', 'suspended')`;

/** Over `responders r JOIN areas g ON g.id = r.home_grid_id` and the case `c` (its geom). */
const RESPONDER_COLUMNS = sql`
  r.id, r.code, r.name, r.role, r.department, r.status, g.code AS "homeGrid",
  CASE WHEN r.geom IS NULL THEN NULL
       ELSE round(ST_Distance(r.geom::geography, c.geom::geography)::numeric, 1)::float8 END AS "distanceM",
  (SELECT count(*)::int FROM cases o WHERE o.assignee_id = r.id AND ${OPEN_ASSIGNED}) AS "openCases",
  ST_X(r.geom) AS lng, ST_Y(r.geom) AS lat,
  CASE WHEN r.position_at IS NULL THEN NULL ELSE ${isoTime(sql`r.position_at`)} END AS "positionAt"`;

const BY_DISTANCE = sql`ST_Distance(r.geom::geography, c.geom::geography) NULLS LAST, r.id`;

function caseRow(caseId: number): SQL {
  return sql`(SELECT id, geom, grid_id, area_codes FROM cases WHERE id = ${caseId}::bigint)`;
}

/**
 * 属地: responders whose home grid is the case's grid; if there are none, those
 * whose home grid lies in the case's community; if none, in its street. Any role
 * and status (the dispatcher sees who is off duty), grid workers first, then by
 * distance. `level` says which ring answered (null: none did).
 */
export async function findTerritorialResponders(
  db: Runner,
  scope: Scope,
  caseId: number,
  limit: number,
): Promise<{ level: 'grid' | 'community' | 'street' | null; responders: ResponderView[] }> {
  const rows = await db.rows<ResponderView & { tier: number }>(sql`
    WITH c AS ${caseRow(caseId)},
    -- The case's own grid, community and street, innermost first.
    anchors AS (
      SELECT a.code, CASE a.level WHEN 'grid' THEN 1 WHEN 'community' THEN 2 ELSE 3 END AS tier
      FROM c JOIN areas a ON a.code = ANY (c.area_codes) AND a.level IN ('grid', 'community', 'street')),
    matched AS (
      SELECT r.id, min(an.tier) AS tier
      FROM anchors an
      JOIN areas g ON g.level = 'grid' AND g.path @> ARRAY[an.code]
      JOIN responders r ON r.home_grid_id = g.id
      WHERE ${inScope(sql`g.path`, scope)}
      GROUP BY r.id)
    SELECT ${RESPONDER_COLUMNS}, m.tier
    FROM matched m JOIN responders r ON r.id = m.id JOIN areas g ON g.id = r.home_grid_id CROSS JOIN c
    WHERE m.tier = (SELECT min(tier) FROM matched)
    ORDER BY r.role <> 'grid_worker', ${BY_DISTANCE}
    LIMIT ${limit}::int`);
  const tier = rows[0]?.tier;
  const level = tier === 1 ? 'grid' : tier === 2 ? 'community' : tier === 3 ? 'street' : null;
  return { level, responders: rows.map(({ tier: _tier, ...view }) => view) };
}

/**
 * On-duty responders of one department (units and officers): those with a position
 * nearest first, exactly as findNearestAvailable finds them; those without one after
 * them, by id.
 */
export async function findDepartmentResponders(
  db: Runner,
  scope: Scope,
  caseId: number,
  department: string,
  limit: number,
): Promise<ResponderView[]> {
  const ofDepartment = sql`r.status = 'on_duty' AND r.department = ${department}`;
  const placed = await db.rows<ResponderView>(nearestQuery(scope, caseId, limit, ofDepartment));
  if (placed.length >= limit) return placed;
  const unplaced = await db.rows<ResponderView>(sql`
    WITH c AS ${caseRow(caseId)}
    SELECT ${RESPONDER_COLUMNS}
    FROM c CROSS JOIN responders r JOIN areas g ON g.id = r.home_grid_id
    WHERE ${ofDepartment} AND r.geom IS NULL AND ${inScope(sql`g.path`, scope)}
    ORDER BY r.id
    LIMIT ${limit - placed.length}::int`);
  return [...placed, ...unplaced];
}

/**
 * The k nearest available responders (on duty, with a position) to the case, by
 * true distance on the spheroid, through the GiST index in two index-backed steps:
 *
 * 1. KNN: `ORDER BY r.geom <-> c.geom LIMIT k` walks responders_geom_gist nearest
 *    first. Its order is planar distance in degrees, which is not metres (a degree of
 *    longitude is cos(lat) of a degree of latitude), so these k are not always the
 *    k nearest — but all k lie within `reach`, the farthest of them in metres, so
 *    the true k nearest do too.
 * 2. Exact: responders within `reach` metres (a GiST box, then ST_DWithin on
 *    geography), ordered by ST_Distance on geography, ties by id.
 */
export async function findNearestAvailable(db: Runner, scope: Scope, caseId: number, k: number): Promise<ResponderView[]> {
  return db.rows<ResponderView>(nearestAvailableQuery(scope, caseId, k));
}

/** The statement of findNearestAvailable (exported for EXPLAIN in tests and the bench). */
export function nearestAvailableQuery(scope: Scope, caseId: number, k: number): SQL {
  return nearestQuery(scope, caseId, k, sql`r.status = 'on_duty'`);
}

/** The k responders matching `which` nearest to the case among those with a position, in two index-backed steps (above). */
function nearestQuery(scope: Scope, caseId: number, k: number, which: SQL): SQL {
  const available = sql`${which} AND r.geom IS NOT NULL AND ${inScope(sql`g.path`, scope)}`;
  return sql`
    WITH c AS ${caseRow(caseId)},
    knn AS (
      SELECT near.geom FROM c CROSS JOIN LATERAL (
        SELECT r.geom FROM responders r JOIN areas g ON g.id = r.home_grid_id
        WHERE ${available}
        ORDER BY r.geom <-> c.geom
        LIMIT ${k}::int) near),
    -- 1 cm over the farthest, so the farthest itself passes ST_DWithin whatever its rounding.
    reach AS (SELECT max(ST_Distance(knn.geom::geography, c.geom::geography)) + 0.01 AS m FROM knn CROSS JOIN c)
    SELECT ${RESPONDER_COLUMNS}
    FROM c CROSS JOIN reach CROSS JOIN responders r JOIN areas g ON g.id = r.home_grid_id
    WHERE ${available}
      AND r.geom && ${metresBox(sql`c.geom`, sql`reach.m`)}
      AND ST_DWithin(r.geom::geography, c.geom::geography, reach.m)
    ORDER BY ${BY_DISTANCE}
    LIMIT ${k}::int`;
}

/** The field record of a user (a grid worker's login), if linked. Not scoped: it is the caller's own record. */
export interface ResponderRef {
  id: number;
  code: string;
  name: string;
  role: string;
  department: string | null;
  status: string;
  homeGrid: string | null;
}

const REF_COLUMNS = sql`r.id, r.code, r.name, r.role, r.department, r.status, g.code AS "homeGrid"`;

export async function responderOfUser(db: Runner, userId: number): Promise<ResponderRef | undefined> {
  const [row] = await db.rows<ResponderRef>(sql`
    SELECT ${REF_COLUMNS} FROM responders r LEFT JOIN areas g ON g.id = r.home_grid_id
    WHERE r.user_id = ${userId}::int`);
  return row;
}

/**
 * Links a user to an unlinked grid-worker responder whose home grid lies in the
 * scope (the user's jurisdiction), the first by grid code then code; undefined
 * when there is none. Row-locked, so two links never claim the same responder.
 */
export async function claimGridWorker(tx: Runner, scope: Scope, userId: number): Promise<ResponderRef | undefined> {
  const [row] = await tx.rows<ResponderRef>(sql`
    WITH target AS (
      SELECT r.id FROM responders r JOIN areas g ON g.id = r.home_grid_id
      WHERE r.role = 'grid_worker' AND r.user_id IS NULL AND ${inScope(sql`g.path`, scope)}
      ORDER BY g.code, r.code
      LIMIT 1
      FOR UPDATE OF r SKIP LOCKED),
    claimed AS (
      UPDATE responders r SET user_id = ${userId}::int FROM target
      WHERE r.id = target.id AND r.user_id IS NULL
      RETURNING r.*)
    SELECT ${REF_COLUMNS} FROM claimed r LEFT JOIN areas g ON g.id = r.home_grid_id`);
  return row;
}

/**
 * A new grid-worker responder for a user, based in the first grid (by code) of the
 * scope, with no position until the worker's device reports one; undefined when
 * the scope holds no grid.
 */
export async function insertGridWorkerFor(tx: Runner, scope: Scope, user: { id: number; name: string }): Promise<ResponderRef | undefined> {
  const [row] = await tx.rows<ResponderRef>(sql`
    WITH home AS (
      SELECT g.id FROM areas g WHERE g.level = 'grid' AND ${inScope(sql`g.path`, scope)} ORDER BY g.code LIMIT 1),
    inserted AS (
      INSERT INTO responders (code, name, role, home_grid_id, user_id)
      SELECT ${`GWU${user.id}`}, ${user.name}, 'grid_worker', home.id, ${user.id}::int FROM home
      RETURNING *)
    SELECT ${REF_COLUMNS} FROM inserted r LEFT JOIN areas g ON g.id = r.home_grid_id`);
  return row;
}

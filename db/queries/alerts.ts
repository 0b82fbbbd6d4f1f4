import { sql } from 'drizzle-orm';
import type { Runner } from '../client';
import { areasReachedBy } from './locate';
import { DISPLAY_TOLERANCE_SQL, isoTime, multiPolygonFrom, type AreaGeometry } from '../spatial';

export interface AlertRow {
  source: string;
  externalId: string;
  eventType: string;
  headline: string;
  description: string | null;
  severity: string;
  urgency: string;
  certainty: string;
  onset: string | null;
  expires: string | null;
  geometry: AreaGeometry;
}

export interface GeometryCheck {
  valid: boolean;
  reason: string;
  empty: boolean;
}

/** PostGIS's verdict on a polygon before anything is written. */
export async function checkAreaGeometry(db: Runner, geometry: AreaGeometry): Promise<GeometryCheck> {
  const [row] = await db.rows<GeometryCheck>(sql`
    SELECT ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason, ST_IsEmpty(g) AS empty
    FROM (SELECT ${multiPolygonFrom(geometry)} AS g) s`);
  // Embedded PostGIS answers an internal GEOS failure with no row at all (pglite#916).
  return row ?? { valid: false, reason: 'PostGIS could not evaluate this geometry', empty: false };
}

export interface StoredAlert {
  id: number;
  source: string;
  eventType: string;
  headline: string;
  severity: string;
  urgency: string;
  certainty: string;
  status: string;
  onset: string | null;
  expires: string | null;
  affectedGrids: number;
  areaCodes: string[];
  /** Simplified GeoJSON text for display. */
  geometry: string;
}

const alertColumns = sql`
  a.id, a.source, a.event_type AS "eventType", a.headline, a.severity, a.urgency, a.certainty, a.status,
  ${isoTime(sql`a.onset`)} AS onset, ${isoTime(sql`a.expires`)} AS expires,
  a.affected_grids AS "affectedGrids", a.area_codes AS "areaCodes",
  ST_AsGeoJSON(ST_Multi(ST_SimplifyPreserveTopology(a.geom, ${DISPLAY_TOLERANCE_SQL})), 5) AS geometry`;

/**
 * Inserts an alert scoped to every area (any level) its polygon reaches; an alert
 * that reaches no area is scoped to the root areas so the city still sees it.
 * Returns null when (source, external id) already exists.
 */
export async function insertAlert(tx: Runner, alert: AlertRow): Promise<StoredAlert | null> {
  const [row] = await tx.rows<StoredAlert>(sql`
    WITH shape AS (SELECT ${multiPolygonFrom(alert.geometry)} AS g),
    -- Every area (any level) the shape reaches: the routing rule of locate.ts for shapes.
    hit AS (SELECT r.path, r.level FROM shape CROSS JOIN LATERAL ${areasReachedBy(sql`shape.g`)} r),
    scope AS (
      SELECT coalesce(
        (SELECT array_agg(DISTINCT code ORDER BY code) FROM hit, unnest(hit.path) AS code),
        (SELECT array_agg(code ORDER BY code) FROM areas WHERE parent_id IS NULL),
        '{}') AS codes,
        (SELECT count(*) FROM hit WHERE hit.level = 'grid') AS grids
    ),
    inserted AS (
      INSERT INTO alerts (source, external_id, event_type, headline, description, severity, urgency, certainty,
                          onset, expires, geom, area_codes, affected_grids)
      SELECT ${alert.source}, ${alert.externalId}, ${alert.eventType}, ${alert.headline}, ${alert.description},
             ${alert.severity}, ${alert.urgency}, ${alert.certainty},
             ${alert.onset}::timestamptz, ${alert.expires}::timestamptz, shape.g, scope.codes, scope.grids
      FROM shape, scope
      ON CONFLICT (source, external_id) DO NOTHING
      RETURNING *
    )
    SELECT ${alertColumns} FROM inserted a`);
  return row ?? null;
}

export async function findAlertByExternalId(db: Runner, source: string, externalId: string) {
  const [row] = await db.rows<StoredAlert>(sql`
    SELECT ${alertColumns} FROM alerts a WHERE a.source = ${source} AND a.external_id = ${externalId}`);
  return row;
}

export interface AffectedGrid {
  code: string;
  name: string;
}

/**
 * Unit grids whose interior meets the alert area (grids that merely touch its edge
 * are left out). The spatial work was done once, by insertAlert: its scope lists the
 * code of every grid it hit, so this is a lookup by code, not a second intersection.
 */
export async function findAffectedGrids(db: Runner, alertId: number, limit = 10_000): Promise<AffectedGrid[]> {
  return db.rows<AffectedGrid>(sql`
    SELECT g.code, g.name FROM alerts a JOIN areas g ON g.code = ANY(a.area_codes) AND g.level = 'grid'
    WHERE a.id = ${alertId}::bigint ORDER BY g.code LIMIT ${limit}::int`);
}

import { sql, type SQL } from 'drizzle-orm';
import type { Runner } from '../client';
import type { AlertTranslation } from '../records';
import { inScope, type Scope } from '../scope';
import type { CapMsgType, CapStatus } from '../vocab';
import { areasReachedBy } from './locate';
import { OPEN_CASE } from './case-columns';
import { STORED_ALERT_COLUMNS, type StoredAlert } from './alert-columns';
import { multiPolygonFrom, type AreaGeometry } from '../spatial';

export { STORED_ALERT_COLUMNS, type StoredAlert } from './alert-columns';

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
  messageStatus: CapStatus;
  msgType: CapMsgType;
  translations: AlertTranslation[];
  cap: Record<string, unknown> | null;
  createdBy: string | null;
  /** Unacknowledged this long after it is stored, the alert escalates (null: never). */
  escalationStepMs: number | null;
}

/**
 * An alert's area before PostGIS has seen it: a GeoJSON area (the JSON route, CAP
 * polygons), circles (built on the geography, so a radius is metres on the ground)
 * and codes of our own areas (CAP geocodes). Several parts are unioned. All empty: an
 * area known only by its description.
 */
export interface AlertShape {
  geometry: AreaGeometry | null;
  circles: Array<{ lng: number; lat: number; radiusM: number }>;
  geocodes: string[];
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

/** PostGIS's verdict on each polygon of a list (index order); a polygon PostGIS could not evaluate is invalid. */
export async function checkPolygons(db: Runner, polygons: AreaGeometry[]): Promise<GeometryCheck[]> {
  if (polygons.length === 0) return [];
  const rows = await db.rows<GeometryCheck & { n: number }>(sql`
    SELECT p.n::int AS n, ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason, ST_IsEmpty(g) AS empty
    FROM jsonb_array_elements(${JSON.stringify(polygons)}::jsonb) WITH ORDINALITY AS p(value, n),
         LATERAL (SELECT ST_SetSRID(ST_GeomFromGeoJSON(p.value::text), 4326) AS g) s`);
  const byIndex = new Map(rows.map((r) => [r.n - 1, r]));
  return polygons.map((_, i) => byIndex.get(i) ?? { valid: false, reason: 'PostGIS could not evaluate this geometry', empty: false });
}

const EMPTY_AREA = sql`ST_SetSRID(ST_GeomFromText('MULTIPOLYGON EMPTY'), 4326)`;

/** The parts whose place is known by geometry (polygons, circles), unioned; empty when there are none. */
function spatialShape(shape: AlertShape): SQL {
  const single = shape.geometry && (shape.geometry.type === 'Polygon' || shape.geometry.coordinates.length === 1);
  if (shape.geometry && single && shape.circles.length === 0) return multiPolygonFrom(shape.geometry);
  const parts: SQL[] = [];
  if (shape.geometry) parts.push(sql`SELECT (ST_Dump(${multiPolygonFrom(shape.geometry)})).geom AS g`);
  if (shape.circles.length > 0) {
    parts.push(sql`SELECT ST_Buffer(ST_SetSRID(ST_MakePoint(c.lng, c.lat), 4326)::geography, c."radiusM", 'quad_segs=8')::geometry AS g
      FROM jsonb_to_recordset(${JSON.stringify(shape.circles)}::jsonb) AS c(lng float8, lat float8, "radiusM" float8)`);
  }
  if (parts.length === 0) return EMPTY_AREA;
  return unioned(sql.join(parts, sql` UNION ALL `));
}

/** ST_Union of a set of polygons as one right-hand MultiPolygon (or the empty one). */
function unioned(parts: SQL): SQL {
  return sql`coalesce((SELECT ST_ForcePolygonCCW(ST_Multi(ST_CollectionExtract(ST_UnaryUnion(ST_Collect(p.g)), 3))) FROM (${parts}) p), ${EMPTY_AREA})`;
}

/**
 * Where an alert's area lands, as CTEs (no trailing comma) any statement can follow:
 * `spatial` (polygons and circles, unioned), `shape` (with geocoded areas), `hit` (every
 * area, any level, it reaches), `scope` (its area codes, in_city, unplaced, grid count,
 * districts) and `impact`. insertAlert stores what they find; previewAlertArea
 * (db/queries/alert-preview.ts) answers it without storing, so a preview is exactly
 * what sending would store.
 *
 * The areas it reaches: every area whose interior the polygons and circles reach, plus
 * each geocoded area with everything inside it (by code, not by shape, so a neighbour
 * sharing a border is not dragged in). An area that reaches none of ours is scoped to
 * the root areas; one known only by its description to `fallbackScope`.
 */
export function alertReachCtes(shape: AlertShape, fallbackScope: string | null): SQL {
  const codes = `{${shape.geocodes.join(',')}}`;
  const geocoded = shape.geocodes.length > 0 ? sql`(SELECT geom AS g FROM areas WHERE code = ANY(${codes}::text[]))` : null;
  return sql`
    spatial AS (SELECT ${spatialShape(shape)} AS g),
    shape AS (
      SELECT ${geocoded ? unioned(sql`SELECT g FROM spatial UNION ALL ${geocoded}`) : sql`spatial.g`} AS g FROM spatial
    ),
    hit AS (
      SELECT r.id, r.path, r.level, r.code FROM spatial CROSS JOIN LATERAL ${areasReachedBy(sql`spatial.g`)} r
      UNION
      SELECT a.id, a.path, a.level, a.code FROM areas a WHERE a.path && ${codes}::text[]
    ),
    roots AS (SELECT coalesce(array_agg(code ORDER BY code), '{}') AS codes FROM areas WHERE parent_id IS NULL),
    scope AS (
      SELECT
        EXISTS (SELECT 1 FROM hit) AS in_city,
        (SELECT ST_IsEmpty(g) FROM shape) AS unplaced,
        coalesce(
          (SELECT array_agg(DISTINCT p.code ORDER BY p.code) FROM hit, unnest(hit.path) AS p(code)),
          (SELECT path FROM areas WHERE code = ${fallbackScope} AND (SELECT ST_IsEmpty(g) FROM shape)),
          (SELECT codes FROM roots)) AS codes,
        (SELECT count(*) FROM hit WHERE hit.level = 'grid')::int AS grids,
        (SELECT array_agg(hit.code ORDER BY hit.code) FROM hit WHERE hit.level = 'district') AS districts
    ),
    impact AS (
      SELECT jsonb_build_object(
        'openCases', (SELECT count(*)::int FROM cases c, shape WHERE c.geom && shape.g AND ST_Intersects(c.geom, shape.g) AND ${OPEN_CASE}),
        'onDutyResponders', (SELECT count(*)::int FROM responders r, shape
                             WHERE r.status = 'on_duty' AND r.geom && shape.g AND ST_Intersects(r.geom, shape.g)),
        -- The deepest areas reached (none of their children reached), each weighted by the share of it inside the alert.
        'population', (SELECT coalesce(round(sum(CASE WHEN ST_CoveredBy(a.geom, shape.g) THEN a.population
                                                      ELSE a.population * ST_Area(ST_Intersection(a.geom, shape.g)) / nullif(ST_Area(a.geom), 0) END)), 0)::bigint
                       FROM hit h JOIN areas a ON a.id = h.id, shape
                       WHERE NOT EXISTS (SELECT 1 FROM hit child JOIN areas ca ON ca.id = child.id WHERE ca.parent_id = a.id))
      ) AS v
    )`;
}

/**
 * The areas that must acknowledge, over `scope s` of alertReachCtes: the districts
 * reached; in a city without districts the top areas reached; for an area known only
 * by name the sender's own area (the last of its scope codes); none when it misses the city.
 */
export const ACK_AREAS = sql`CASE WHEN s.districts IS NOT NULL THEN s.districts
             WHEN s.in_city THEN ARRAY(SELECT hit.code FROM hit WHERE cardinality(hit.path) = 1 ORDER BY hit.code)
             WHEN s.unplaced THEN s.codes[array_length(s.codes, 1):array_length(s.codes, 1)]
             ELSE '{}'::text[] END`;

/**
 * Inserts an alert with its scope, affected grids, acknowledging areas and impact, all
 * computed here by PostGIS once (alertReachCtes). An area that reaches none of ours (a
 * message about somewhere else) is stored scoped to the root areas and kept off the
 * wall. Returns null when (source, external id) already exists.
 */
export async function insertAlert(tx: Runner, alert: AlertRow, shape: AlertShape, fallbackScope: string | null): Promise<StoredAlert | null> {
  const [row] = await tx.rows<StoredAlert>(sql`
    WITH ${alertReachCtes(shape, fallbackScope)},
    placed AS (
      SELECT s.*,
        -- Shown on walls: an actual alert (not a Cancel message) that reaches the city or has no place at all (the ticker).
        ${alert.messageStatus} = 'Actual' AND ${alert.msgType} <> 'Cancel' AND (s.in_city OR s.unplaced) AS on_wall,
        ${ACK_AREAS} AS ack
      FROM scope s
    ),
    inserted AS (
      INSERT INTO alerts (source, external_id, event_type, headline, description, severity, urgency, certainty,
                          onset, expires, geom, area_codes, affected_grids, message_status, msg_type, on_wall, status,
                          translations, cap, created_by, impact, ack_areas, next_escalation_at)
      SELECT ${alert.source}, ${alert.externalId}, ${alert.eventType}, ${alert.headline}, ${alert.description},
             ${alert.severity}, ${alert.urgency}, ${alert.certainty},
             ${alert.onset}::timestamptz, ${alert.expires}::timestamptz, shape.g, p.codes, p.grids,
             ${alert.messageStatus}, ${alert.msgType}, p.on_wall, CASE WHEN ${alert.msgType} = 'Cancel' THEN 'cancelled' ELSE 'active' END,
             ${JSON.stringify(alert.translations)}::jsonb, ${alert.cap === null ? null : JSON.stringify(alert.cap)}::jsonb, ${alert.createdBy},
             impact.v, p.ack,
             CASE WHEN p.on_wall AND ${alert.escalationStepMs}::float8 IS NOT NULL AND cardinality(p.ack) > 0
                  THEN now() + make_interval(secs => ${alert.escalationStepMs}::float8 / 1000) END
      FROM shape, placed p, impact
      ON CONFLICT (source, external_id) DO NOTHING
      RETURNING *
    )
    SELECT ${STORED_ALERT_COLUMNS} FROM inserted a`);
  return row ?? null;
}

export async function findAlertByExternalId(db: Runner, source: string, externalId: string): Promise<StoredAlert | undefined> {
  const [row] = await db.rows<StoredAlert>(sql`
    SELECT ${STORED_ALERT_COLUMNS} FROM alerts a WHERE a.source = ${source} AND a.external_id = ${externalId}`);
  return row;
}

/** One alert within a scope (any status), or undefined: outside the scope is the same as absent. */
export async function findAlert(db: Runner, scope: Scope, id: number, options: { lock?: boolean } = {}): Promise<StoredAlert | undefined> {
  const [row] = await db.rows<StoredAlert>(sql`
    SELECT ${STORED_ALERT_COLUMNS} FROM alerts a WHERE a.id = ${id}::bigint AND ${inScope(sql`a.area_codes`, scope)}
    ${options.lock ? sql`FOR UPDATE OF a` : sql``}`);
  return row;
}

export interface ReferencedAlert {
  id: number;
  source: string;
  externalId: string;
  status: string;
  createdBy: string | null;
}

/** The alerts named by (source, external id) keys, locked for update. */
export async function lockReferencedAlerts(tx: Runner, keys: Array<{ source: string; externalId: string }>): Promise<ReferencedAlert[]> {
  if (keys.length === 0) return [];
  return tx.rows<ReferencedAlert>(sql`
    SELECT a.id, a.source, a.external_id AS "externalId", a.status, a.created_by AS "createdBy"
    FROM alerts a JOIN jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) AS k(source text, "externalId" text)
      ON a.source = k.source AND a.external_id = k."externalId"
    ORDER BY a.id FOR UPDATE OF a`);
}

/** Ends live alerts (cancelled or superseded by `by`); returns them as they now are. */
export async function endAlerts(tx: Runner, ids: number[], status: 'cancelled' | 'superseded', by: number | null): Promise<StoredAlert[]> {
  if (ids.length === 0) return [];
  return tx.rows<StoredAlert>(sql`
    WITH changed AS (
      UPDATE alerts SET status = ${status}, superseded_by = ${by}::bigint, next_escalation_at = NULL, updated_at = now()
      WHERE id = ANY(${`{${ids.join(',')}}`}::bigint[]) AND status IN ('active', 'acknowledged')
      RETURNING *
    )
    SELECT ${STORED_ALERT_COLUMNS} FROM changed a ORDER BY a.id`);
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
    WHERE a.id = ${alertId}::bigint AND a.affected_grids > 0 ORDER BY g.code LIMIT ${limit}::int`);
}

import { sql, type SQL } from 'drizzle-orm';
import type { Runner } from '../client';
import { inScope, scopeOf, type Scope } from '../scope';
import { envelope } from '../spatial';
import type { AreaFeatureProperties, AreaCollection } from '../records';
import { AREA_LEVELS, type AreaLevel } from '../vocab';

export interface RootArea {
  code: string;
  name: string;
  nameEn: string | null;
  lng: number;
  lat: number;
  bbox: [number, number, number, number];
}

/**
 * Root areas (usually one city) with their centre and extent, for the client's
 * initial view: a city before any other level, then the largest, so districts
 * imported without a root never make /api/config name a district as the city.
 */
export async function findRootAreas(db: Runner): Promise<RootArea[]> {
  return readViews(db, sql`
    WHERE parent_id IS NULL
    ORDER BY array_position(${`{${AREA_LEVELS.join(',')}}`}::text[], level), area_m2 DESC, code`);
}

/** Areas with a point inside each and its extent; `rest` is the WHERE/ORDER clause. */
async function readViews(db: Runner, rest: SQL): Promise<RootArea[]> {
  const rows = await db.rows<Omit<RootArea, 'bbox'> & { w: number; s: number; e: number; n: number }>(sql`
    SELECT code, name, name_en AS "nameEn",
           ST_X(ST_PointOnSurface(geom)) AS lng, ST_Y(ST_PointOnSurface(geom)) AS lat,
           ST_XMin(geom) AS w, ST_YMin(geom) AS s, ST_XMax(geom) AS e, ST_YMax(geom) AS n
    FROM areas ${rest}`);
  return rows.map(({ w, s, e, n, ...view }) => ({ ...view, bbox: [w, s, e, n] }));
}

/**
 * The area a scope names, with a point inside it and its extent: the initial view
 * of a wall opened by someone whose jurisdiction this is. Null for an unknown code.
 */
export async function findScopeView(db: Runner, scope: Scope): Promise<RootArea | null> {
  const [view] = await readViews(db, sql`WHERE code = ${scope.code}`);
  return view ?? null;
}

export async function countAreas(db: Runner): Promise<number> {
  const [row] = await db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM areas`);
  return row?.n ?? 0;
}

/**
 * Areas of one level (any: city to grid) as an RFC 7946 GeoJSON
 * FeatureCollection (WGS84, right-hand winding, 6 decimals ≈ 0.1 m),
 * optionally limited to a bounding box and to the descendants of one area,
 * simplified by `simplify` degrees (ST_SimplifyPreserveTopology keeps each
 * ring valid). Served by /api/areas and written by db:export.
 */
export async function findAreaFeatures(
  db: Runner,
  within: Scope,
  query: { level: AreaLevel; bbox?: [number, number, number, number]; simplify?: number; limit: number },
): Promise<AreaCollection> {
  const bbox = query.bbox ? sql`AND a.geom && ${envelope(query.bbox)}` : sql``;
  const scope = sql`AND ${inScope(sql`a.path`, within)}`;
  // RFC 7946 §3.1.6: exterior rings counterclockwise, holes clockwise, whatever the stored order.
  const geom = query.simplify
    ? sql`ST_ForcePolygonCCW(ST_Multi(ST_SimplifyPreserveTopology(a.geom, ${query.simplify}::float8)))`
    : sql`ST_ForcePolygonCCW(a.geom)`;
  const rows = await db.rows<AreaFeatureProperties & { geometry: string }>(sql`
    SELECT a.code, a.name, a.name_en AS "nameEn", a.level, p.code AS "parentCode", ST_AsGeoJSON(${geom}, 6) AS geometry
    FROM areas a LEFT JOIN areas p ON p.id = a.parent_id
    WHERE a.level = ${query.level} ${bbox} ${scope}
    ORDER BY a.code LIMIT ${query.limit}::int`);
  return {
    type: 'FeatureCollection',
    features: rows.map(({ geometry, ...properties }) => ({
      type: 'Feature',
      geometry: JSON.parse(geometry) as AreaCollection['features'][number]['geometry'],
      properties,
    })),
  };
}

export interface AreaSummary {
  code: string;
  name: string;
  nameEn: string | null;
  level: AreaLevel;
  path: string[];
}

/** The area a scope names: for "who am I" and for narrowing a request to a sub-area. */
export async function findAreaSummary(db: Runner, scope: Scope): Promise<AreaSummary | null> {
  const [row] = await db.rows<AreaSummary>(sql`
    SELECT code, name, name_en AS "nameEn", level, path FROM areas WHERE code = ${scope.code}`);
  return row ?? null;
}

/**
 * Narrows a scope to one of its areas: the area when its path passes through the
 * scope, else null (outside the jurisdiction, or unknown — callers answer both
 * the same way, so existence does not leak).
 */
export async function narrowScope(db: Runner, scope: Scope, code: string): Promise<Scope | null> {
  const rows = await db.rows<{ code: string }>(sql`
    SELECT code FROM areas WHERE code = ${code} AND path @> ARRAY[${scope.code}::text]`);
  return rows.length > 0 ? scopeOf(rows[0]!.code) : null;
}

import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/**
 * Every geometry crosses the boundary here: GeoJSON in (bound as a parameter,
 * never spliced into SQL text), GeoJSON out. SRID 4326, [lng, lat] order.
 */
export type Position = [lng: number, lat: number];
export interface PointGeometry {
  type: 'Point';
  coordinates: Position;
}
export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: Position[][];
}
export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: Position[][][];
}
export type AreaGeometry = PolygonGeometry | MultiPolygonGeometry;

export function pointFrom(lng: number, lat: number): SQL {
  return sql`ST_SetSRID(ST_MakePoint(${lng}::float8, ${lat}::float8), 4326)`;
}

/** A Polygon or MultiPolygon from GeoJSON, always returned as MultiPolygon. */
export function multiPolygonFrom(geometry: AreaGeometry): SQL {
  return sql`ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(${JSON.stringify(geometry)}::text), 4326))`;
}

/** GeoJSON text of a geometry column; `simplify` is a tolerance in degrees. */
export function asGeoJson(column: SQLWrapper, options: { simplify?: number; digits?: number } = {}): SQL {
  const digits = options.digits ?? 6;
  const geom = options.simplify
    ? sql`ST_SimplifyPreserveTopology(${column}, ${options.simplify}::float8)`
    : sql`${column}`;
  return sql`ST_AsGeoJSON(${geom}, ${digits}::int)`;
}

/** ISO-8601 UTC text, so both drivers return the same shape for timestamps in raw queries. */
export function isoTime(column: SQLWrapper): SQL<string> {
  return sql<string>`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

export function envelope(bbox: [west: number, south: number, east: number, north: number]): SQL {
  const [west, south, east, north] = bbox;
  return sql`ST_MakeEnvelope(${west}::float8, ${south}::float8, ${east}::float8, ${north}::float8, 4326)`;
}

/** Display simplification for alert areas (degrees, ≈ 20 m): invisible at city zoom, keeps frames small. */
export const DISPLAY_TOLERANCE = 0.0002;
export const DISPLAY_TOLERANCE_SQL = sql`${DISPLAY_TOLERANCE}::float8`;

/**
 * A box around `point` reaching at least `metres` from it in every direction, in
 * degrees: the index-backed (GiST `&&`) prefilter in front of an exact
 * `ST_DWithin(…::geography, …, metres)`, which cannot use a geometry index itself.
 * A degree of latitude is ≥ 110,574 m and one of longitude ≥ 111,319 m × cos(lat)
 * on WGS84, so dividing by 110,000 and 111,000 × cos(the box's farthest latitude)
 * errs on the wide side.
 */
export function metresBox(point: SQLWrapper, metres: SQLWrapper): SQL {
  const dy = sql`((${metres})::float8 / 110000.0)`;
  const dx = sql`((${metres})::float8 / (111000.0 * cos(radians(least(abs(ST_Y(${point})) + ${dy}, 89.0)))))`;
  return sql`ST_Expand(${point}, ${dx}, ${dy})`;
}

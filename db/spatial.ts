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

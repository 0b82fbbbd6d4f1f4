import type { AlertInput } from '../protocol/api';

/**
 * What an alert area costs to intersect with the grids, measured before any SQL.
 * Vertices alone do not bound the work: PostGIS tests every grid whose box meets
 * the area's box against the whole area, so the work grows with vertices × the
 * grids under the box. `work` estimates that product with the box area in cells
 * of 0.01° × 0.01° (≈ 1 km², about one unit grid or more).
 */
export interface GeometryCost {
  parts: number;
  rings: number;
  vertices: number;
  /** Width and height of the bounding box, degrees. */
  extent: [width: number, height: number];
  work: number;
}

export const GEOMETRY_LIMITS = {
  parts: 500,
  /** Rings (exterior + holes) in all parts together. */
  rings: 2_000,
  vertices: 20_000,
  /** Degrees of longitude or latitude: an alert covers a city, not a province. */
  extent: 2,
  work: 10_000_000,
} as const;

const CELL_DEG2 = 0.01 * 0.01;

export function geometryCost(geometry: AlertInput['geometry']): GeometryCost {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let rings = 0;
  let vertices = 0;
  let [west, south, east, north] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const polygon of polygons) {
    rings += polygon.length;
    for (const ring of polygon) {
      vertices += ring.length;
      for (const [lng, lat] of ring) {
        if (lng < west) west = lng;
        if (lng > east) east = lng;
        if (lat < south) south = lat;
        if (lat > north) north = lat;
      }
    }
  }
  const width = vertices ? east - west : 0;
  const height = vertices ? north - south : 0;
  const cells = 1 + (width * height) / CELL_DEG2;
  return { parts: polygons.length, rings, vertices, extent: [width, height], work: Math.round(vertices * cells) };
}

/** Each limit the geometry exceeds, as { path, message, limit, value } (empty when it is affordable). */
export function geometryCostProblems(cost: GeometryCost) {
  const problems: Array<{ path: string; message: string; limit: number; value: number }> = [];
  const over = (what: string, value: number, limit: number) => {
    if (value > limit) problems.push({ path: 'geometry', message: `${what} ${value} exceeds the limit of ${limit}`, limit, value });
  };
  over('parts', cost.parts, GEOMETRY_LIMITS.parts);
  over('rings', cost.rings, GEOMETRY_LIMITS.rings);
  over('vertices', cost.vertices, GEOMETRY_LIMITS.vertices);
  over('extent in degrees', Math.max(...cost.extent), GEOMETRY_LIMITS.extent);
  over('estimated work (vertices × 1 km² cells under the bounding box)', cost.work, GEOMETRY_LIMITS.work);
  return problems;
}

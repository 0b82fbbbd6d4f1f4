import { z } from 'zod';
import type { AreaGeometry, Position } from './spatial';

/**
 * One rule for area geometries at every entry point (the GeoJSON importer, the
 * alert API, later CAP): RFC 7946 Polygon / MultiPolygon in, a normalised
 * WGS84 geometry out. Pure TypeScript + zod with no Node imports, because the
 * browser bundle loads it through server/protocol/api.ts.
 *
 * - positions are [lng, lat] or [lng, lat, alt]; the altitude is dropped here
 *   (the map is 2D), the same for every caller;
 * - a nested array or a bare number where a position should be is named as
 *   such, with the likely cause (one level of nesting too many or too few);
 * - rings must be closed with ≥ 4 positions; empty arrays are refused by name;
 * - winding order is accepted either way (RFC 7946 §3.1.6: parsers must not
 *   reject) and normalised to the right-hand rule: exteriors counterclockwise,
 *   holes clockwise;
 * - a `bbox` (§5) must be 4 (or 6, with altitudes) finite numbers in range,
 *   south ≤ north, and must contain every position.
 *
 * Geometric validity (self-intersections, holes outside shells) is PostGIS's
 * job afterwards: this module checks structure, ranges and order only.
 */

export interface GeoJsonIssue {
  /** Path below the checked value, e.g. ['coordinates', 0, 3] (for zod issues). */
  path: (string | number)[];
  message: string;
}

export type GeoJsonResult<T> = { ok: true; value: T } | { ok: false; issue: GeoJsonIssue };

export interface AreaGeometryOptions {
  /** Refuse more than this many positions in the geometry. */
  maxVertices?: number;
  /** What one geometry is called in the vertex-limit message ("feature", "geometry"). */
  unit?: string;
}

export interface NormalisedGeometry {
  geometry: AreaGeometry;
  vertices: number;
  /** Rings whose order was reversed to the right-hand rule. */
  rewound: number;
  /** Positions that carried an altitude (dropped). */
  altitudes: number;
}

export type Bbox = [west: number, south: number, east: number, north: number];

class Stop extends Error {
  constructor(readonly issue: GeoJsonIssue) {
    super(issue.message);
  }
}

function stop(path: (string | number)[], message: string): never {
  throw new Stop({ path, message });
}

const describe = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isFinite(value) ? `the number ${value}` : String(value);
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  return `a ${typeof value}`;
};

/** Parses and normalises a Polygon or MultiPolygon (see the module comment). */
export function normaliseAreaGeometry(input: unknown, options: AreaGeometryOptions = {}): GeoJsonResult<NormalisedGeometry> {
  try {
    return { ok: true, value: walkGeometry(input, options) };
  } catch (error) {
    if (error instanceof Stop) return { ok: false, issue: error.issue };
    throw error;
  }
}

function walkGeometry(input: unknown, options: AreaGeometryOptions): NormalisedGeometry {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    stop([], `geometry must be a GeoJSON object, got ${describe(input)}`);
  }
  const object = input as Record<string, unknown>;
  const type = object.type;
  if (type !== 'Polygon' && type !== 'MultiPolygon') {
    stop(['type'], `geometry type ${JSON.stringify(type ?? null)} is not Polygon or MultiPolygon`);
  }
  const coordinates = object.coordinates;
  if (!Array.isArray(coordinates) || coordinates.length === 0) {
    stop(['coordinates'], `${type} coordinates must be a non-empty array, got ${Array.isArray(coordinates) ? 'an empty one' : describe(coordinates)}`);
  }
  const bbox = object.bbox === undefined ? null : parseBbox(object.bbox, ['bbox']);
  const state = { vertices: 0, rewound: 0, altitudes: 0 };
  const polygons = type === 'Polygon' ? [coordinates] : coordinates;
  const parsed = polygons.map((polygon: unknown, p) => {
    const at = type === 'Polygon' ? ['coordinates'] : ['coordinates', p];
    if (!Array.isArray(polygon) || polygon.length === 0) {
      stop(at, `polygon ${p} must be a non-empty array of rings, got ${Array.isArray(polygon) ? 'an empty one' : describe(polygon)}`);
    }
    return polygon.map((ring: unknown, r) => walkRing(ring, r, p, [...at, r], state, options));
  });
  const geometry: AreaGeometry =
    type === 'Polygon' ? { type, coordinates: parsed[0] as Position[][] } : { type, coordinates: parsed };
  if (bbox) checkInside(bbox, geometry, ['bbox']);
  return { geometry, ...state };
}

function walkRing(
  ring: unknown,
  r: number,
  p: number,
  path: (string | number)[],
  state: { vertices: number; rewound: number; altitudes: number },
  options: AreaGeometryOptions,
): Position[] {
  const at = `ring ${r} of polygon ${p}`;
  if (!Array.isArray(ring)) {
    const hint = typeof ring === 'number' ? ' (coordinates nested one level too shallow?)' : '';
    stop(path, `${at} must be an array of positions, got ${describe(ring)}${hint}`);
  }
  // Checked before the length, which would otherwise blame "1 position" for a MultiPolygon sent as a Polygon.
  const nested = ring.findIndex((position) => Array.isArray(position) && Array.isArray(position[0]));
  if (nested >= 0) {
    stop(
      [...path, nested],
      `${at}, position ${nested} is a nested array where a position [lng, lat] should be ` +
        '(coordinates nested one level too deep: MultiPolygon coordinates under type "Polygon"?)',
    );
  }
  const bare = ring.findIndex((position) => typeof position === 'number');
  if (bare >= 0) {
    stop(
      [...path, bare],
      `${at}, position ${bare} is a bare number where a position [lng, lat] should be ` +
        '(coordinates nested one level too shallow: a ring where the array of rings should be?)',
    );
  }
  if (ring.length < 4) stop(path, `${at} has ${ring.length} positions; a closed ring needs at least 4`);
  state.vertices += ring.length;
  if (options.maxVertices !== undefined && state.vertices > options.maxVertices) {
    stop(path, `more than ${options.maxVertices} vertices in one ${options.unit ?? 'geometry'}`);
  }
  const positions = ring.map((position: unknown, i) => walkPosition(position, `${at}, position ${i}`, [...path, i], state));
  const first = positions[0] as Position;
  const last = positions[positions.length - 1] as Position;
  if (first[0] !== last[0] || first[1] !== last[1]) stop(path, `${at} is not closed (its first and last positions differ)`);
  // Right-hand rule: exterior (r = 0) counterclockwise, holes clockwise.
  const area = signedArea(positions);
  if ((r === 0 && area < 0) || (r > 0 && area > 0)) {
    positions.reverse();
    state.rewound++;
  }
  return positions;
}

function walkPosition(position: unknown, at: string, path: (string | number)[], state: { altitudes: number }): Position {
  if (!Array.isArray(position)) {
    const hint = typeof position === 'number' ? ' (coordinates nested one level too shallow?)' : '';
    stop(path, `${at} is ${describe(position)}, not a position [lng, lat]${hint}`);
  }
  if (position.length < 2) stop(path, `${at} needs a longitude and a latitude`);
  if (position.length > 3) stop(path, `${at} has ${position.length} values; at most 3 (longitude, latitude, altitude)`);
  for (const [k, v] of (position as unknown[]).entries()) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      const shown = typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v));
      stop([...path, k], `${at} holds ${shown}, not a finite number`);
    }
  }
  const [lng, lat] = position as [number, number];
  if (Math.abs(lng) > 180) stop(path, `${at}: longitude ${lng} is outside [-180, 180]`);
  if (Math.abs(lat) > 90) {
    const hint = Math.abs(lng) <= 90 ? ' (are longitude and latitude swapped?)' : '';
    stop(path, `${at}: latitude ${lat} is outside [-90, 90]${hint}`);
  }
  if (position.length === 3) state.altitudes++;
  return [lng, lat];
}

/** Shoelace area in degrees²: positive for counterclockwise rings. Only its sign is used. */
function signedArea(ring: readonly Position[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as Position;
    const [xj, yj] = ring[j] as Position;
    sum += (xj - xi) * (yj + yi);
  }
  return sum / 2;
}

/**
 * RFC 7946 §5: [west, south, east, north] (or with min/max altitude in the
 * middle and at the end). west > east is allowed: the box crosses the antimeridian.
 */
export function parseBbox(value: unknown, path: (string | number)[] = ['bbox']): Bbox {
  if (!Array.isArray(value) || (value.length !== 4 && value.length !== 6)) {
    stop(path, `invalid bbox: must be an array of 4 numbers [west, south, east, north] (or 6 with altitudes), got ${Array.isArray(value) ? `${value.length} values` : describe(value)}`);
  }
  const values = value as unknown[];
  const bad = values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) stop([...path, bad], `invalid bbox: value ${bad} is ${describe(values[bad])}, not a finite number`);
  const n = values as number[];
  const half = n.length / 2;
  const [west, south, east, north] = [n[0], n[1], n[half], n[half + 1]] as number[] as Bbox;
  if (half === 3 && (n[2] as number) > (n[5] as number)) stop(path, 'invalid bbox: minimum altitude above maximum altitude');
  if (Math.abs(west) > 180 || Math.abs(east) > 180) stop(path, 'invalid bbox: a longitude is outside [-180, 180]');
  if (Math.abs(south) > 90 || Math.abs(north) > 90) stop(path, 'invalid bbox: a latitude is outside [-90, 90]');
  if (south > north) stop(path, `invalid bbox: south ${south} is above north ${north}`);
  return [west, south, east, north];
}

/** A bbox must contain every position of what it bounds (a little float slack). */
function checkInside(bbox: Bbox, geometry: AreaGeometry, path: (string | number)[]): void {
  const [west, south, east, north] = bbox;
  const slack = 1e-9;
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  for (const polygon of polygons) {
    for (const ring of polygon) {
      for (const [lng, lat] of ring) {
        const inLng = west <= east ? lng >= west - slack && lng <= east + slack : lng >= west - slack || lng <= east + slack;
        if (!inLng || lat < south - slack || lat > north + slack) {
          stop(path, `invalid bbox: position [${lng}, ${lat}] lies outside [${bbox.join(', ')}]`);
        }
      }
    }
  }
}

/** parseBbox as a result (for the importer's feature and collection boxes). */
export function checkBbox(value: unknown, geometries: readonly AreaGeometry[] = []): GeoJsonIssue | null {
  try {
    const bbox = parseBbox(value, ['bbox']);
    for (const geometry of geometries) checkInside(bbox, geometry, ['bbox']);
    return null;
  } catch (error) {
    if (error instanceof Stop) return error.issue;
    throw error;
  }
}

/**
 * The same rule as a zod schema for request bodies: validates and returns the
 * normalised geometry, or one issue whose path points into the geometry.
 */
export function areaGeometrySchema(options: AreaGeometryOptions = {}) {
  return z
    .unknown()
    .meta({
      description:
        'GeoJSON (RFC 7946) Polygon or MultiPolygon, WGS84 [lng, lat]; altitudes are dropped, either winding order is accepted, an optional bbox must contain every position',
      type: 'object',
      required: ['type', 'coordinates'],
      properties: {
        type: { enum: ['Polygon', 'MultiPolygon'] },
        coordinates: { type: 'array' },
        bbox: { type: 'array', items: { type: 'number' }, minItems: 4, maxItems: 6 },
      },
    })
    .transform((value, ctx): AreaGeometry => {
      const result = normaliseAreaGeometry(value, options);
      if (!result.ok) {
        ctx.addIssue({ code: 'custom', message: result.issue.message, path: result.issue.path, input: value });
        return z.NEVER;
      }
      return result.value.geometry;
    });
}

/**
 * What a drawn shape becomes before it is sent: a GeoJSON Polygon in data order
 * ([lng, lat], WGS84). Pure, so tests and the preview use the same numbers.
 *
 * A circle is sent as a polygon of CIRCLE_VERTICES vertices on the sphere (the
 * JSON alert route takes polygons only), so the preview, the stored alert and its
 * CAP export all describe the same ring; 64 vertices keep the largest gap between
 * chord and arc under 0.12 % of the radius (1.2 m on a 1 km circle).
 */
export type Position = [lng: number, lat: number];
export interface DrawnPolygon {
  type: 'Polygon';
  coordinates: Position[][];
}

export const CIRCLE_VERTICES = 64;
/** Mean Earth radius (IUGG), metres. */
const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/** A circle of `radiusM` metres around [lng, lat], as a closed counter-clockwise ring. */
export function circlePolygon(lng: number, lat: number, radiusM: number, vertices = CIRCLE_VERTICES): DrawnPolygon {
  const angular = Math.max(radiusM, 1) / EARTH_RADIUS_M;
  const phi1 = lat * RAD;
  const lambda1 = lng * RAD;
  const ring: Position[] = [];
  for (let i = 0; i < vertices; i++) {
    // Bearings clockwise from north; walking them backwards makes the ring counter-clockwise (RFC 7946).
    const bearing = ((vertices - i) % vertices) * ((2 * Math.PI) / vertices);
    const phi2 = Math.asin(Math.sin(phi1) * Math.cos(angular) + Math.cos(phi1) * Math.sin(angular) * Math.cos(bearing));
    const lambda2 =
      lambda1 + Math.atan2(Math.sin(bearing) * Math.sin(angular) * Math.cos(phi1), Math.cos(angular) - Math.sin(phi1) * Math.sin(phi2));
    ring.push([round(lambda2 / RAD), round(phi2 / RAD)]);
  }
  ring.push(ring[0]!);
  return { type: 'Polygon', coordinates: [ring] };
}

/** A drawn ring (any order of vertices, open or closed) as a closed Polygon. */
export function ringPolygon(vertices: readonly Position[]): DrawnPolygon | null {
  const ring = vertices.map(([lng, lat]) => [round(lng), round(lat)] as Position);
  const deduped = ring.filter((p, i) => i === 0 || p[0] !== ring[i - 1]![0] || p[1] !== ring[i - 1]![1]);
  const first = deduped[0];
  const last = deduped.at(-1);
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) deduped.push(first);
  // A polygon needs three distinct corners, closed: four positions.
  if (deduped.length < 4) return null;
  return { type: 'Polygon', coordinates: [deduped] };
}

/** Bounding box [west, south, east, north] of a polygon. */
export function polygonBBox(polygon: DrawnPolygon): [number, number, number, number] {
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of polygon.coordinates) {
    for (const [lng, lat] of ring) {
      w = Math.min(w, lng);
      e = Math.max(e, lng);
      s = Math.min(s, lat);
      n = Math.max(n, lat);
    }
  }
  return [w, s, e, n];
}

/** Seven decimals: about a centimetre, far below anything drawn with a mouse. */
function round(v: number): number {
  return Math.round(v * 1e7) / 1e7;
}

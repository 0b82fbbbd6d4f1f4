import type { MultiPolygonGeometry, Position } from '../spatial';

/**
 * Plane geometry for generating shapes in JS. Guiyang spans about 1.2° each
 * way, so a local equirectangular projection around the city centre is within
 * about 1 % on distances: plenty for sampling points and spacing seeds.
 */
const LNG0 = 106.63;
const LAT0 = 26.65;
const KM_PER_DEG_LNG = 111.32 * Math.cos((LAT0 * Math.PI) / 180);
const KM_PER_DEG_LAT = 110.574;

export type Xy = [x: number, y: number];

export function toKm([lng, lat]: Position): Xy {
  return [(lng - LNG0) * KM_PER_DEG_LNG, (lat - LAT0) * KM_PER_DEG_LAT];
}

export function toLngLat([x, y]: Xy): Position {
  return [LNG0 + x / KM_PER_DEG_LNG, LAT0 + y / KM_PER_DEG_LAT];
}

export function kmWidth(degrees: number): number {
  return degrees * KM_PER_DEG_LNG;
}

export function kmHeight(degrees: number): number {
  return degrees * KM_PER_DEG_LAT;
}

export interface Bounds {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** A MultiPolygon projected to km, ready for repeated point-in-polygon tests. */
export interface PlaneShape {
  rings: Xy[][];
  bounds: Bounds;
}

export function planeShape(geometry: MultiPolygonGeometry): PlaneShape {
  const rings = geometry.coordinates.flatMap((polygon) => polygon.map((ring) => ring.map(toKm)));
  const bounds: Bounds = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const ring of rings) {
    for (const [x, y] of ring) {
      bounds.minX = Math.min(bounds.minX, x);
      bounds.minY = Math.min(bounds.minY, y);
      bounds.maxX = Math.max(bounds.maxX, x);
      bounds.maxY = Math.max(bounds.maxY, y);
    }
  }
  return { rings, bounds };
}

/**
 * Even-odd ray casting over every ring at once: for a valid MultiPolygon the
 * parity of crossings is exactly "inside a shell and not inside one of its holes".
 */
export function contains(shape: PlaneShape, [x, y]: Xy): boolean {
  const { bounds } = shape;
  if (x < bounds.minX || x > bounds.maxX || y < bounds.minY || y > bounds.maxY) return false;
  let inside = false;
  for (const ring of shape.rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i] as Xy;
      const [xj, yj] = ring[j] as Xy;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

export function distance(a: Xy, b: Xy): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}

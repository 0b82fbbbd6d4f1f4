import type { AreaCollection } from '../../../server/protocol/rest';

type Feature = AreaCollection['features'][number];

/**
 * Label anchor of an area in data order [lng, lat]: the centroid of the outer ring
 * of its largest polygon (admin areas here are compact, so it lies inside).
 */
export function labelPoint(feature: Feature): [lng: number, lat: number] | null {
  let best: [number, number] | null = null;
  let bestArea = 0;
  for (const polygon of feature.geometry.coordinates) {
    const ring = polygon[0];
    if (!ring || ring.length < 4) continue;
    let area = 0;
    let cx = 0;
    let cy = 0;
    for (let i = 0; i < ring.length - 1; i++) {
      const [x0, y0] = ring[i] as [number, number];
      const [x1, y1] = ring[i + 1] as [number, number];
      const cross = x0 * y1 - x1 * y0;
      area += cross;
      cx += (x0 + x1) * cross;
      cy += (y0 + y1) * cross;
    }
    if (Math.abs(area) > bestArea && area !== 0) {
      bestArea = Math.abs(area);
      best = [cx / (3 * area), cy / (3 * area)];
    }
  }
  return best;
}

/** Degrees per screen pixel at a zoom level (256-px tiles, at the equator; good enough for simplification). */
export function degreesPerPixel(zoom: number): number {
  return 360 / (256 * 2 ** zoom);
}

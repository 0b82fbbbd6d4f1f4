import gcoord from 'gcoord';
import type { AreaGeometry, Position } from '../spatial';

/**
 * Chinese web maps publish boundaries in obfuscated datums: GCJ-02 (国测局,
 * AMap / Tencent / DataV GeoAtlas) and BD-09 (Baidu). The database stores
 * WGS84, so an import converts once, here, with gcoord (a maintained
 * implementation of the published formulas). The shift is a few hundred metres
 * and varies smoothly across China: enough to put a point in the wrong grid.
 */
export const DATUMS = ['wgs84', 'gcj02', 'bd09'] as const;
export type Datum = (typeof DATUMS)[number];

const CRS = { wgs84: gcoord.WGS84, gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

/** How far the conversion moved vertices, in metres: what the data would be off by without it. */
export interface DatumShift {
  datum: Datum;
  meanM: number;
  maxM: number;
}

const EARTH_RADIUS_M = 6_371_008.8;

export function haversineM([lng1, lat1]: Position, [lng2, lat2]: Position): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function toWgs84Position(position: Position, datum: Datum): Position {
  if (datum === 'wgs84') return position;
  const [lng, lat] = gcoord.transform([position[0], position[1]], CRS[datum], gcoord.WGS84) as [number, number];
  return [lng, lat];
}

/**
 * Converts geometries in place of copies; the same input vertex always maps to
 * the same output, so borders shared by neighbours stay shared exactly.
 */
export function geometriesToWgs84(
  geometries: readonly AreaGeometry[],
  datum: Datum,
): { geometries: AreaGeometry[]; shift: DatumShift | null } {
  if (datum === 'wgs84') return { geometries: [...geometries], shift: null };
  let sum = 0;
  let count = 0;
  let max = 0;
  const convert = (ring: Position[]): Position[] =>
    ring.map((p) => {
      const q = toWgs84Position(p, datum);
      const d = haversineM(p, q);
      sum += d;
      count++;
      max = Math.max(max, d);
      return q;
    });
  const converted = geometries.map((g): AreaGeometry =>
    g.type === 'Polygon'
      ? { type: 'Polygon', coordinates: g.coordinates.map(convert) }
      : { type: 'MultiPolygon', coordinates: g.coordinates.map((polygon) => polygon.map(convert)) },
  );
  return {
    geometries: converted,
    shift: { datum, meanM: count === 0 ? 0 : Math.round((sum / count) * 10) / 10, maxM: Math.round(max * 10) / 10 },
  };
}

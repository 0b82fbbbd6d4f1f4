import type { Rng } from './random';

/**
 * The simulator's picture of the city: unit grids with their polygons, kept in
 * memory so that points are sampled and located without a database round trip
 * per event. Built once from the database or from the REST API.
 */
export type Position = [lng: number, lat: number];
/** Polygons of one grid: polygon → rings (first is the outline, others holes) → positions. */
export type Polygons = Position[][][];
export type Bbox = [west: number, south: number, east: number, north: number];

export interface Grid {
  code: string;
  name: string;
  /** Sampling weight: population when known; 1 per grid otherwise. */
  weight: number;
  polygons: Polygons;
  bbox: Bbox;
  /** A representative place (bbox centre), for hot-spot paths and alert centres. */
  centre: Position;
}

export interface GridSource {
  code: string;
  name: string;
  weight: number;
  geometry: { type: 'Polygon'; coordinates: Polygons[number] } | { type: 'MultiPolygon'; coordinates: Polygons };
}

const M_PER_DEG_LAT = 110_574;
const M_PER_DEG_LNG_EQUATOR = 111_320;

/** Metres between two positions; equirectangular is exact enough at city scale. */
export function distanceM(a: Position, b: Position): number {
  const midLat = ((a[1] + b[1]) / 2) * (Math.PI / 180);
  const dx = (a[0] - b[0]) * M_PER_DEG_LNG_EQUATOR * Math.cos(midLat);
  const dy = (a[1] - b[1]) * M_PER_DEG_LAT;
  return Math.hypot(dx, dy);
}

/** The position `east` and `north` metres away from `from`. */
export function offsetM(from: Position, east: number, north: number): Position {
  const lat = from[1] + north / M_PER_DEG_LAT;
  const lng = from[0] + east / (M_PER_DEG_LNG_EQUATOR * Math.cos(from[1] * (Math.PI / 180)));
  return [lng, lat];
}

function ringContains(ring: Position[], [x, y]: Position): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function polygonsContain(polygons: Polygons, point: Position): boolean {
  return polygons.some(
    ([outer, ...holes]) => outer !== undefined && ringContains(outer, point) && !holes.some((h) => ringContains(h, point)),
  );
}

function bboxOf(polygons: Polygons): Bbox {
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const polygon of polygons) {
    for (const [x, y] of polygon[0] ?? []) {
      w = Math.min(w, x);
      s = Math.min(s, y);
      e = Math.max(e, x);
      n = Math.max(n, y);
    }
  }
  return [w, s, e, n];
}

export class CityModel {
  readonly grids: Grid[];
  readonly bbox: Bbox;
  private readonly cellW: number;
  private readonly cellH: number;
  private readonly cols: number;
  private readonly rows: number;
  /** Uniform bucket index over the city bbox: cell → grids whose bbox touches it. */
  private readonly cells: Grid[][];

  constructor(sources: GridSource[]) {
    this.grids = sources
      .map((s) => {
        const polygons = s.geometry.type === 'Polygon' ? [s.geometry.coordinates] : s.geometry.coordinates;
        const bbox = bboxOf(polygons);
        const centre: Position = [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2];
        return { code: s.code, name: s.name, weight: s.weight, polygons, bbox, centre };
      })
      .filter((g) => Number.isFinite(g.bbox[0]));
    this.bbox = this.grids.reduce<Bbox>(
      (b, g) => [Math.min(b[0], g.bbox[0]), Math.min(b[1], g.bbox[1]), Math.max(b[2], g.bbox[2]), Math.max(b[3], g.bbox[3])],
      [Infinity, Infinity, -Infinity, -Infinity],
    );
    // About one grid per cell on average keeps lookups to a handful of polygon tests.
    const side = Math.max(1, Math.ceil(Math.sqrt(this.grids.length)));
    this.cols = side;
    this.rows = side;
    this.cellW = (this.bbox[2] - this.bbox[0]) / side || 1;
    this.cellH = (this.bbox[3] - this.bbox[1]) / side || 1;
    this.cells = Array.from({ length: side * side }, () => []);
    for (const grid of this.grids) {
      const [c0, r0] = this.cellOf([grid.bbox[0], grid.bbox[1]]);
      const [c1, r1] = this.cellOf([grid.bbox[2], grid.bbox[3]]);
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) this.cells[r * this.cols + c]!.push(grid);
    }
  }

  get empty(): boolean {
    return this.grids.length === 0;
  }

  private cellOf([x, y]: Position): [number, number] {
    const c = Math.min(this.cols - 1, Math.max(0, Math.floor((x - this.bbox[0]) / this.cellW)));
    const r = Math.min(this.rows - 1, Math.max(0, Math.floor((y - this.bbox[1]) / this.cellH)));
    return [c, r];
  }

  /** The grid containing the point, or null outside the city. */
  locate(point: Position): Grid | null {
    const [x, y] = point;
    if (x < this.bbox[0] || x > this.bbox[2] || y < this.bbox[1] || y > this.bbox[3]) return null;
    const [c, r] = this.cellOf(point);
    for (const grid of this.cells[r * this.cols + c]!) {
      const [w, s, e, n] = grid.bbox;
      if (x >= w && x <= e && y >= s && y <= n && polygonsContain(grid.polygons, point)) return grid;
    }
    return null;
  }

  /** A uniformly random point inside the grid (rejection sampling in its bbox). */
  samplePoint(grid: Grid, rng: Rng): Position {
    const [w, s, e, n] = grid.bbox;
    for (let attempt = 0; attempt < 200; attempt++) {
      const p: Position = [round7(rng.range(w, e)), round7(rng.range(s, n))];
      if (polygonsContain(grid.polygons, p)) return p;
    }
    // Only a sliver-shaped grid gets here; its first vertex is on its boundary,
    // which PostGIS's ST_Intersects still assigns to it.
    const first = grid.polygons[0]?.[0]?.[0];
    return first ? [first[0], first[1]] : grid.centre;
  }
}

/** ≈ 1 cm: keeps payloads short without moving points across grid edges in practice. */
export function round7(value: number): number {
  return Math.round(value * 1e7) / 1e7;
}

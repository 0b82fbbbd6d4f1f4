import type { MultiPolygonGeometry, Position } from '../spatial';
import { hexNeighbours, type Lattice } from './atoms';
import { toLngLat, type Xy } from './geo';

/**
 * Outlines of groups of lattice cells, traced in JS. A cell's corners are the
 * circumcentres of the lattice triangles around its atom (the Voronoi vertices,
 * since the lattice triangulation is Delaunay); each corner is computed once
 * and shared, so two districts' borders are the same coordinates, bit for bit,
 * and no overlay operation (with its float noise) is ever needed.
 *
 * Coordinates are snapped to the seed's 1e-12° grid so that the later
 * snap-rounded overlays (see GRID_SIZE) leave district vertices where they are.
 */
const SNAP = 1e12;

export interface Corners {
  lattice: Lattice;
  /** Key of the corner shared by the cells of three mutually adjacent atoms. */
  key(a: number, b: number, c: number): string;
  at(key: string): Position;
}

/**
 * One cache for every outline traced from a lattice. The atoms are sorted
 * before the circumcentre is computed: float results depend on argument order,
 * and a corner computed twice in two orders can snap to two grid points.
 */
export function cornersOf(lattice: Lattice): Corners {
  const cache = new Map<string, Position>();
  const { points } = lattice;
  return {
    lattice,
    key(a, b, c) {
      const [i, j, k] = [a, b, c].sort((x, y) => x - y) as [number, number, number];
      const key = `${i},${j},${k}`;
      if (!cache.has(key)) cache.set(key, snap(toLngLat(circumcentre(points[i] as Xy, points[j] as Xy, points[k] as Xy))));
      return key;
    },
    at(key) {
      const position = cache.get(key);
      if (!position) throw new Error(`unknown corner ${key}`);
      return position;
    },
  };
}

export function outlineOf(corners: Corners, inside: (atom: number) => boolean): MultiPolygonGeometry {
  const { rows, cols, points } = corners.lattice;
  const corner = (a: number, b: number, c: number): string => corners.key(a, b, c);
  // Directed boundary edges, the inside cell on their left: shells run anticlockwise, holes clockwise.
  const next = new Map<string, string>();
  for (let a = 0; a < points.length; a++) {
    if (!inside(a)) continue;
    const around = hexNeighbours(a, rows, cols);
    for (const b of around) {
      if (inside(b)) continue;
      const shared = hexNeighbours(b, rows, cols).filter((c) => around.includes(c));
      if (shared.length !== 2) throw new Error(`atom ${a} lies on the lattice edge; widen the margin`);
      let from = corner(a, b, shared[0] as number);
      let to = corner(a, b, shared[1] as number);
      if (cross(corners.at(from), corners.at(to), toLngLat(points[a] as Xy)) < 0) [from, to] = [to, from];
      next.set(from, to);
    }
  }
  const shells: Position[][] = [];
  const holes: Position[][] = [];
  const seen = new Set<string>();
  for (const start of next.keys()) {
    if (seen.has(start)) continue;
    const ring: Position[] = [];
    for (let key: string | undefined = start; key !== undefined && !seen.has(key); key = next.get(key)) {
      seen.add(key);
      ring.push(corners.at(key));
    }
    ring.push(ring[0] as Position);
    (signedArea(ring) > 0 ? shells : holes).push(ring);
  }
  const polygons: Position[][][] = shells.map((shell) => [shell]);
  for (const hole of holes) {
    const owner = polygons.find((polygon) => ringContains(polygon[0] as Position[], hole[0] as Position));
    if (!owner) throw new Error('a hole outside every shell: the lattice labels are not a partition');
    owner.push(hole);
  }
  return { type: 'MultiPolygon', coordinates: polygons };
}

function circumcentre([ax, ay]: Xy, [bx, by]: Xy, [cx, cy]: Xy): Xy {
  const d = 2 * (ax * (by - cy) + bx * (cy - ay) + cx * (ay - by));
  const a2 = ax * ax + ay * ay;
  const b2 = bx * bx + by * by;
  const c2 = cx * cx + cy * cy;
  return [(a2 * (by - cy) + b2 * (cy - ay) + c2 * (ay - by)) / d, (a2 * (cx - bx) + b2 * (ax - cx) + c2 * (bx - ax)) / d];
}

function snap([lng, lat]: Position): Position {
  return [Math.round(lng * SNAP) / SNAP, Math.round(lat * SNAP) / SNAP];
}

/** > 0 when `p` is left of the line from `a` to `b`. */
function cross(a: Position, b: Position, p: Position): number {
  return (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
}

function signedArea(ring: Position[]): number {
  let sum = 0;
  for (let i = 1; i < ring.length; i++) {
    const [x0, y0] = ring[i - 1] as Position;
    const [x1, y1] = ring[i] as Position;
    sum += x0 * y1 - x1 * y0;
  }
  return sum / 2;
}

function ringContains(ring: Position[], [x, y]: Position): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as Position;
    const [xj, yj] = ring[j] as Position;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

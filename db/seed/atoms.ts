import { createNoise, createRng, hashSeed } from './random';
import { kmHeight, kmWidth, toKm, type Xy } from './geo';
import type { CityFacts } from './facts';

/**
 * District shapes are built from "atoms": a jittered hexagonal lattice whose
 * Voronoi cells are grouped per district (see outline.ts). The lattice is
 * hexagonal because then a cell's neighbours are known without computing
 * anything: with each atom moved at most 0.12 of the spacing per axis, the two
 * angles facing any lattice edge still sum to under 180°, so the Delaunay
 * triangulation stays the lattice's own and so do the Voronoi neighbours. Connectivity is therefore
 * repaired here on plain indices: every district comes out in one piece, and
 * the city has no enclosed holes.
 *
 * Ownership is a multiplicatively weighted Voronoi of noisy ellipses (one per
 * district, from its bbox), the weights tuned until each district has its real
 * area; the city's edge is the level set of a metaball field of those ellipses.
 */
export interface Lattice {
  rows: number;
  cols: number;
  /** Atom positions (km plane), row-major. */
  points: Xy[];
  /** Index into facts.districts per atom, or OUTSIDE. */
  owners: Int32Array;
}

export const OUTSIDE = -1;
export const ATOM_SPACING_KM = 0.6;
const JITTER = 0.12;
const MARGIN_KM = 12;

export function buildLattice(facts: CityFacts, seed: number): Lattice {
  const rng = createRng(hashSeed(seed, 'atoms'));
  const districts = facts.districts.map((d, i) => {
    const [west, south, east, north] = d.bbox;
    const centre = toKm([(west + east) / 2, (south + north) / 2]);
    const core = toKm(d.centroid);
    const hx = kmWidth(east - west) / 2;
    const hy = kmHeight(north - south) / 2;
    return {
      // The shape centre leans from the bbox centre towards the population centroid.
      at: [(centre[0] + core[0]) / 2, (centre[1] + core[1]) / 2] as Xy,
      hx,
      hy,
      target: d.areaKm2,
      factor: Math.sqrt(d.areaKm2 / (Math.PI * hx * hy)),
      noise: createNoise(hashSeed(seed, 'border', i), 4),
    };
  });

  const corners = facts.districts.flatMap((d) => [toKm([d.bbox[0], d.bbox[1]]), toKm([d.bbox[2], d.bbox[3]])]);
  const west = Math.min(...corners.map((c) => c[0])) - MARGIN_KM;
  const south = Math.min(...corners.map((c) => c[1])) - MARGIN_KM;
  const east = Math.max(...corners.map((c) => c[0])) + MARGIN_KM;
  const north = Math.max(...corners.map((c) => c[1])) + MARGIN_KM;
  const rowStep = (ATOM_SPACING_KM * Math.sqrt(3)) / 2;
  const rows = Math.ceil((north - south) / rowStep) + 1;
  const cols = Math.ceil((east - west) / ATOM_SPACING_KM) + 1;

  const points: Xy[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x = west + (c + (r % 2) / 2 + rng.range(-JITTER, JITTER)) * ATOM_SPACING_KM;
      const y = south + r * rowStep + rng.range(-JITTER, JITTER) * ATOM_SPACING_KM;
      points.push([x, y]);
    }
  }
  // Noisy ellipse distance per atom and district, computed once; the weights only divide it.
  const n = districts.length;
  const reach = new Float64Array(points.length * n);
  points.forEach(([x, y], a) => {
    districts.forEach((d, i) => {
      const wiggle = 1 + 0.35 * d.noise(x / 20, y / 20);
      reach[a * n + i] = Math.hypot((x - d.at[0]) / d.hx, (y - d.at[1]) / d.hy) * wiggle;
    });
  });

  const owners = new Int32Array(points.length);
  const border = (a: number): boolean => {
    const r = Math.floor(a / cols);
    const c = a % cols;
    return r < 2 || c < 2 || r >= rows - 2 || c >= cols - 2;
  };
  const assign = (): void => {
    for (let a = 0; a < points.length; a++) {
      let best = OUTSIDE;
      let bestQ = Infinity;
      let field = 0;
      for (let i = 0; i < n; i++) {
        const q = (reach[a * n + i] ?? Infinity) / (districts[i]?.factor ?? 1);
        // Metaballs: where two blobs nearly meet their fields add up and fill the neck between them.
        if (q < 2) field += Math.exp(-3 * (q * q - 1));
        if (q < bestQ) {
          bestQ = q;
          best = i;
        }
      }
      owners[a] = field >= 1 && !border(a) ? best : OUTSIDE;
    }
  };
  const cellArea = ATOM_SPACING_KM * rowStep;
  for (let iteration = 0; iteration < 40; iteration++) {
    assign();
    const counts = new Array<number>(n).fill(0);
    for (const o of owners) if (o >= 0) counts[o] = (counts[o] ?? 0) + 1;
    let worst = 0;
    districts.forEach((d, i) => {
      const area = Math.max(cellArea, (counts[i] ?? 0) * cellArea);
      worst = Math.max(worst, Math.abs(area / d.target - 1));
      d.factor *= Math.pow(d.target / area, 0.35);
    });
    if (worst < 0.005) break;
  }
  assign();
  repairConnectivity(owners, rows, cols, n);
  return { rows, cols, points, owners };
}

/** The six neighbours of an atom (odd rows are shifted half a step east). */
export function hexNeighbours(index: number, rows: number, cols: number): number[] {
  const r = Math.floor(index / cols);
  const c = index % cols;
  const shift = r % 2 === 0 ? -1 : 0;
  const candidates: [number, number][] = [
    [r, c - 1],
    [r, c + 1],
    [r - 1, c + shift],
    [r - 1, c + shift + 1],
    [r + 1, c + shift],
    [r + 1, c + shift + 1],
  ];
  return candidates.filter(([rr, cc]) => rr >= 0 && rr < rows && cc >= 0 && cc < cols).map(([rr, cc]) => rr * cols + cc);
}

/**
 * Keeps the largest connected piece of every label (districts and the outside);
 * smaller pieces join the label they border most. Repeats until nothing moves,
 * since a merge can leave a neighbour's piece newly enclosed.
 */
function repairConnectivity(owners: Int32Array, rows: number, cols: number, labels: number): void {
  for (let pass = 0; pass < 20; pass++) {
    const component = new Int32Array(owners.length).fill(-1);
    const pieces: { label: number; atoms: number[] }[] = [];
    for (let start = 0; start < owners.length; start++) {
      if (component[start] !== -1) continue;
      const label = owners[start] ?? OUTSIDE;
      const atoms: number[] = [start];
      component[start] = pieces.length;
      for (let k = 0; k < atoms.length; k++) {
        for (const n of hexNeighbours(atoms[k] as number, rows, cols)) {
          if (component[n] === -1 && owners[n] === label) {
            component[n] = pieces.length;
            atoms.push(n);
          }
        }
      }
      pieces.push({ label, atoms });
    }
    const largest = new Map<number, number>();
    pieces.forEach((piece, i) => {
      const current = largest.get(piece.label);
      if (current === undefined || (pieces[current]?.atoms.length ?? 0) < piece.atoms.length) largest.set(piece.label, i);
    });
    let moved = false;
    pieces.forEach((piece, i) => {
      if (largest.get(piece.label) === i) return;
      const votes = new Map<number, number>();
      for (const a of piece.atoms) {
        for (const n of hexNeighbours(a, rows, cols)) {
          const label = owners[n] ?? OUTSIDE;
          if (label !== piece.label) votes.set(label, (votes.get(label) ?? 0) + 1);
        }
      }
      let winner = OUTSIDE;
      let most = -1;
      for (let label = OUTSIDE; label < labels; label++) {
        const v = votes.get(label) ?? 0;
        if (v > most) {
          most = v;
          winner = label;
        }
      }
      for (const a of piece.atoms) owners[a] = winner;
      moved = true;
    });
    if (!moved) return;
  }
}

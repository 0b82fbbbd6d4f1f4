import { createNoise, createRng, hashSeed } from './random';
import { kmHeight, kmWidth, toKm, type Xy } from './geo';
import type { CityFacts } from './facts';

/**
 * District shapes are built from "atoms": a jittered hexagonal lattice of
 * points whose Voronoi cells (computed in PostGIS) are unioned per district.
 * The lattice is hexagonal because then the neighbours of a cell are known in
 * JS (small jitter never changes a hex lattice's Delaunay triangulation), so
 * connectivity can be repaired here, before any geometry exists: every
 * district comes out as one piece, and the city has no enclosed holes.
 */
export interface Atom {
  x: number;
  y: number;
  /** Index into facts.districts, or -1 outside the city. */
  owner: number;
}

export const ATOM_SPACING_KM = 0.9;
const JITTER = 0.2;
const OUTSIDE = -1;

export function buildAtoms(facts: CityFacts, seed: number): Atom[] {
  const rng = createRng(hashSeed(seed, 'atoms'));
  const districts = facts.districts.map((d, i) => {
    const [west, south, east, north] = d.bbox;
    const centre = toKm([(west + east) / 2, (south + north) / 2]);
    const core = toKm(d.centroid);
    // The shape centre leans from the bbox centre towards the population centroid.
    const at: Xy = [(centre[0] + core[0]) / 2, (centre[1] + core[1]) / 2];
    const hx = kmWidth(east - west) / 2;
    const hy = kmHeight(north - south) / 2;
    return {
      at,
      hx,
      hy,
      target: d.areaKm2,
      factor: Math.sqrt(d.areaKm2 / (Math.PI * hx * hy)),
      noise: createNoise(hashSeed(seed, 'border', i), 3),
    };
  });

  const margin = 4;
  const west = Math.min(...facts.districts.map((d) => toKm([d.bbox[0], d.bbox[1]])[0])) - margin;
  const south = Math.min(...facts.districts.map((d) => toKm([d.bbox[0], d.bbox[1]])[1])) - margin;
  const east = Math.max(...facts.districts.map((d) => toKm([d.bbox[2], d.bbox[3]])[0])) + margin;
  const north = Math.max(...facts.districts.map((d) => toKm([d.bbox[2], d.bbox[3]])[1])) + margin;
  const rowStep = (ATOM_SPACING_KM * Math.sqrt(3)) / 2;
  const rows = Math.ceil((north - south) / rowStep) + 1;
  const cols = Math.ceil((east - west) / ATOM_SPACING_KM) + 1;

  const points: Xy[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x = west + (c + (r % 2) / 2) * ATOM_SPACING_KM + rng.range(-JITTER, JITTER) * ATOM_SPACING_KM;
      const y = south + r * rowStep + rng.range(-JITTER, JITTER) * ATOM_SPACING_KM;
      points.push([x, y]);
    }
  }
  // Noise is sampled once per atom and district; the weight iterations below reuse it.
  const wiggle = points.map(([x, y]) => districts.map((d) => 1 + 0.22 * d.noise(x / 12, y / 12)));
  const cellArea = ATOM_SPACING_KM * rowStep;
  const owners = new Int32Array(points.length);

  const assign = (): void => {
    points.forEach(([x, y], a) => {
      let best = OUTSIDE;
      let bestQ = 1;
      districts.forEach((d, i) => {
        const dx = (x - d.at[0]) / (d.factor * d.hx);
        const dy = (y - d.at[1]) / (d.factor * d.hy);
        const q = Math.sqrt(dx * dx + dy * dy) * (wiggle[a]?.[i] ?? 1);
        if (q < bestQ) {
          bestQ = q;
          best = i;
        }
      });
      owners[a] = best;
    });
  };
  // Multiplicatively weighted Voronoi with the weights tuned until each district has its real area.
  for (let iteration = 0; iteration < 40; iteration++) {
    assign();
    const counts = new Array<number>(districts.length).fill(0);
    for (const o of owners) if (o >= 0) counts[o] = (counts[o] ?? 0) + 1;
    districts.forEach((d, i) => {
      const area = Math.max(cellArea, (counts[i] ?? 0) * cellArea);
      d.factor *= Math.pow(d.target / area, 0.35);
    });
  }
  assign();
  repairConnectivity(owners, rows, cols, districts.length);
  return points.map(([x, y], a) => ({ x, y, owner: owners[a] ?? OUTSIDE }));
}

function hexNeighbours(index: number, rows: number, cols: number): number[] {
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
 * Keeps the largest connected piece of every label (districts and the outside,
 * whose largest piece touches the lattice edge); smaller pieces join the label
 * they border most. Repeats until nothing moves, since a merge can split nothing
 * but may leave a neighbour's piece newly enclosed.
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

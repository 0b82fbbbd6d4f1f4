/**
 * Seeded randomness for the demo city. Everything random in the seed flows
 * from here so that one seed number reproduces the same city, byte for byte.
 */

/** 32-bit FNV-1a over the parts, so sub-streams can be keyed by name ("streets", a code…). */
export function hashSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const text = `${String(part)}\u0000`;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  return h >>> 0;
}

/** Integer-only hash (murmur3 finaliser per step): noise evaluates it millions of times, strings would dominate. */
export function hashInts(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = Math.imul(h ^ (part | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  range(min: number, max: number): number;
  /** Integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  /** True with probability p. */
  chance(p: number): boolean;
}

/** mulberry32: tiny, fast and good enough for shapes and names (not for secrets). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    range: (min, max) => min + next() * (max - min),
    int,
    pick: <T,>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(items.length)] as T;
    },
    chance: (p) => next() < p,
  };
}

/**
 * Smooth 2-D value noise in [-1, 1] (a few octaves), keyed by a seed. Used to
 * make borders wiggle and density uneven; being a pure function of (x, y) it
 * does not depend on the order in which points are evaluated.
 */
export function createNoise(seed: number, octaves = 3): (x: number, y: number) => number {
  const lattice = (ix: number, iy: number, octave: number): number => (hashInts(seed, octave, ix, iy) / 4294967295) * 2 - 1;
  const smooth = (t: number): number => t * t * (3 - 2 * t);
  const layer = (x: number, y: number, octave: number): number => {
    const ix = Math.floor(x);
    const iy = Math.floor(y);
    const fx = smooth(x - ix);
    const fy = smooth(y - iy);
    const top = lattice(ix, iy, octave) * (1 - fx) + lattice(ix + 1, iy, octave) * fx;
    const bottom = lattice(ix, iy + 1, octave) * (1 - fx) + lattice(ix + 1, iy + 1, octave) * fx;
    return top * (1 - fy) + bottom * fy;
  };
  return (x, y) => {
    let sum = 0;
    let amplitude = 1;
    let norm = 0;
    let frequency = 1;
    for (let o = 0; o < octaves; o++) {
      sum += layer(x * frequency, y * frequency, o) * amplitude;
      norm += amplitude;
      amplitude /= 2;
      frequency *= 2;
    }
    return sum / norm;
  };
}

/**
 * Splits `total` into integer shares proportional to `weights`, each at least
 * `min`, summing exactly to max(total, min × n) (largest remainder, ties by index).
 */
export function allocate(total: number, weights: readonly number[], min = 0): number[] {
  const n = weights.length;
  if (n === 0) return [];
  const rest = Math.max(0, Math.round(total) - min * n);
  const sum = weights.reduce((a, w) => a + Math.max(0, w), 0);
  const quotas = weights.map((w) => (sum > 0 ? (Math.max(0, w) / sum) * rest : rest / n));
  const shares = quotas.map((q) => Math.floor(q));
  let left = rest - shares.reduce((a, s) => a + s, 0);
  const order = quotas.map((q, i) => ({ i, frac: q - Math.floor(q) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    shares[i] = (shares[i] ?? 0) + 1;
    left--;
  }
  return shares.map((s) => s + min);
}

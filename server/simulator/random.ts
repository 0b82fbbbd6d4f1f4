import { createRng as createBaseRng, hashSeed, type Rng as BaseRng } from '../../db/seed/random';

/**
 * Seeded randomness for the simulator: the demo city's generator (same
 * mulberry32 stream, same FNV-1a sub-seeds) plus the two draws traffic needs.
 * Every draw flows from one generator so a seed reproduces the same stream of
 * events (given the same city and clock).
 */
export { hashSeed };

export interface Rng extends BaseRng {
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Poisson-distributed count with mean `lambda`. */
  poisson(lambda: number): number;
}

export function createRng(seed: number): Rng {
  const base = createBaseRng(seed);
  const normal = (): number => {
    // 1 - next() lies in (0, 1], so the logarithm is finite.
    const u = 1 - base.next();
    const v = base.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const poisson = (lambda: number): number => {
    if (!(lambda > 0)) return 0;
    // Knuth's product method is exact but O(lambda); past ~30 the normal
    // approximation is indistinguishable for traffic generation.
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = base.next();
    while (p > limit) {
      k++;
      p *= base.next();
    }
    return k;
  };
  return { ...base, normal, poisson };
}

/** Draws items with probability proportional to their weight, in O(log n) per draw. */
export class WeightedPicker<T> {
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(
    private readonly items: readonly T[],
    weightOf: (item: T) => number,
  ) {
    if (items.length === 0) throw new Error('weighted pick from an empty list');
    this.cumulative = new Float64Array(items.length);
    let sum = 0;
    items.forEach((item, i) => {
      const w = weightOf(item);
      sum += Number.isFinite(w) && w > 0 ? w : 0;
      this.cumulative[i] = sum;
    });
    if (sum === 0) {
      // All weights zero (e.g. no population data): fall back to uniform.
      this.cumulative.forEach((_, i) => (this.cumulative[i] = i + 1));
      sum = items.length;
    }
    this.total = sum;
  }

  pick(rng: Rng): T {
    const target = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}

/** Picks a key from a `{ key: weight }` table. */
export function weightedKey<K extends string>(rng: Rng, table: Readonly<Partial<Record<K, number>>>): K {
  const entries = Object.entries(table) as Array<[K, number]>;
  if (entries.length === 0) throw new Error('weighted pick from an empty table');
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let target = rng.next() * total;
  for (const [key, w] of entries) {
    target -= w;
    if (target < 0) return key;
  }
  return entries.at(-1)![0];
}

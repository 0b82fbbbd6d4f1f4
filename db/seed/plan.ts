import type { DistrictFacts, DistrictKind } from './facts';
import type { Xy } from './geo';

/**
 * How many areas to make. Typical sizes, in residents per area: an urban grid
 * of ~1,300 people is ~460 households (the 300–600 households a grid worker can
 * know); rural grids and villages are larger in area but smaller in people.
 */
const RESIDENTS_PER: Record<DistrictKind, { street: number; community: number; grid: number }> = {
  urban: { street: 90_000, community: 10_000, grid: 1_300 },
  mixed: { street: 45_000, community: 6_000, grid: 2_200 },
  rural: { street: 35_000, community: 5_000, grid: 2_500 },
};

export const PEOPLE_PER_HOUSEHOLD = 2.8;

export interface Budget {
  streets: number;
  communities: number;
  grids: number;
}

/**
 * Counts for one district at a scale. The floors keep every level present and
 * let each parent have at least two children, so even a tiny test city has
 * real borders between siblings at every level.
 */
export function districtBudget(district: DistrictFacts, scale: number): Budget {
  const per = RESIDENTS_PER[district.kind];
  const streets = Math.max(2, Math.round((district.population / per.street) * scale));
  const communities = Math.max(2 * streets, Math.round((district.population / per.community) * scale));
  const grids = Math.max(communities + 1, Math.round((district.population / per.grid) * scale));
  return { streets, communities, grids };
}

/**
 * Reading order, as grid numbers are assigned: rows from north to south, west
 * to east within a row. Rows are about one child tall so that a slightly
 * higher centroid further east does not jump the queue.
 */
export function readingOrder<T extends { centre: Xy; areaKm2: number }>(items: readonly T[]): T[] {
  if (items.length <= 1) return [...items];
  const total = items.reduce((a, i) => a + i.areaKm2, 0);
  const rowHeight = Math.max(1e-6, Math.sqrt(total / items.length));
  const top = Math.max(...items.map((i) => i.centre[1]));
  const row = (i: T): number => Math.floor((top - i.centre[1]) / rowHeight);
  return [...items].sort((a, b) => row(a) - row(b) || a.centre[0] - b.centre[0] || b.centre[1] - a.centre[1]);
}

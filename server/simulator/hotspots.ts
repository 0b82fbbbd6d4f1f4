import { distanceM, offsetM, type CityModel, type Position } from './city';
import { WeightedPicker, type Rng } from './random';
import { localDayMs } from './rhythm';

/**
 * Appeal hot spots: gaussian clusters whose centres drift along a path of
 * waypoints over the (Shanghai) day — out in the morning, back by night, so
 * the motion is continuous across midnight. Paths start at population-weighted
 * places and step a few kilometres at a time, so they wander through the
 * dense urban districts rather than jumping across the city.
 */
export interface Hotspot {
  id: number;
  waypoints: Position[];
  /** Cumulative path length at each waypoint (metres). */
  lengths: number[];
  /** Spread of appeals around the centre (metres, 1 sigma). */
  sigmaM: number;
  /** Relative share of the hot-spot appeals. */
  weight: number;
  /** Offset of this spot's daily cycle, as a fraction of a day, so spots do not move in lockstep. */
  phase: number;
  /** The topic most of its appeals are about (what makes it a hot spot). */
  topic: string;
}

const WAYPOINTS = 4;
const STEP_MIN_M = 1500;
const STEP_MAX_M = 5000;
const DAY_MS = 86_400_000;

export function planHotspots(city: CityModel, rng: Rng, count: number, topics: readonly string[]): Hotspot[] {
  const picker = new WeightedPicker(city.grids, (g) => g.weight);
  return Array.from({ length: count }, (_, id) => {
    const waypoints: Position[] = [picker.pick(rng).centre];
    while (waypoints.length < WAYPOINTS) {
      const from = waypoints.at(-1)!;
      // Prefer a weighted place a walkable-drive away; after a few misses take any.
      let next = picker.pick(rng).centre;
      for (let attempt = 0; attempt < 40; attempt++) {
        const d = distanceM(from, next);
        if (d >= STEP_MIN_M && d <= STEP_MAX_M) break;
        next = picker.pick(rng).centre;
      }
      waypoints.push(next);
    }
    const lengths = [0];
    for (let i = 1; i < waypoints.length; i++) lengths.push(lengths[i - 1]! + distanceM(waypoints[i - 1]!, waypoints[i]!));
    return {
      id,
      waypoints,
      lengths,
      sigmaM: rng.range(350, 800),
      weight: rng.range(0.6, 1.4),
      phase: rng.next(),
      topic: rng.pick(topics),
    };
  });
}

/** Where the spot's centre is at this instant. */
export function hotspotCentre(spot: Hotspot, at: Date): Position {
  const u = (localDayMs(at) / DAY_MS + spot.phase) % 1;
  // Ping-pong: 0 → 1 along the path over half a day, then back.
  const s = u < 0.5 ? 2 * u : 2 - 2 * u;
  const total = spot.lengths.at(-1)!;
  if (total === 0) return spot.waypoints[0]!;
  const target = s * total;
  let i = 1;
  while (i < spot.lengths.length - 1 && spot.lengths[i]! < target) i++;
  const a = spot.waypoints[i - 1]!;
  const b = spot.waypoints[i]!;
  const span = spot.lengths[i]! - spot.lengths[i - 1]!;
  const t = span > 0 ? (target - spot.lengths[i - 1]!) / span : 0;
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
}

/** A point drawn around the spot's current centre (isotropic gaussian). */
export function sampleNear(centre: Position, sigmaM: number, rng: Rng): Position {
  return offsetM(centre, rng.normal() * sigmaM, rng.normal() * sigmaM);
}

import { createNoise, hashSeed } from './random';
import { distance, kmWidth, toKm, type Xy } from './geo';
import type { CityFacts } from './facts';

/**
 * A relative population-density surface over the city (people per km², up to a
 * constant). Seeds for streets, communities and grids are spaced by it, so
 * cells come out small where people are many; populations are shared out by it.
 * Only ratios matter: district populations are fixed by the facts file.
 */
export type Density = (p: Xy) => number;

/** The old centre around 喷水池 / 大十字, where the city is densest. */
const OLD_TOWN: [number, number] = [106.713, 26.578];

export function createDensity(facts: CityFacts, seed: number): Density {
  const cores: { at: Xy; amplitude: number; sigma: number }[] = [{ at: toKm(OLD_TOWN), amplitude: 3, sigma: 5 }];
  for (const d of facts.districts) {
    const radius = Math.sqrt(d.areaKm2 / Math.PI);
    if (d.kind === 'urban') cores.push({ at: toKm(d.centroid), amplitude: 1.5, sigma: radius * 0.55 });
    else if (d.kind === 'mixed') cores.push({ at: toKm(d.centroid), amplitude: 0.8, sigma: 4 });
    else cores.push({ at: toKm(d.centroid), amplitude: 0.6, sigma: 2.5 });
  }
  const noise = createNoise(hashSeed(seed, 'density'), 3);
  // Features of a few km: neighbourhoods, valleys, hills.
  const noiseScale = 1 / kmWidth(0.04);
  return (p) => {
    let value = 0.04;
    for (const core of cores) {
      const d = distance(p, core.at);
      value += core.amplitude * Math.exp(-(d * d) / (2 * core.sigma * core.sigma));
    }
    return Math.max(0.01, value * (1 + 0.5 * noise(p[0] * noiseScale, p[1] * noiseScale)));
  };
}

import type { Database } from '../../db/client';
import { insertSyntheticCity } from './synthetic-city';

export type CityKind = 'seed' | 'synthetic';

/**
 * Fills an empty database with a city to benchmark against: the demo seeder
 * (≈3,700 irregular grids, the realistic case for point-in-polygon) when it
 * loads, else the synthetic square-grid city of a similar size.
 */
export async function prepareCity(database: Database, wanted: CityKind): Promise<{ kind: CityKind; grids: number }> {
  if (wanted === 'seed') {
    try {
      const { seedDemoCity } = await import('../../db/seed/city');
      const summary = await seedDemoCity(database, { seed: 1, scale: 1 });
      return { kind: 'seed', grids: summary.grids };
    } catch (error) {
      // The seeder is developed alongside; fall back rather than lose the run, but say so.
      console.warn(`demo seeder unavailable (${error instanceof Error ? error.message : String(error)}); using the synthetic city`);
    }
  }
  return { kind: 'synthetic', grids: await insertSyntheticCity(database, { gridsPerCommunity: 8 }) };
}

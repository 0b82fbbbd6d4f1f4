import { sql } from 'drizzle-orm';
import type { Database } from '../client';
import { buildBelowDistricts, SeedError, type Placed } from './city';
import { createDensity } from './density';
import type { CityFacts, DistrictFacts, DistrictKind } from './facts';
import { NameBook } from './names';
import { districtBudget, PEOPLE_PER_HOUSEHOLD } from './plan';
import { createRng, hashSeed } from './random';
import { inTransaction } from './sql';

/**
 * A working grid system for a city that has only its real district boundaries
 * (say, a DataV file loaded with db:import): inside every imported district
 * that has no streets yet, generates streets, communities and unit grids with
 * the demo city's machinery (levels.ts → subdivide.ts), so the same guarantees
 * hold: each level tiles its parent exactly, codes follow the national scheme
 * (district + 3 + 3 + 3 digits), populations sum exactly. Responders come too.
 *
 * A district without a population figure gets one from its area at a typical
 * density, written back so the sums still hold. One transaction: a failure
 * leaves the database as it was. Districts that already have children are left
 * alone; if none is left to fill, it is refused.
 */
export interface WithinOptions {
  seed?: number;
  /** Multiplies area counts, as for the demo city. */
  scale?: number;
}

export interface WithinSummary {
  seed: number;
  scale: number;
  districts: string[];
  streets: number;
  communities: number;
  grids: number;
  responders: number;
  ms: number;
}

/** People per km² assumed for a district imported without a population (a prefecture-level city average). */
export const DEFAULT_DENSITY_PER_KM2 = 600;

function kindOf(perKm2: number): DistrictKind {
  return perKm2 >= 2500 ? 'urban' : perKm2 >= 400 ? 'mixed' : 'rural';
}

interface DistrictRow {
  id: number;
  code: string;
  name: string;
  name_en: string | null;
  population: number;
  households: number;
  km2: number;
  x: number;
  y: number;
  w: number;
  s: number;
  e: number;
  n: number;
}

export async function seedWithinImported(database: Database, options: WithinOptions = {}): Promise<WithinSummary> {
  const seed = options.seed ?? 1;
  const scale = options.scale ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new SeedError(`seed must be a non-negative integer, got ${seed}`);
  if (!(scale > 0 && scale <= 10)) throw new SeedError(`scale must be in (0, 10], got ${scale}`);
  const started = performance.now();
  const result = await inTransaction(database, async (exec) => {
    await exec.rows(sql`LOCK TABLE areas, responders IN SHARE ROW EXCLUSIVE MODE`);
    const rows = await exec.rows<DistrictRow>(sql`
      SELECT d.id, d.code, d.name, d.name_en, d.population, d.households, ST_Area(d.geom::geography) / 1e6 AS km2,
             ST_X(ST_PointOnSurface(d.geom)) AS x, ST_Y(ST_PointOnSurface(d.geom)) AS y,
             ST_XMin(d.geom) AS w, ST_YMin(d.geom) AS s, ST_XMax(d.geom) AS e, ST_YMax(d.geom) AS n
      FROM areas d
      WHERE d.level = 'district' AND NOT EXISTS (SELECT 1 FROM areas c WHERE c.parent_id = d.id)
      ORDER BY d.code`);
    if (rows.length === 0) {
      throw new SeedError('no imported district without streets to fill: import district boundaries first (npm run db:import)');
    }
    const long = rows.find((r) => r.code.length > 15);
    if (long) throw new SeedError(`district code ${long.code} is too long for 3-digit street, community and grid codes below it`);
    const districts: DistrictFacts[] = rows.map((r) => {
      const km2 = Number(r.km2);
      const population = Number(r.population) > 0 ? Number(r.population) : Math.max(1000, Math.round(km2 * DEFAULT_DENSITY_PER_KM2));
      return {
        code: r.code,
        name: r.name,
        nameEn: r.name_en ?? r.name,
        kind: kindOf(population / Math.max(km2, 1e-6)),
        centroid: [Number(r.x), Number(r.y)],
        bbox: [Number(r.w), Number(r.s), Number(r.e), Number(r.n)],
        areaKm2: km2,
        population,
      };
    });
    // Estimated populations are written back, so children's shares sum to their district's figure.
    await exec.rows(sql`
      UPDATE areas a SET population = j.population, households = j.households
      FROM json_to_recordset(${JSON.stringify(
        districts.map((d, i) => ({
          id: rows[i]?.id,
          population: d.population,
          households: Number(rows[i]?.households) > 0 ? Number(rows[i]?.households) : Math.round(d.population / PEOPLE_PER_HOUSEHOLD),
        })),
      )}::json) AS j(id int, population int, households int)
      WHERE a.id = j.id AND (a.population <> j.population OR a.households <> j.households)`);
    // A root made from districts without figures has population 0: it becomes their sum.
    await exec.rows(sql`
      UPDATE areas p SET population = s.population, households = s.households
      FROM (SELECT parent_id, sum(population)::int AS population, sum(households)::int AS households
            FROM areas WHERE level = 'district' AND parent_id IS NOT NULL GROUP BY parent_id) s
      WHERE p.id = s.parent_id AND p.population = 0`);
    const [first] = districts;
    const facts: CityFacts = {
      city: { code: '', name: '', nameEn: '', center: first?.centroid ?? [0, 0], population: districts.reduce((a, d) => a + d.population, 0) },
      districts,
    };
    const density = createDensity(facts, seed);
    const placed: Placed[] = districts.map((d, i) => ({
      id: Number(rows[i]?.id),
      code: d.code,
      name: { name: d.name, nameEn: d.nameEn },
      population: d.population,
      households: Number(rows[i]?.households) > 0 ? Number(rows[i]?.households) : Math.round(d.population / PEOPLE_PER_HOUSEHOLD),
      district: d,
      book: new NameBook(createRng(hashSeed(seed, 'names', d.code))),
      budget: districtBudget(d, scale),
    }));
    return { districts: districts.map((d) => d.code), ...(await buildBelowDistricts(exec, placed, density, seed)) };
  });
  return { seed, scale, ...result, ms: Math.round(performance.now() - started) };
}

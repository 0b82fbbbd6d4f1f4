import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';

/**
 * A city of square unit grids, for tests and benchmarks that must not depend
 * on the demo seeder: a G×G lattice (G = 8 × gridsPerCommunity) split 2×2 into
 * districts, each 2×2 into streets, each 2×2 into communities, each into
 * gridsPerCommunity² grids. Population falls off from the centre, so
 * population weighting has something to do. Codes follow the 6+3+3+3 scheme.
 */
export interface SyntheticCityOptions {
  /** Grids along one side of a community (default 4 → 1,024 grids). */
  gridsPerCommunity?: number;
  /** Side of a grid in metres (default 450). */
  gridM?: number;
  /** South-west corner [lng, lat] (default central Guiyang). */
  origin?: [number, number];
}

interface AreaSpec {
  code: string;
  name: string;
  parent: string | null;
  population: number;
  w: number;
  s: number;
  e: number;
  n: number;
}

const LEVELS = ['city', 'district', 'street', 'community', 'grid'] as const;
const pad3 = (n: number) => String(n).padStart(3, '0');

export function syntheticCitySpecs(options: SyntheticCityOptions = {}): AreaSpec[][] {
  const k = options.gridsPerCommunity ?? 4;
  const gridM = options.gridM ?? 450;
  const [lng0, lat0] = options.origin ?? [106.6, 26.55];
  const size = 8 * k;
  const dLat = gridM / 110_574;
  const dLng = gridM / (111_320 * Math.cos((lat0 * Math.PI) / 180));
  const box = (x0: number, y0: number, span: number) => ({
    w: lng0 + x0 * dLng,
    s: lat0 + y0 * dLat,
    e: lng0 + (x0 + span) * dLng,
    n: lat0 + (y0 + span) * dLat,
  });
  const spread = 0.3 * size;
  const populationAt = (x: number, y: number) => {
    const r2 = (x + 0.5 - size / 2) ** 2 + (y + 0.5 - size / 2) ** 2;
    return Math.round(200 + 2800 * Math.exp(-r2 / (2 * spread * spread)));
  };

  const levels: AreaSpec[][] = [[], [], [], [], []];
  const city: AreaSpec = { code: '520100', name: '合成市', parent: null, population: 0, ...box(0, 0, size) };
  levels[0]!.push(city);
  const half = size / 2;
  // Children of each block: 2×2 at the upper levels, k×k for grids.
  for (let d = 0; d < 4; d++) {
    const [dx, dy] = [(d % 2) * half, Math.floor(d / 2) * half];
    const district: AreaSpec = { code: `5201${90 + d + 1}`, name: `合成${d + 1}区`, parent: city.code, population: 0, ...box(dx, dy, half) };
    levels[1]!.push(district);
    for (let st = 0; st < 4; st++) {
      const [sx, sy] = [dx + (st % 2) * (half / 2), dy + Math.floor(st / 2) * (half / 2)];
      const street: AreaSpec = { code: `${district.code}${pad3(st + 1)}`, name: `${district.name}${st + 1}街道`, parent: district.code, population: 0, ...box(sx, sy, half / 2) };
      levels[2]!.push(street);
      for (let c = 0; c < 4; c++) {
        const [cx, cy] = [sx + (c % 2) * k, sy + Math.floor(c / 2) * k];
        const community: AreaSpec = { code: `${street.code}${pad3(c + 1)}`, name: `${street.name}${c + 1}社区`, parent: street.code, population: 0, ...box(cx, cy, k) };
        levels[3]!.push(community);
        for (let g = 0; g < k * k; g++) {
          const [gx, gy] = [cx + (g % k), cy + Math.floor(g / k)];
          const population = populationAt(gx, gy);
          levels[4]!.push({ code: `${community.code}${pad3(g + 1)}`, name: `${community.name}第${g + 1}网格`, parent: community.code, population, ...box(gx, gy, 1) });
          for (const parent of [community, street, district, city]) parent.population += population;
        }
      }
    }
  }
  return levels;
}

/** Inserts the synthetic city level by level in one transaction; returns the number of grids. */
export async function insertSyntheticCity(database: Database, options: SyntheticCityOptions = {}): Promise<number> {
  const levels = syntheticCitySpecs(options);
  await database.transaction(async (tx) => {
    for (const [index, specs] of levels.entries()) {
      await tx.rows(sql`
        INSERT INTO areas (code, name, level, parent_id, path, population, area_m2, geom)
        SELECT i.code, i.name, ${LEVELS[index]!}, p.id, coalesce(p.path, '{}') || i.code, i.population,
               round(ST_Area(ST_MakeEnvelope(i.w, i.s, i.e, i.n, 4326)::geography))::bigint,
               ST_Multi(ST_MakeEnvelope(i.w, i.s, i.e, i.n, 4326))
        FROM jsonb_to_recordset(${JSON.stringify(specs)}::jsonb)
          AS i(code text, name text, parent text, population int, w float8, s float8, e float8, n float8)
        LEFT JOIN areas p ON p.code = i.parent`);
    }
  });
  return levels[4]!.length;
}

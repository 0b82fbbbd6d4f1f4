import { sql } from 'drizzle-orm';
import type { Database } from '../client';
import { createDensity, type Density } from './density';
import { districtShapes, stageDistricts } from './districts';
import { CITY_FACTS, type DistrictFacts } from './facts';
import { childrenOf, insertLevel, type AreaSpec } from './levels';
import { gridName, NameBook, type AreaName, type CommunityType, type StreetType } from './names';
import { districtBudget, PEOPLE_PER_HOUSEHOLD, type Budget } from './plan';
import { allocate, createRng, hashSeed } from './random';
import { seedResponders, type StreetRef } from './responders';
import { inTransaction, type Exec } from './sql';
import { multiPolygonFrom } from '../spatial';

/**
 * The demo city: a synthetic but plausible Guiyang, 市 → 10 real districts →
 * streets → communities → unit grids, every level tiling its parent exactly,
 * plus responders. Same seed, same city (codes, names, geometries).
 *
 * Idempotency: seeding a database that already has areas (or responders) is
 * refused unless `replace: true`. Replace deletes every responder and area and
 * rebuilds, but only when no case points at a grid or responder (cases are
 * real work and must never be orphaned by a demo reset); otherwise it is
 * refused too. Everything runs in one transaction: a failure leaves the
 * database as it was.
 */
export interface SeedOptions {
  seed?: number;
  /** Multiplies area counts (default 1, about 3,700 grids); 0.05 gives a few hundred grids for tests. */
  scale?: number;
  replace?: boolean;
}

export interface SeedSummary {
  seed: number;
  scale: number;
  districts: number;
  streets: number;
  communities: number;
  grids: number;
  responders: number;
  population: number;
  ms: number;
}

export class SeedError extends Error {
  override name = 'SeedError';
}

export async function seedDemoCity(database: Database, options: SeedOptions = {}): Promise<SeedSummary> {
  const seed = options.seed ?? 1;
  const scale = options.scale ?? 1;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new SeedError(`seed must be a non-negative integer, got ${seed}`);
  if (!(scale > 0 && scale <= 10)) throw new SeedError(`scale must be in (0, 10], got ${scale}`);
  const started = performance.now();
  const counts = await inTransaction(database, async (exec) => {
    await clearOrRefuse(exec, options.replace === true);
    return buildCity(exec, seed, scale);
  });
  return { seed, scale, ...counts, ms: Math.round(performance.now() - started) };
}

async function clearOrRefuse(exec: Exec, replace: boolean): Promise<void> {
  // Two seeders (say, two app processes starting on an empty database) queue here instead of racing on codes.
  await exec.rows(sql`LOCK TABLE areas, responders IN SHARE ROW EXCLUSIVE MODE`);
  const [existing] = await exec.rows<{ areas: number; responders: number }>(sql`
    SELECT (SELECT count(*)::int FROM areas) AS areas, (SELECT count(*)::int FROM responders) AS responders`);
  const areas = Number(existing?.areas ?? 0);
  const responders = Number(existing?.responders ?? 0);
  if (areas === 0 && responders === 0) return;
  if (!replace) {
    throw new SeedError(
      `database already holds ${areas} areas and ${responders} responders; pass replace: true (--replace) to rebuild the demo city`,
    );
  }
  const [refs] = await exec.rows<{ n: number }>(
    sql`SELECT count(*)::int AS n FROM cases WHERE grid_id IS NOT NULL OR assignee_id IS NOT NULL`,
  );
  if (Number(refs?.n ?? 0) > 0) {
    throw new SeedError(`refusing to replace the city: ${refs?.n} cases reference its grids or responders`);
  }
  // Accounts, displays and API clients are bound to areas; rebuilding the city would orphan them.
  const [bound] = await exec.rows<{ n: number }>(sql`
    SELECT (SELECT count(*)::int FROM users) + (SELECT count(*)::int FROM display_tokens)
         + (SELECT count(*)::int FROM api_clients) AS n`);
  if (Number(bound?.n ?? 0) > 0) {
    throw new SeedError(`refusing to replace the city: ${bound?.n} accounts, display tokens or API clients are bound to its areas`);
  }
  await exec.rows(sql`DELETE FROM responders WHERE true`);
  // One statement: parent_id references are checked at its end, when every row is gone.
  await exec.rows(sql`DELETE FROM areas WHERE true`);
}

/** An area placed in the database, with what generating its children needs. */
export interface Placed {
  id: number;
  code: string;
  name: AreaName;
  population: number;
  households: number;
  district: DistrictFacts;
  book: NameBook;
  budget: Budget;
  streetType?: StreetType;
}

type Counts = Omit<SeedSummary, 'seed' | 'scale' | 'ms'>;

async function buildCity(exec: Exec, seed: number, scale: number): Promise<Counts> {
  const facts = CITY_FACTS;
  const density = createDensity(facts, seed);
  const shapes = districtShapes(facts, seed);

  const population = facts.districts.reduce((a, d) => a + d.population, 0);
  const households = Math.round(population / PEOPLE_PER_HOUSEHOLD);
  const { city } = facts;
  const [cityRow] = await exec.rows<{ id: number }>(sql`
    INSERT INTO areas (code, name, name_en, level, parent_id, path, population, households, area_m2, geom)
    SELECT ${city.code}, ${city.name}, ${city.nameEn}, 'city', NULL, ARRAY[${city.code}]::text[], ${population}::int,
           ${households}::int, round(ST_Area(g::geography))::bigint, g
    FROM (SELECT ${multiPolygonFrom(shapes.city)} AS g) u
    RETURNING id`);
  if (!cityRow) throw new Error('city row not inserted');
  const cityId = Number(cityRow.id);
  await stageDistricts(exec, cityId, shapes.districts);
  const districtHouseholds = allocate(households, facts.districts.map((d) => d.population));
  const districtSpecs: AreaSpec[] = facts.districts.map((d, i) => ({
    parentId: cityId,
    idx: i,
    code: d.code,
    name: d.name,
    nameEn: d.nameEn,
    population: d.population,
    households: districtHouseholds[i] ?? 0,
  }));
  const districtIds = await insertLevel(exec, 'district', districtSpecs);
  const districts: Placed[] = facts.districts.map((d, i) => ({
    id: districtIds.get(d.code) ?? 0,
    code: d.code,
    name: { name: d.name, nameEn: d.nameEn },
    population: d.population,
    households: districtHouseholds[i] ?? 0,
    district: d,
    book: new NameBook(createRng(hashSeed(seed, 'names', d.code))),
    budget: districtBudget(d, scale),
  }));

  return { districts: districts.length, ...(await buildBelowDistricts(exec, districts, density, seed)), population };
}

/**
 * Streets, communities, unit grids and their responders inside placed
 * districts, each level tiling its parent (subdivide.ts). Shared by the demo
 * city and by seeding inside imported real districts (within.ts).
 */
export async function buildBelowDistricts(
  exec: Exec,
  districts: Placed[],
  density: Density,
  seed: number,
): Promise<{ streets: number; communities: number; grids: number; responders: number }> {
  const streets = await streetLevel(exec, districts, density, seed);
  const communities = await communityLevel(exec, streets, density, seed);
  const grids = await gridLevel(exec, communities, density, seed);

  const streetRefs: StreetRef[] = streets.map((s) => ({
    code: s.code,
    name: s.name.name,
    districtCode: s.district.code,
    districtName: s.district.name,
    grids: grids.filter((g) => g.code.startsWith(s.code)),
  }));
  const responders = await seedResponders(exec, streetRefs, seed);
  return { streets: streets.length, communities: communities.length, grids: grids.length, responders };
}

/** Rank of each child by density, densest first: the urban core of a county gets the 街道 and 社区 names. */
function densityRanks(children: readonly { density: number; n: number }[]): Map<number, number> {
  const sorted = [...children].sort((a, b) => b.density - a.density || a.n - b.n);
  return new Map(sorted.map((c, rank) => [c.n, rank]));
}

function streetType(district: DistrictFacts, rank: number, total: number, roll: number): StreetType {
  if (district.kind === 'urban') return '街道';
  const subdistricts = district.kind === 'mixed' ? Math.ceil(total * 0.4) : Math.max(1, Math.round(total * 0.15));
  if (rank < subdistricts) return '街道';
  return roll < (district.kind === 'mixed' ? 0.15 : 0.3) ? '乡' : '镇';
}

async function streetLevel(exec: Exec, districts: Placed[], density: Density, seed: number): Promise<Placed[]> {
  const levels = await childrenOf(exec, districts, (d) => d.budget.streets, density, seed);
  const specs: AreaSpec[] = [];
  const made: Omit<Placed, 'id'>[] = [];
  for (const { parent, children } of levels) {
    const rng = createRng(hashSeed(seed, 'street-types', parent.code));
    const ranks = densityRanks(children);
    const pops = children.map((c) => c.population);
    const communities = allocate(parent.budget.communities, pops, 2);
    const extraGrids = allocate(Math.max(0, parent.budget.grids - communities.reduce((a, n) => a + n, 0)), pops);
    children.forEach((child, i) => {
      const rank = ranks.get(child.n) ?? 0;
      const type = streetType(parent.district, rank, children.length, rng.next());
      const roadNamed = type === '街道' && parent.district.kind === 'urban' && rng.chance(0.4);
      const name = parent.book.street(type, roadNamed);
      specs.push({ parentId: parent.id, idx: child.idx, code: child.code, ...name, population: child.population, households: child.households });
      made.push({
        code: child.code,
        name,
        population: child.population,
        households: child.households,
        district: parent.district,
        book: parent.book,
        budget: { streets: 0, communities: communities[i] ?? 2, grids: (communities[i] ?? 2) + (extraGrids[i] ?? 0) },
        streetType: type,
      });
    });
  }
  const ids = await insertLevel(exec, 'street', specs);
  return made.map((m) => ({ ...m, id: ids.get(m.code) ?? 0 }));
}

async function communityLevel(exec: Exec, streets: Placed[], density: Density, seed: number): Promise<Placed[]> {
  const levels = await childrenOf(exec, streets, (s) => s.budget.communities, density, seed);
  const specs: AreaSpec[] = [];
  const made: Omit<Placed, 'id'>[] = [];
  for (const { parent, children } of levels) {
    const ranks = densityRanks(children);
    const extraGrids = allocate(Math.max(0, parent.budget.grids - children.length), children.map((c) => c.population));
    children.forEach((child, i) => {
      // Towns have one 社区 at their seat, villages around it; 街道 and urban districts have only 社区.
      const type: CommunityType = parent.streetType === '街道' || ranks.get(child.n) === 0 ? '社区' : '村';
      const name = parent.book.community(type);
      specs.push({ parentId: parent.id, idx: child.idx, code: child.code, ...name, population: child.population, households: child.households });
      made.push({
        code: child.code,
        name,
        population: child.population,
        households: child.households,
        district: parent.district,
        book: parent.book,
        budget: { streets: 0, communities: 0, grids: 1 + (extraGrids[i] ?? 0) },
      });
    });
  }
  const ids = await insertLevel(exec, 'community', specs);
  return made.map((m) => ({ ...m, id: ids.get(m.code) ?? 0 }));
}

async function gridLevel(
  exec: Exec,
  communities: Placed[],
  density: Density,
  seed: number,
): Promise<{ code: string; communityName: string }[]> {
  const levels = await childrenOf(exec, communities, (c) => c.budget.grids, density, seed);
  const specs: AreaSpec[] = [];
  const made: { code: string; communityName: string }[] = [];
  for (const { parent, children } of levels) {
    for (const child of children) {
      const name = gridName(parent.name, child.n);
      specs.push({ parentId: parent.id, idx: child.idx, code: child.code, ...name, population: child.population, households: child.households });
      made.push({ code: child.code, communityName: parent.name.name });
    }
  }
  await insertLevel(exec, 'grid', specs);
  return made;
}

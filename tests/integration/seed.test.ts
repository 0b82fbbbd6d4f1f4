import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client';
import { seedDemoCity, SeedError, type SeedSummary } from '../../db/seed/city';
import { CITY_FACTS } from '../../db/seed/facts';
import { districtBudget } from '../../db/seed/plan';
import { GRID_SIZE } from '../../db/seed/sql';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db';
import { responderOfUser } from '../../db/queries/responders';
import { findUserByLogin } from '../../db/queries/users';
import { scopeOf } from '../../db/scope';
import { UNIT_DEPARTMENTS } from '../../db/seed/responders';
import { seedDemoAccounts } from '../../server/auth/demo-accounts';
import { NANMING } from '../../server/auth/demo-secrets';

/**
 * The demo city must be a real tiling at every level, the same city for the
 * same seed, and dense where people are. Geometric checks run in PostGIS.
 *
 * Overlays in the checks use the seed's 1e-12° grid (snap-rounding): PGlite's
 * PostGIS cannot run GEOS's exception-based fallbacks for floating overlays of
 * nearly coincident borders and returns an empty result instead
 * (electric-sql/pglite#916). Every check therefore also counts its rows, so an
 * empty answer can never pass for "no problem found".
 */
const SCALE = 0.05;
const SEED = 7;
const TOLERANCE = 1e-9;

async function fingerprint(database: Database): Promise<{ areas: string; responders: string; count: number }> {
  const [row] = await database.rows<{ areas: string; responders: string; count: number }>(sql`
    SELECT
      (SELECT md5(string_agg(code || '|' || name || '|' || level || '|' || population || '|' || md5(ST_AsBinary(geom)), ',' ORDER BY code))
         FROM areas) AS areas,
      (SELECT md5(string_agg(code || '|' || name || '|' || status || '|' || ST_AsText(geom), ',' ORDER BY code))
         FROM responders) AS responders,
      (SELECT count(*)::int FROM areas) AS count`);
  if (!row) throw new Error('no fingerprint');
  return row;
}

describe('demo city plan', () => {
  it('targets 3,000–6,000 grids at full scale and keeps every level at small scales', () => {
    const full = CITY_FACTS.districts.reduce((a, d) => a + districtBudget(d, 1).grids, 0);
    expect(full).toBeGreaterThanOrEqual(3000);
    expect(full).toBeLessThanOrEqual(6000);
    for (const d of CITY_FACTS.districts) {
      const tiny = districtBudget(d, 0.001);
      expect(tiny.streets).toBeGreaterThanOrEqual(2);
      expect(tiny.communities).toBeGreaterThanOrEqual(2 * tiny.streets);
      expect(tiny.grids).toBeGreaterThan(tiny.communities);
    }
  });
});

for (const kind of DB_KINDS) {
  describe(`demo city seed on ${kind}`, () => {
    let test: TestDatabase;
    let database: Database;
    let summary: SeedSummary;

    beforeAll(async () => {
      test = await createTestDatabase(kind);
      database = test.database;
      summary = await seedDemoCity(database, { seed: SEED, scale: SCALE });
    });
    afterAll(async () => {
      await test?.drop();
    });

    it('builds every level in every district', async () => {
      expect(summary).toMatchObject({ districts: 10, population: 6_000_000 });
      expect(summary.grids).toBeGreaterThan(100);
      expect(summary.grids).toBeLessThan(600);
      const rows = await database.rows<{ level: string; n: number }>(
        sql`SELECT level, count(*)::int AS n FROM areas GROUP BY level`,
      );
      const counts = Object.fromEntries(rows.map((r) => [r.level, r.n]));
      expect(counts).toEqual({
        city: 1,
        district: 10,
        street: summary.streets,
        community: summary.communities,
        grid: summary.grids,
      });
      const perDistrict = await database.rows<{ code: string; name: string; streets: number; communities: number; grids: number }>(sql`
        SELECT d.code, d.name,
               count(*) FILTER (WHERE a.level = 'street')::int AS streets,
               count(*) FILTER (WHERE a.level = 'community')::int AS communities,
               count(*) FILTER (WHERE a.level = 'grid')::int AS grids
        FROM areas d JOIN areas a ON a.path[2] = d.code AND a.id <> d.id
        WHERE d.level = 'district' GROUP BY d.code, d.name ORDER BY d.code`);
      expect(perDistrict.map((d) => [d.code, d.name])).toEqual(CITY_FACTS.districts.map((d) => [d.code, d.name]).sort());
      for (const d of perDistrict) {
        expect(d.streets).toBeGreaterThanOrEqual(2);
        expect(d.communities).toBeGreaterThanOrEqual(d.streets);
        expect(d.grids).toBeGreaterThanOrEqual(d.communities);
      }
    });

    it('stores valid MultiPolygons in SRID 4326 with their geodesic areas', async () => {
      const [row] = await database.rows<{ n: number; valid: number; srid: number; multi: number; area_ok: number }>(sql`
        SELECT count(*)::int AS n,
               count(*) FILTER (WHERE ST_IsValid(geom))::int AS valid,
               count(*) FILTER (WHERE ST_SRID(geom) = 4326)::int AS srid,
               count(*) FILTER (WHERE GeometryType(geom) = 'MULTIPOLYGON' AND NOT ST_IsEmpty(geom))::int AS multi,
               count(*) FILTER (WHERE area_m2 > 0 AND abs(area_m2 - ST_Area(geom::geography)) <= 1)::int AS area_ok
        FROM areas`);
      const total = 1 + 10 + summary.streets + summary.communities + summary.grids;
      expect(row).toEqual({ n: total, valid: total, srid: total, multi: total, area_ok: total });
    });

    it('tiles every parent with its children: union equals parent', async () => {
      const rows = await database.rows<{ code: string; level: string; children: number; gap: number }>(sql`
        SELECT p.code, p.level, u.children,
               ST_Area(ST_SymDifference(u.geom, p.geom, ${GRID_SIZE}::float8)) / ST_Area(p.geom) AS gap
        FROM areas p
        CROSS JOIN LATERAL (
          SELECT count(*)::int AS children, ST_Union(c.geom, ${GRID_SIZE}::float8) AS geom FROM areas c WHERE c.parent_id = p.id
        ) u
        WHERE p.level <> 'grid'`);
      expect(rows).toHaveLength(1 + 10 + summary.streets + summary.communities);
      for (const row of rows) {
        expect(row.children, row.code).toBeGreaterThan(0);
        expect(row.gap, `${row.level} ${row.code}`).toBeLessThan(TOLERANCE);
      }
    });

    it('never lets siblings overlap', async () => {
      const [row] = await database.rows<{ pairs: number; worst: number; total: number; interiors: number }>(sql`
        SELECT count(*)::int AS pairs,
               COALESCE(max(x.area / ST_Area(p.geom)), 0) AS worst,
               COALESCE(sum(x.area / ST_Area(p.geom)), 0) AS total,
               count(*) FILTER (WHERE x.interiors)::int AS interiors
        FROM areas a
        JOIN areas b ON b.parent_id = a.parent_id AND a.id < b.id AND a.geom && b.geom
        JOIN areas p ON p.id = a.parent_id
        CROSS JOIN LATERAL (
          SELECT ST_Area(ST_Intersection(a.geom, b.geom, ${GRID_SIZE}::float8)) AS area,
                 ST_Relate(a.geom, b.geom, '2********') AS interiors
        ) x`);
      // Neighbours touch (there are many candidate pairs) but share no area.
      expect(row?.pairs).toBeGreaterThan(summary.grids);
      expect(row?.worst).toBeLessThan(TOLERANCE);
      expect(row?.total).toBeLessThan(TOLERANCE);
      expect(row?.interiors).toBe(0);
    });

    it('codes and paths follow the hierarchy (6 + 3 + 3 + 3 digits)', async () => {
      const rows = await database.rows<{ level: string; n: number; ok: number }>(sql`
        SELECT c.level, count(*)::int AS n,
               count(*) FILTER (WHERE
                 length(c.code) = CASE c.level WHEN 'district' THEN 6 WHEN 'street' THEN 9 WHEN 'community' THEN 12 ELSE 15 END
                 AND c.code ~ '^[0-9]+$'
                 AND (c.level = 'district' OR c.code LIKE p.code || '___')
                 AND c.path = p.path || c.code
                 AND cardinality(c.path) = CASE c.level WHEN 'district' THEN 2 WHEN 'street' THEN 3 WHEN 'community' THEN 4 ELSE 5 END
               )::int AS ok
        FROM areas c JOIN areas p ON p.id = c.parent_id
        GROUP BY c.level`);
      expect(rows).toHaveLength(4);
      for (const row of rows) expect(row.ok, row.level).toBe(row.n);
      const [city] = await database.rows<{ code: string; path: string[]; parent_id: number | null }>(
        sql`SELECT code, path, parent_id FROM areas WHERE level = 'city'`,
      );
      expect(city).toEqual({ code: '520100', path: ['520100'], parent_id: null });
    });

    it('numbers children 001… without gaps, and names grids after their community', async () => {
      const rows = await database.rows<{ bad: number; badnames: number }>(sql`
        SELECT
          (SELECT count(*)::int FROM (
             SELECT parent_id, max(right(code, 3)::int) AS top, count(*) AS n FROM areas
             WHERE level IN ('street', 'community', 'grid') GROUP BY parent_id
           ) x WHERE top <> n) AS bad,
          (SELECT count(*)::int FROM areas g JOIN areas c ON c.id = g.parent_id
           WHERE g.level = 'grid' AND g.name <> c.name || '第' || right(g.code, 3)::int || '网格') AS badnames`);
      expect(rows[0]).toEqual({ bad: 0, badnames: 0 });
    });

    it('shares population and households exactly down the tree', async () => {
      const [row] = await database.rows<{ parents: number; pop_ok: number; hh_ok: number }>(sql`
        SELECT count(*)::int AS parents,
               count(*) FILTER (WHERE p.population = s.population)::int AS pop_ok,
               count(*) FILTER (WHERE p.households = s.households)::int AS hh_ok
        FROM areas p
        CROSS JOIN LATERAL (SELECT sum(population) AS population, sum(households) AS households FROM areas c WHERE c.parent_id = p.id) s
        WHERE p.level <> 'grid'`);
      const parents = 1 + 10 + summary.streets + summary.communities;
      expect(row).toEqual({ parents, pop_ok: parents, hh_ok: parents });
      const [ratio] = await database.rows<{ r: number }>(sql`SELECT sum(population)::float8 / sum(households) AS r FROM areas WHERE level = 'grid'`);
      expect(ratio?.r).toBeCloseTo(2.8, 1);
    });

    it('makes urban grids smaller than rural ones', async () => {
      const rows = await database.rows<{ code: string; km2: number }>(sql`
        SELECT path[2] AS code, avg(area_m2)::float8 / 1e6 AS km2 FROM areas WHERE level = 'grid' GROUP BY path[2]`);
      const kindOf = new Map(CITY_FACTS.districts.map((d) => [d.code, d.kind]));
      const mean = (kind: string): number => {
        const of = rows.filter((r) => kindOf.get(r.code) === kind).map((r) => Number(r.km2));
        return of.reduce((a, b) => a + b, 0) / of.length;
      };
      expect(rows).toHaveLength(10);
      expect(mean('urban') * 5).toBeLessThan(mean('rural'));
    });

    it('places one grid worker per grid and crews per street, each inside its home grid', async () => {
      const [row] = await database.rows<{ n: number; workers: number; inside: number; on_duty: number; grids_covered: number }>(sql`
        SELECT count(*)::int AS n,
               count(*) FILTER (WHERE r.role = 'grid_worker')::int AS workers,
               count(*) FILTER (WHERE ST_Covers(g.geom, r.geom))::int AS inside,
               count(*) FILTER (WHERE r.status = 'on_duty')::int AS on_duty,
               count(DISTINCT r.home_grid_id) FILTER (WHERE r.role = 'grid_worker')::int AS grids_covered
        FROM responders r JOIN areas g ON g.id = r.home_grid_id AND g.level = 'grid'`);
      expect(row?.n).toBe(summary.responders);
      expect(summary.responders).toBe(summary.grids + 3 * summary.streets + 10 * UNIT_DEPARTMENTS.length);
      expect(row?.workers).toBe(summary.grids);
      expect(row?.grids_covered).toBe(summary.grids);
      expect(row?.inside).toBe(summary.responders);
      expect(row?.on_duty).toBeGreaterThan(summary.responders * 0.7);
    });

    it('gives every district a field unit of every department, and street crews their departments', async () => {
      const units = await database.rows<{ district: string; departments: string[] }>(sql`
        SELECT g.path[2] AS district, array_agg(r.department ORDER BY r.department) AS departments
        FROM responders r JOIN areas g ON g.id = r.home_grid_id
        WHERE r.role = 'unit' AND r.code = 'UN' || g.path[2] || upper(r.department)
        GROUP BY g.path[2] ORDER BY 1`);
      expect(units.map((u) => u.district)).toEqual(CITY_FACTS.districts.map((d) => d.code).sort());
      const all = UNIT_DEPARTMENTS.map((d) => d.code).sort();
      for (const u of units) expect(u.departments, u.district).toEqual(all);
      const crews = await database.rows<{ role: string; department: string | null; n: number }>(sql`
        SELECT role, department, count(*)::int AS n FROM responders WHERE code !~ '^UN[0-9]+[A-Z]+$'
        GROUP BY role, department ORDER BY role, department NULLS FIRST`);
      expect(crews).toEqual([
        { role: 'grid_worker', department: null, n: summary.grids },
        { role: 'officer', department: 'cgj', n: summary.streets },
        { role: 'officer', department: 'gaj', n: summary.streets },
        { role: 'unit', department: 'yjj', n: summary.streets },
      ]);
    });

    it('refuses to seed over an existing city unless asked to replace', async () => {
      await expect(seedDemoCity(database, { seed: SEED, scale: SCALE })).rejects.toThrow(SeedError);
      await expect(seedDemoCity(database, { seed: SEED, scale: SCALE })).rejects.toThrow(/replace/);
    });

    it('refuses to replace a city that cases point at, and leaves it intact', async () => {
      const before = await fingerprint(database);
      await database.rows(sql`
        INSERT INTO cases (kind, channel, external_id, category, geom, grid_id, area_codes, reported_at)
        SELECT 'incident', 'grid_worker', 'seed-test-1', '0102', ST_PointOnSurface(geom), id, path, now()
        FROM areas WHERE level = 'grid' ORDER BY code LIMIT 1`);
      try {
        await expect(seedDemoCity(database, { seed: SEED, scale: SCALE, replace: true })).rejects.toThrow(/cases reference/);
      } finally {
        await database.rows(sql`DELETE FROM cases WHERE external_id = 'seed-test-1'`);
      }
      expect(await fingerprint(database)).toEqual(before);
    });

    it('is deterministic: the same seed in a fresh database gives the same city, another seed another', async () => {
      const districtShapes = (db: Database) =>
        db.rows<{ code: string; shape: string }>(
          sql`SELECT code, md5(ST_AsBinary(geom)) AS shape FROM areas WHERE level = 'district' ORDER BY code`,
        );
      const original = await fingerprint(database);
      const originalShapes = await districtShapes(database);
      const fresh = await createTestDatabase(kind);
      try {
        await seedDemoCity(fresh.database, { seed: SEED, scale: SCALE });
        expect(await fingerprint(fresh.database)).toEqual(original);
        await seedDemoCity(fresh.database, { seed: SEED + 1, scale: SCALE, replace: true });
        expect((await fingerprint(fresh.database)).areas).not.toBe(original.areas);
        const otherShapes = await districtShapes(fresh.database);
        expect(otherShapes.map((d) => d.code)).toEqual(originalShapes.map((d) => d.code));
        otherShapes.forEach((d, i) => expect(d.shape, d.code).not.toBe(originalShapes[i]?.shape));
      } finally {
        await fresh.drop();
      }
    }, 300_000);

    // Last: demo accounts bind the city (replace is refused from here on).
    it('links the demo grid worker to a responder based in its jurisdiction, once', async () => {
      const env = { NODE_ENV: 'test' };
      await seedDemoAccounts(database, env);
      const city = scopeOf(CITY_FACTS.city.code);
      const user = await findUserByLogin(database, city, 'nm-grid');
      expect(user?.areaCode.startsWith(NANMING)).toBe(true);
      const responder = await responderOfUser(database, user!.id);
      expect(responder).toMatchObject({ role: 'grid_worker' });
      const [home] = await database.rows<{ path: string[] }>(sql`SELECT path FROM areas WHERE code = ${responder!.homeGrid}`);
      expect(home?.path).toContain(user!.areaCode);
      // Nobody else was linked: the other demo accounts are desk roles.
      const [linked] = await database.rows<{ n: number; total: number }>(sql`
        SELECT count(*) FILTER (WHERE user_id IS NOT NULL)::int AS n, count(*)::int AS total FROM responders`);
      expect(linked).toEqual({ n: 1, total: summary.responders });

      // Again: nothing changes. An account from before the link existed gets linked on the next run.
      await seedDemoAccounts(database, env);
      expect(await responderOfUser(database, user!.id)).toEqual(responder);
      await database.rows(sql`UPDATE responders SET user_id = NULL WHERE user_id = ${user!.id}::int`);
      await seedDemoAccounts(database, env);
      expect(await responderOfUser(database, user!.id)).toEqual(responder);
      const [after] = await database.rows<{ total: number }>(sql`SELECT count(*)::int AS total FROM responders`);
      expect(after?.total).toBe(summary.responders);
    });
  });
}

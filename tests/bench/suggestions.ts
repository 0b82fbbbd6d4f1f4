import { sql } from 'drizzle-orm';
import type { DatabaseKind } from '../../db/client';
import { findCaseById } from '../../db/queries/cases';
import { findDepartmentResponders, findNearestAvailable, findTerritorialResponders } from '../../db/queries/responders';
import { seedDemoCity } from '../../db/seed/city';
import { scopeOf } from '../../db/scope';
import { suggestRouting, TERRITORIAL_LIMIT } from '../../server/services/routing';
import { createTestDatabase } from '../helpers/db';
import { fillCases } from './scope';
import { distribution, type Distribution } from './stats';

/**
 * Routing help per case: the nearest available responders by KNN on the GiST
 * index (then exact on the spheroid), and the whole suggestions answer (department,
 * territorial, by department, nearest, each with workload), beside the bare
 * engine: a plain `ORDER BY ST_Distance(geography) LIMIT k` over the same
 * responders (a distance on geography cannot walk the GiST index: every on-duty
 * responder in scope is measured and sorted — the ordering without the index). The demo city at a small scale, topped up to `responders`
 * responders spread over the districts, some with open assigned cases.
 */
export interface SuggestionsResult {
  engine: DatabaseKind;
  responders: number;
  cases: number;
  target: string;
  ms: Distribution;
}

const CITY = '520100';

export async function benchSuggestions(
  engine: DatabaseKind,
  options: { responders: number; samples: number; k: number },
): Promise<SuggestionsResult[]> {
  const test = await createTestDatabase(engine);
  const { database } = test;
  try {
    await seedDemoCity(database, { seed: 1, scale: 0.2 });
    const [have] = await database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM responders`);
    const more = Math.max(0, options.responders - Number(have?.n ?? 0));
    // Top up with officers at random points of the districts, their home grid the grid under them; 80 % on duty.
    await database.rows(sql`
      WITH pts AS (
        SELECT (ST_Dump(ST_GeneratePoints(d.geom, ${Math.ceil(more / 10) + 1}::int, 7))).geom AS geom FROM areas d WHERE d.level = 'district'),
      numbered AS (SELECT row_number() OVER () AS n, geom FROM pts LIMIT ${more}::int)
      INSERT INTO responders (code, name, role, department, home_grid_id, status, geom, position_at)
      SELECT 'BENCH' || n, '测试' || n, 'officer', (ARRAY['cgj', 'gaj', 'swj', 'zjj'])[1 + n % 4],
             (SELECT a.id FROM areas a WHERE a.level = 'grid' AND ST_Intersects(a.geom, numbered.geom) ORDER BY a.id LIMIT 1),
             CASE WHEN n % 5 = 0 THEN 'busy' ELSE 'on_duty' END, geom, now()
      FROM numbered`);
    const cases = 20_000;
    await fillCases(database, cases);
    // A quarter of the cases are dispatched, to the first third of the responders.
    await database.rows(sql`
      UPDATE cases c SET status = 'dispatched', assignee_id = r.id
      FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS total FROM responders) r
      WHERE c.id % 4 = 0 AND r.n = (c.id / 4) % greatest(1, r.total / 3)`);
    await database.rows(sql`ANALYZE responders`);
    await database.rows(sql`ANALYZE cases`);
    const [count] = await database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM responders`);
    const ids = (await database.rows<{ id: number }>(sql`SELECT id FROM cases ORDER BY md5(id::text) LIMIT ${options.samples}::int`)).map((r) => Number(r.id));
    const scope = scopeOf(CITY);
    const k = options.k;

    const targets: Array<[string, (id: number) => Promise<unknown>]> = [
      [`bare ORDER BY ST_Distance(geography) LIMIT ${k}`, (id) =>
        database.rows(sql`
          SELECT r.id, ST_Distance(r.geom::geography, c.geom::geography) AS d
          FROM responders r JOIN areas g ON g.id = r.home_grid_id CROSS JOIN cases c
          WHERE c.id = ${id}::bigint AND r.status = 'on_duty' AND r.geom IS NOT NULL AND g.path @> ARRAY[${CITY}::text]
          ORDER BY d, r.id LIMIT ${k}::int`)],
      [`nearest: KNN <-> then exact, k=${k}, with workload`, (id) => findNearestAvailable(database, scope, id, k)],
      ['territorial (grid, else community, else street)', (id) => findTerritorialResponders(database, scope, id, TERRITORIAL_LIMIT)],
      [`byDepartment (cgj), k=${k}`, (id) => findDepartmentResponders(database, scope, id, 'cgj', k)],
      [`whole suggestions answer (4 reads), k=${k}`, async (id) => {
        const found = await findCaseById(database, scope, id);
        return suggestRouting(database, scope, found!, k);
      }],
    ];
    const results: SuggestionsResult[] = [];
    for (const [target, work] of targets) {
      for (const id of ids.slice(0, 10)) await work(id); // warm caches and plans
      const ms: number[] = [];
      for (const id of ids) {
        const started = performance.now();
        await work(id);
        ms.push(performance.now() - started);
      }
      results.push({ engine, responders: Number(count?.n ?? 0), cases, target, ms: distribution(ms) });
    }
    return results;
  } finally {
    await test.drop();
  }
}

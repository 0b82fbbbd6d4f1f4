import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nearestAvailableQuery } from '../../db/queries/responders';
import type { CaseSuggestions, ResponderView } from '../../db/records';
import { scopeOf } from '../../db/scope';
import { ensureUser, signIn } from '../helpers/auth';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db';
import { appeal, FIXTURE, incident, insertFixtureCity } from '../helpers/fixtures';
import { getJson, postJson, startTestServer } from '../helpers/server';

/**
 * Routing help (GET /api/cases/{id}/suggestions) against independent answers:
 * the nearest available responders against a plain ORDER BY ST_Distance on
 * geography, workloads against a plain count, departments against the catalogue,
 * and the caller's jurisdiction. A reserved corner of the fixture city (west
 * grids 9, 10, 13, 14: lng 106.60–106.62, lat 26.50–26.52) holds hand-placed
 * responders; random ones fill the rest of the city.
 */
const WEST_COMMUNITY = `${FIXTURE.west}001001`;
const grid = (community: string, k: number) => `${community}${String(k).padStart(3, '0')}`;

/** The trap case: E is 0.0100° east (≈ 995 m), N 0.0095° north (≈ 1,052 m). Planar KNN puts N first; metres put E first. */
const TRAP: [number, number] = [106.603, 26.503];
const EAST_OF_TRAP: [number, number] = [106.613, 26.503];
const NORTH_OF_TRAP: [number, number] = [106.603, 26.5125];

/** `at` places the responder (and finds its home grid) unless `home` names the grid; `unplaced` hides the position. */
type Spec = { code: string; role: string; department: string | null; status: string; at: [number, number] | null; home?: string; unplaced?: boolean };

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomResponders(count: number): Spec[] {
  const next = rng(42);
  const [w, s, e, n] = FIXTURE.bbox;
  const specs: Spec[] = [];
  while (specs.length < count) {
    const lng = w + next() * (e - w);
    const lat = s + next() * (n - s);
    if (lng < 106.62 && lat < 26.52) continue; // the reserved corner
    const roll = next();
    const role = roll < 0.5 ? 'grid_worker' : roll < 0.8 ? 'officer' : 'unit';
    const department = role === 'grid_worker' ? null : (['cgj', 'swj', 'gaj'] as const)[Math.floor(next() * 3)]!;
    const st = next();
    const status = st < 0.7 ? 'on_duty' : st < 0.85 ? 'busy' : 'off_duty';
    specs.push({ code: `R${specs.length}`, role, department, status, at: [lng, lat], unplaced: next() < 0.1 });
  }
  return specs;
}

async function addResponders(t: TestDatabase, specs: Spec[]): Promise<Map<string, number>> {
  const rows = await t.database.rows<{ id: number; code: string }>(sql`
    INSERT INTO responders (code, name, role, department, home_grid_id, status, geom, position_at)
    SELECT j.code, '测试' || j.code, j.role, j.department,
           coalesce((SELECT id FROM areas WHERE code = j.home),
                    (SELECT id FROM areas WHERE level = 'grid' AND ST_Covers(geom, ST_SetSRID(ST_MakePoint(j.lng, j.lat), 4326)) ORDER BY id LIMIT 1)),
           j.status,
           CASE WHEN j.lng IS NULL OR j.unplaced THEN NULL ELSE ST_SetSRID(ST_MakePoint(j.lng, j.lat), 4326) END,
           CASE WHEN j.lng IS NULL OR j.unplaced THEN NULL ELSE now() END
    FROM json_to_recordset(${JSON.stringify(
      specs.map((s) => ({ code: s.code, role: s.role, department: s.department, status: s.status, lng: s.at?.[0] ?? null, lat: s.at?.[1] ?? null, home: s.home ?? null, unplaced: s.unplaced === true })),
    )}::json) AS j(code text, role text, department text, status text, lng float8, lat float8, home text, unplaced boolean)
    RETURNING id, code`);
  return new Map(rows.map((r) => [r.code, Number(r.id)]));
}

/** The expected nearest: a plain ORDER BY ST_Distance on geography, no index tricks. */
async function expectedNearest(t: TestDatabase, caseId: number, scope: string, k: number) {
  return t.database.rows<{ id: number; d: number }>(sql`
    SELECT r.id, ST_Distance(r.geom::geography, c.geom::geography) AS d
    FROM responders r JOIN areas g ON g.id = r.home_grid_id CROSS JOIN cases c
    WHERE c.id = ${caseId}::bigint AND r.status = 'on_duty' AND r.geom IS NOT NULL AND g.path @> ARRAY[${scope}::text]
    ORDER BY d, r.id LIMIT ${k}::int`);
}

function sameNearest(got: ResponderView[], expected: Array<{ id: number; d: number }>): void {
  expect(got.map((r) => r.id)).toEqual(expected.map((e) => Number(e.id)));
  got.forEach((r, i) => expect(Math.abs(r.distanceM! - Number(expected[i]!.d))).toBeLessThan(1));
}

describe.each(DB_KINDS)('routing help on %s', (kind) => {
  let t: TestDatabase;
  let app: Awaited<ReturnType<typeof startTestServer>>['app'];
  let base: string;
  let ids: Map<string, number>;
  let eastDispatcher: Record<string, string>;
  const cases: Record<string, number> = {};

  const createCase = async (body: Record<string, unknown>): Promise<number> => {
    const res = await postJson(base, '/api/cases', body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return (res.body as { case: { id: number } }).case.id;
  };
  const suggest = async (id: number, query = '', headers: Record<string, string> = {}) =>
    getJson<CaseSuggestions & { error?: { code: string } }>(base, `/api/cases/${id}/suggestions${query}`, headers);

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await insertFixtureCity(t.database);
    ({ app, base } = await startTestServer(t.database));
    ids = await addResponders(t, [
      ...randomResponders(80),
      { code: 'E', role: 'officer', department: 'swj', status: 'on_duty', at: EAST_OF_TRAP },
      { code: 'N', role: 'unit', department: 'swj', status: 'on_duty', at: NORTH_OF_TRAP },
      // In the trap case's own grid: never "available", always territorial.
      { code: 'X', role: 'grid_worker', department: null, status: 'off_duty', at: TRAP },
      { code: 'Y', role: 'officer', department: 'gaj', status: 'on_duty', at: null, home: grid(WEST_COMMUNITY, 13) },
      { code: 'B', role: 'unit', department: 'swj', status: 'busy', at: [106.6031, 26.5031] },
      // Just across the district border from a west case at lng 106.6395.
      { code: 'BORDER', role: 'unit', department: 'cgj', status: 'on_duty', at: [106.6405, 26.535] },
    ]);
    await ensureUser(t.database, 'route-east', 'dispatcher', FIXTURE.east);
    eastDispatcher = { cookie: await signIn(base, 'route-east') };
    cases.trap = await createCase(incident('route-trap', ...TRAP, { category: '0501' }));
    cases.emptyGrid = await createCase(incident('route-empty-grid', 106.615, 26.515));
    cases.border = await createCase(incident('route-border', 106.6395, 26.535));
    cases.east = await createCase(incident('route-east', 106.655, 26.525));
    cases.noise = await createCase(appeal('route-noise', 106.65, 26.52));
    cases.noTopic = await createCase(appeal('route-no-topic', 106.65, 26.521, { topic: undefined }));
  });

  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('nearest: the k nearest on-duty responders with a position, exactly as a plain ST_Distance ordering', async () => {
    const next = rng(7);
    const [w, s, e, n] = FIXTURE.bbox;
    for (let i = 0; i < 6; i++) {
      const id = await createCase(incident(`route-rand-${i}`, w + next() * (e - w), s + next() * (n - s)));
      for (const k of [1, 5, 20]) {
        const res = await suggest(id, `?k=${k}`);
        expect(res.status).toBe(200);
        expect(res.body.nearest).toHaveLength(k);
        sameNearest(res.body.nearest, await expectedNearest(t, id, FIXTURE.city, k));
        for (const r of res.body.nearest) {
          expect(r.status).toBe('on_duty');
          expect(r.lng).not.toBeNull();
        }
      }
    }
    // Default k is 5.
    expect((await suggest(cases.east!)).body.nearest).toHaveLength(5);
  });

  it('nearest is by metres, not by degrees: E (995 m east) before N (1,052 m north); off-duty, busy and position-less are left out', async () => {
    const one = await suggest(cases.trap!, '?k=1');
    expect(one.body.nearest.map((r) => r.code)).toEqual(['E']);
    const two = await suggest(cases.trap!, '?k=2');
    expect(two.body.nearest.map((r) => r.code)).toEqual(['E', 'N']);
    expect(two.body.nearest[0]!.distanceM).toBeGreaterThan(990);
    expect(two.body.nearest[0]!.distanceM).toBeLessThan(1000);
    sameNearest(two.body.nearest, await expectedNearest(t, cases.trap!, FIXTURE.city, 2));
    const all = await suggest(cases.trap!, '?k=20');
    const codes = all.body.nearest.map((r) => r.code);
    for (const out of ['X', 'Y', 'B']) expect(codes).not.toContain(out);
  });

  it('territorial: the case grid first (any status), else its community; grid workers first', async () => {
    const trap = await suggest(cases.trap!);
    expect(trap.body.territorialLevel).toBe('grid');
    // X the grid worker first, then by distance: B (busy, ≈ 15 m), Y (no position) last.
    expect(trap.body.territorial.map((r) => r.code)).toEqual(['X', 'B', 'Y']);
    expect(trap.body.territorial[0]).toMatchObject({ status: 'off_duty', homeGrid: grid(WEST_COMMUNITY, 13), distanceM: 0 });
    expect(trap.body.territorial[2]).toMatchObject({ distanceM: null, lng: null, lat: null, positionAt: null });

    const empty = await suggest(cases.emptyGrid!);
    expect(empty.body.territorialLevel).toBe('community');
    const ring = empty.body.territorial;
    expect(ring.length).toBeGreaterThan(3);
    expect(ring.length).toBeLessThanOrEqual(20);
    for (const r of ring) expect(r.homeGrid.startsWith(WEST_COMMUNITY)).toBe(true);
    const firstOther = ring.findIndex((r) => r.role !== 'grid_worker');
    if (firstOther >= 0) expect(ring.slice(firstOther).every((r) => r.role !== 'grid_worker')).toBe(true);
  });

  it('department by category (an appeal topic first); byDepartment: its on-duty responders, nearest first', async () => {
    const trap = await suggest(cases.trap!, '?k=20');
    expect(trap.body.department).toEqual({ code: 'swj', name: '水务局', nameEn: 'Water Affairs Bureau' });
    const expected = await t.database.rows<{ id: number }>(sql`
      SELECT r.id FROM responders r CROSS JOIN cases c
      WHERE c.id = ${cases.trap!}::bigint AND r.department = 'swj' AND r.status = 'on_duty'
      ORDER BY ST_Distance(r.geom::geography, c.geom::geography) NULLS LAST, r.id LIMIT 20`);
    expect(trap.body.byDepartment.map((r) => r.id)).toEqual(expected.map((r) => Number(r.id)));
    expect(trap.body.byDepartment.slice(0, 2).map((r) => r.code)).toEqual(['E', 'N']);
    expect(trap.body.byDepartment.map((r) => r.code)).not.toContain('B');

    expect((await suggest(cases.east!)).body.department?.code).toBe('cgj'); // 0102 暴露垃圾
    expect((await suggest(cases.noise!)).body.department?.code).toBe('gaj'); // 投诉 · 噪音扰民
    const desk = await suggest(cases.noTopic!);
    expect(desk.body.department?.code).toBe('rx'); // the 12345 desk: no field units
    expect(desk.body.byDepartment).toEqual([]);
  });

  it('open workload: each responder counts its open assigned cases, as a plain count says', async () => {
    const assign = async (externalId: string, code: string, status: string) => {
      const id = await createCase(incident(externalId, 106.66, 26.505));
      await t.database.rows(sql`UPDATE cases SET assignee_id = ${ids.get(code)!}::int, status = ${status} WHERE id = ${id}::bigint`);
    };
    await assign('route-w1', 'E', 'dispatched');
    await assign('route-w2', 'E', 'in_progress');
    await assign('route-w3', 'E', 'closed');
    await assign('route-w4', 'N', 'handled');
    await assign('route-w5', 'X', 'suspended');
    const res = await suggest(cases.trap!, '?k=20');
    const shown = [...res.body.nearest, ...res.body.territorial, ...res.body.byDepartment];
    const counts = await t.database.rows<{ id: number; n: number }>(sql`
      SELECT r.id, count(c.id)::int AS n FROM responders r
      LEFT JOIN cases c ON c.assignee_id = r.id AND c.status NOT IN ('closed', 'rejected', 'merged', 'reported', 'registered', 'returned')
      GROUP BY r.id`);
    const expected = new Map(counts.map((c) => [Number(c.id), c.n]));
    for (const r of shown) expect(r.openCases, r.code).toBe(expected.get(r.id));
    const byCode = new Map(shown.map((r) => [r.code, r.openCases]));
    expect([byCode.get('E'), byCode.get('N'), byCode.get('X')]).toEqual([2, 1, 1]);
  });

  it('jurisdiction: a case outside is 404; only responders based inside are suggested', async () => {
    const outside = await suggest(cases.trap!, '', eastDispatcher);
    expect(outside.status).toBe(404);
    expect(outside.body.error?.code).toBe('NOT_FOUND');
    expect((await getJson(base, `/api/cases/${cases.trap!}/duplicates`, eastDispatcher)).status).toBe(404);

    const inside = await suggest(cases.east!, '?k=20', eastDispatcher);
    expect(inside.status).toBe(200);
    for (const r of [...inside.body.nearest, ...inside.body.territorial, ...inside.body.byDepartment]) {
      expect(r.homeGrid.startsWith(FIXTURE.east)).toBe(true);
    }
    sameNearest(inside.body.nearest, await expectedNearest(t, cases.east!, FIXTURE.east, 20));

    // BORDER (east) is 100 m from the west border case: the city sees it first; nobody west of it sees it at all.
    const city = await suggest(cases.border!, '?k=1');
    expect(city.body.nearest.map((r) => r.code)).toEqual(['BORDER']);
    await ensureUser(t.database, 'route-west', 'dispatcher', FIXTURE.west);
    const west = await suggest(cases.border!, '?k=20', { cookie: await signIn(base, 'route-west') });
    expect(west.body.nearest.map((r) => r.code)).not.toContain('BORDER');
    sameNearest(west.body.nearest, await expectedNearest(t, cases.border!, FIXTURE.west, 20));
  });

  it('refuses a bad k and unknown cases without a 500', async () => {
    for (const k of ['0', '21', 'abc', '2.5']) expect((await suggest(cases.east!, `?k=${k}`)).status).toBe(400);
    expect((await suggest(987654321)).status).toBe(404);
  });

  it('with 5,000 responders: KNN walks responders_geom_gist and still matches the plain ordering', async () => {
    await t.database.rows(sql`
      INSERT INTO responders (code, name, role, status, home_grid_id, geom, position_at)
      SELECT 'BULK' || i, '批量' || i, 'officer', CASE WHEN i % 5 = 0 THEN 'busy' ELSE 'on_duty' END,
             (SELECT id FROM areas WHERE level = 'grid' ORDER BY id OFFSET (i % 32) LIMIT 1),
             ST_SetSRID(ST_MakePoint(106.6 + ((i * 7919) % 10007) / 10007.0 * 0.08, 26.5 + ((i * 104729) % 10009) / 10009.0 * 0.04), 4326),
             now()
      FROM generate_series(1, 5000) AS i`);
    await t.database.rows(sql`ANALYZE responders`);
    const plan = await t.database.rows<{ 'QUERY PLAN': string }>(sql`EXPLAIN ${nearestAvailableQuery(scopeOf(FIXTURE.city), cases.east!, 5)}`);
    const text = plan.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toMatch(/Index Scan using responders_geom_gist/);
    expect(text).toMatch(/Order By: \(geom <-> /);
    for (const id of [cases.east!, cases.trap!, cases.border!]) {
      sameNearest((await suggest(id, '?k=20')).body.nearest, await expectedNearest(t, id, FIXTURE.city, 20));
    }
  });
});

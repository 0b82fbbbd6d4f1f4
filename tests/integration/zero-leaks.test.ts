import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client';
import { seedDemoCity } from '../../db/seed/city';
import { DISPLAY_COOKIE } from '../../server/auth/authenticate';
import type { Snapshot } from '../../server/protocol/rest';
import type { FeedEvent } from '../../server/protocol/wire';
import { ensureUser, makeApiKey, makeDisplayToken, signIn } from '../helpers/auth';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db';
import { appeal, incident } from '../helpers/fixtures';
import { FeedClient, postJson, startTestServer } from '../helpers/server';

/**
 * Zero leaks, zero misses. A seeded demo city gets 10,000+ cases over every
 * district (and a few strays outside the city), posted through the real intake in
 * batches. Actors at city, district, street and grid level, a district wall display
 * and a district API client then read everything they can — snapshot per layer,
 * areas, single cases, the audit log, socket replay and live frames — and each
 * must see exactly the set an INDEPENDENT PostGIS query returns for its area:
 * ST_Intersects of the case point with the actor's area geometry (never the
 * area_codes column the code reads). The one rule that is not pure geometry is
 * written down here: a point outside every grid belongs to the city desk (the
 * root area), as db/queries/cases.ts documents.
 */
const CITY = '520100';
const PER_DISTRICT = 1000;
const STRAYS = 60;
const BATCH = 5000;

type Expected = { incidents: number[]; recentAppeals: number[]; openAppeals: number[]; all: number[]; allIncidents: number[]; alerts: number[] };

interface ActorUnderTest {
  name: string;
  area: string;
  level: string;
  headers: Record<string, string>;
  /** Map readers have snapshot, areas and sockets; the API client reads single cases only. */
  mapReader: boolean;
  /** A wall display may not read single cases (cases.read): the matrix test covers that refusal. */
  readsCases: boolean;
  /** Cleared for individual appeals (appeals.individual): else its map layers are incidents, hotspots, alerts (issue 11). */
  cleared: boolean;
  admin?: boolean;
}

const sorted = (ids: Iterable<number | string>) => [...ids].map(Number).sort((a, b) => a - b);

/** The independent answer: which cases and alerts lie in the area, by geometry alone. */
async function expectedFor(database: Database, area: string, afterCaseId = 0): Promise<Expected> {
  const cases = await database.rows<{ id: number; kind: string; status: string; recent: boolean }>(sql`
    WITH a AS (SELECT geom, parent_id IS NULL AS root FROM areas WHERE code = ${area})
    SELECT c.id::int AS id, c.kind, c.status, c.reported_at > now() - interval '24 hours' AS recent
    FROM cases c CROSS JOIN a
    WHERE c.id > ${afterCaseId}::bigint
      AND (ST_Intersects(a.geom, c.geom)
           OR (a.root AND NOT EXISTS (SELECT 1 FROM areas g WHERE g.level = 'grid' AND ST_Intersects(g.geom, c.geom))))`);
  const alerts = await database.rows<{ id: number }>(sql`
    WITH a AS (SELECT geom, parent_id IS NULL AS root FROM areas WHERE code = ${area})
    SELECT al.id::int AS id FROM alerts al CROSS JOIN a WHERE a.root OR (ST_Intersects(a.geom, al.geom) AND NOT ST_Touches(a.geom, al.geom))`);
  const open = (c: { status: string }) => !['closed', 'evaluated', 'rejected'].includes(c.status);
  return {
    incidents: sorted(cases.filter((c) => c.kind === 'incident' && open(c)).map((c) => c.id)),
    recentAppeals: sorted(cases.filter((c) => c.kind === 'appeal' && c.recent).map((c) => c.id)),
    openAppeals: sorted(cases.filter((c) => c.kind === 'appeal' && open(c)).map((c) => c.id)),
    all: sorted(cases.map((c) => c.id)),
    allIncidents: sorted(cases.filter((c) => c.kind === 'incident').map((c) => c.id)),
    alerts: sorted(alerts.map((a) => a.id)),
  };
}

/** Areas of one level whose interior point lies in the scope's geometry. */
async function expectedAreas(database: Database, area: string, level: string): Promise<string[]> {
  const rows = await database.rows<{ code: string }>(sql`
    SELECT g.code FROM areas g, areas a
    WHERE a.code = ${area} AND g.level = ${level} AND ST_Contains(a.geom, ST_PointOnSurface(g.geom)) ORDER BY g.code`);
  return rows.map((r) => r.code);
}

/** Case inputs at the given points: two incidents to one appeal; one appeal in nine is 30 hours old. */
function inputsAt(points: Array<{ lng: number; lat: number }>, prefix: string) {
  const now = Date.now();
  return points.map((p, i) => {
    const reportedAt = new Date(now - (i % 3 === 0 && i % 9 === 0 ? 30 * 3600_000 : (i % 600) * 60_000)).toISOString();
    return i % 3 === 0 ? appeal(`${prefix}-${i}`, p.lng, p.lat, { reportedAt }) : incident(`${prefix}-${i}`, p.lng, p.lat, { reportedAt });
  });
}

/** Deterministic random points in every district (ST_GeneratePoints with a seed), plus strays east of the city. */
async function pointsAcrossTheCity(database: Database, perDistrict: number, strays: number, seed: number) {
  const inside = await database.rows<{ lng: number; lat: number }>(sql`
    SELECT ST_X(p.geom) AS lng, ST_Y(p.geom) AS lat
    FROM areas d, LATERAL ST_Dump(ST_GeneratePoints(d.geom, ${perDistrict}::int, ${seed}::int)) p
    WHERE d.level = 'district' ORDER BY d.code, p.path`);
  const [box] = await database.rows<{ e: number; s: number; n: number }>(
    sql`SELECT ST_XMax(geom) AS e, ST_YMin(geom) AS s, ST_YMax(geom) AS n FROM areas WHERE code = ${CITY}`,
  );
  const outside = Array.from({ length: strays }, (_, i) => ({
    lng: box!.e + 0.01 + (i % 10) * 0.004,
    lat: box!.s + ((box!.n - box!.s) * (i + 0.5)) / strays,
  }));
  return [...inside, ...outside];
}

/** A small square alert polygon well inside one grid (its interior point), so geometry alone says where it is. */
async function alertInGrid(database: Database, gridCode: string, id: string) {
  const [p] = await database.rows<{ lng: number; lat: number }>(
    sql`SELECT ST_X(ST_PointOnSurface(geom)) AS lng, ST_Y(ST_PointOnSurface(geom)) AS lat FROM areas WHERE code = ${gridCode}`,
  );
  const d = 0.0005;
  const { lng, lat } = p!;
  return {
    externalId: id,
    eventType: 'MET_RAINSTORM',
    headline: `暴雨预警 ${id}`,
    severity: 'Severe',
    urgency: 'Expected',
    certainty: 'Likely',
    geometry: { type: 'Polygon', coordinates: [[[lng - d, lat - d], [lng + d, lat - d], [lng + d, lat + d], [lng - d, lat + d], [lng - d, lat - d]]] },
  };
}

/** A large alert box around the city centre: it crosses several districts, so several jurisdictions share it. */
async function alertAcrossDistricts(database: Database, id: string, half: number) {
  const [c] = await database.rows<{ lng: number; lat: number }>(
    sql`SELECT ST_X(ST_Centroid(geom)) AS lng, ST_Y(ST_Centroid(geom)) AS lat FROM areas WHERE code = ${CITY}`,
  );
  const { lng, lat } = c!;
  return {
    externalId: id,
    eventType: 'MET_RAINSTORM',
    headline: `暴雨预警 ${id}`,
    severity: 'Severe',
    urgency: 'Expected',
    certainty: 'Likely',
    geometry: { type: 'Polygon', coordinates: [[[lng - half, lat - half], [lng + half, lat - half], [lng + half, lat + half], [lng - half, lat + half], [lng - half, lat - half]]] },
  };
}

async function postBatches(base: string, inputs: unknown[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < inputs.length; i += BATCH) {
    const res = await postJson(base, '/api/cases/batch', { cases: inputs.slice(i, i + BATCH) });
    if (res.status !== 200) throw new Error(`batch ${i}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    ids.push(...(res.body.results as Array<{ id: number }>).map((r) => Number(r.id)));
  }
  return ids;
}

for (const kind of DB_KINDS) {
  describe(`zero leaks over REST and Socket.IO (${kind})`, () => {
    let t: TestDatabase;
    let base: string;
    let app: Awaited<ReturnType<typeof startTestServer>>['app'];
    let actors: ActorUnderTest[];
    let grids: { districtA: string; street: string; grid: string; otherGrids: string[] };

    beforeAll(async () => {
      t = await createTestDatabase(kind);
      await seedDemoCity(t.database, { seed: 1, scale: 0.1 });
      ({ app, base } = await startTestServer(t.database, 0, { publisher: { frameMs: 20, pollMs: 200, maxReplay: 50_000 } }));

      const points = await pointsAcrossTheCity(t.database, PER_DISTRICT, STRAYS, 1);
      expect(points.length).toBeGreaterThanOrEqual(10_000);
      await postBatches(base, inputsAt(points, 'leak'));

      // Pick a street of 南明区 and a grid in it that have cases; alerts in grids of different districts.
      const [street] = await t.database.rows<{ code: string }>(sql`
        SELECT s.code FROM areas s JOIN cases c ON c.area_codes @> ARRAY[s.code]
        WHERE s.level = 'street' AND s.path @> ARRAY['520102'] GROUP BY s.code ORDER BY count(*) DESC, s.code LIMIT 1`);
      const [grid] = await t.database.rows<{ code: string }>(sql`
        SELECT g.code FROM areas g JOIN cases c ON c.grid_id = g.id
        WHERE g.level = 'grid' AND g.path @> ARRAY[${street!.code}] GROUP BY g.code ORDER BY count(*) DESC, g.code LIMIT 1`);
      const others = await t.database.rows<{ code: string }>(sql`
        SELECT DISTINCT ON (g.path[2]) g.code FROM areas g WHERE g.level = 'grid' AND g.code <> ${grid!.code} ORDER BY g.path[2], g.code`);
      grids = { districtA: '520102', street: street!.code, grid: grid!.code, otherGrids: others.map((o) => o.code) };
      for (const [i, code] of [grid!.code, ...grids.otherGrids].entries()) {
        const res = await postJson(base, '/api/alerts', await alertInGrid(t.database, code, `leak-alert-${i}`));
        expect(res.status).toBe(201);
      }
      expect((await postJson(base, '/api/alerts', await alertAcrossDistricts(t.database, 'leak-alert-wide', 0.08))).status).toBe(201);

      const user = async (login: string, role: Parameters<typeof ensureUser>[2], area: string) => {
        await ensureUser(t.database, login, role, area);
        return { cookie: await signIn(base, login) };
      };
      const level = async (code: string) =>
        (await t.database.rows<{ level: string }>(sql`SELECT level FROM areas WHERE code = ${code}`))[0]!.level;
      const display = await makeDisplayToken(t.database, 'leak wall', '520112');
      const apiKey = await makeApiKey(t.database, 'leak client', '520111', ['hotline_12345']);
      actors = [
        { name: 'city leader', area: CITY, headers: await user('leak-city', 'leader', CITY), mapReader: true },
        { name: 'district dispatcher', area: '520102', headers: await user('leak-district', 'dispatcher', '520102'), mapReader: true },
        { name: 'district admin', area: '520103', headers: await user('leak-admin', 'admin', '520103'), mapReader: true, admin: true },
        { name: 'street duty officer', area: grids.street, headers: await user('leak-street', 'duty_officer', grids.street), mapReader: true },
        { name: 'grid worker', area: grids.grid, headers: await user('leak-grid', 'grid_worker', grids.grid), mapReader: true },
        { name: 'district display', area: '520112', headers: { cookie: `${DISPLAY_COOKIE}=${display}` }, mapReader: true },
        { name: 'district API client', area: '520111', headers: { authorization: `Bearer ${apiKey}` }, mapReader: false },
      ].map((a) => ({ ...a, level: '', readsCases: a.name !== 'district display', cleared: a.name !== 'district display' && a.name !== 'city leader' }));
      for (const a of actors) a.level = await level(a.area);
    });

    afterAll(async () => {
      await app?.close();
      await t?.drop();
    });

    const get = async <T>(path: string, headers: Record<string, string>) => {
      const res = await fetch(base + path, { headers });
      return { status: res.status, body: (await res.json()) as T & { error?: { code: string } } };
    };

    it('the seeded data reaches every district, has strays, and every actor has something to see', async () => {
      const perDistrict = await t.database.rows<{ code: string; n: number }>(sql`
        SELECT d.code, count(c.id)::int AS n FROM areas d LEFT JOIN cases c ON ST_Intersects(d.geom, c.geom)
        WHERE d.level = 'district' GROUP BY d.code`);
      expect(perDistrict).toHaveLength(10);
      for (const d of perDistrict) expect(d.n, d.code).toBeGreaterThan(PER_DISTRICT / 2);
      const [{ strays }] = (await t.database.rows<{ strays: number }>(sql`SELECT count(*)::int AS strays FROM cases WHERE grid_id IS NULL`)) as [{ strays: number }];
      expect(strays).toBe(STRAYS);
      const [{ districts }] = (await t.database.rows<{ districts: number }>(sql`
        SELECT count(*)::int AS districts FROM areas d, alerts al
        WHERE d.level = 'district' AND al.external_id = 'leak-alert-wide' AND ST_Intersects(d.geom, al.geom)`)) as [{ districts: number }];
      expect(districts).toBeGreaterThan(1);
      for (const a of actors) {
        const e = await expectedFor(t.database, a.area);
        expect(e.incidents.length, a.name).toBeGreaterThan(0);
        expect(e.recentAppeals.length, a.name).toBeGreaterThan(0);
        expect(e.all.length, a.name).toBeLessThan(a.area === CITY ? Infinity : 10_000);
      }
    });

    it('snapshot: each actor sees exactly its area, for every layer alone and together', async () => {
      const wrong: string[] = [];
      for (const a of actors.filter((x) => x.mapReader)) {
        const e = await expectedFor(t.database, a.area);
        if (!a.cleared) expect((await get(`/api/snapshot?layers=incidents,appeals,alerts`, a.headers)).status, a.name).toBe(403);
        const layerSets = a.cleared ? ['incidents,appeals,alerts', 'incidents', 'appeals', 'alerts'] : ['incidents,hotspots,alerts', 'incidents', 'hotspots', 'alerts'];
        for (const layers of layerSets) {
          const res = await get<Snapshot>(`/api/snapshot?layers=${layers}&limit=20000`, a.headers);
          expect(res.status, `${a.name} ${layers}`).toBe(200);
          const s = res.body;
          const want = (layer: string, ids: number[]) => (layers.split(',').includes(layer) ? ids : []);
          const cmp = (what: string, got: number[], expected: number[]) => {
            const g = new Set(got);
            const x = new Set(expected);
            const leaks = got.filter((id) => !x.has(id)).length;
            const misses = expected.filter((id) => !g.has(id)).length;
            if (leaks || misses || got.length !== expected.length) wrong.push(`${a.name} [${layers}] ${what}: ${leaks} leaks, ${misses} misses (${got.length} vs ${expected.length})`);
          };
          cmp('incidents', sorted(s.incidents.map((c) => c.id)), want('incidents', e.incidents));
          cmp('appeals', sorted(s.appeals.map((c) => c.id)), want('appeals', e.recentAppeals));
          cmp('alerts', sorted(s.alerts.map((al) => al.id)), want('alerts', e.alerts));
          expect(s.truncated).toBe(false);
          expect(s.totals.openIncidents, a.name).toBe(e.incidents.length);
          expect(s.totals.openAppeals, a.name).toBe(e.openAppeals.length);
          const gridCount = Object.values(s.openByGrid).reduce((n, c) => n + c.incidents + c.appeals, 0);
          if (layers.includes('appeals')) expect(gridCount, a.name).toBe(e.incidents.length + e.openAppeals.length);
          else {
            // Without individual appeals (a shared screen): exact incidents per grid; a grid's appeals only from k = 3 up (appeals-aggregate.test.ts).
            expect(Object.values(s.openByGrid).reduce((n, c) => n + c.incidents, 0), a.name).toBe(e.incidents.length);
            expect(Object.values(s.openByGrid).filter((c) => c.appeals > 0 && c.appeals < 3), a.name).toEqual([]);
          }
        }
      }
      expect(wrong).toEqual([]);
    });

    it('snapshot narrowed to an area inside the jurisdiction equals that area; outside is 404', async () => {
      const city = actors.find((a) => a.area === CITY)!;
      const district = actors.find((a) => a.name === 'district dispatcher')!;
      const gridWorker = actors.find((a) => a.name === 'grid worker')!;
      const narrowed = await get<Snapshot>(`/api/snapshot?area=${grids.street}&limit=20000`, district.headers);
      expect(narrowed.status).toBe(200);
      const e = await expectedFor(t.database, grids.street);
      expect(sorted(narrowed.body.incidents.map((c) => c.id))).toEqual(e.incidents);
      expect(sorted(narrowed.body.appeals.map((c) => c.id))).toEqual(e.recentAppeals);
      expect((await get(`/api/snapshot?area=520102&limit=20000`, city.headers)).status).toBe(200);
      for (const [actor, outside] of [
        [district, '520103'],
        [district, CITY],
        [gridWorker, grids.street],
        [gridWorker, grids.otherGrids[0]!],
      ] as const) {
        const res = await get(`/api/snapshot?area=${outside}`, actor.headers);
        expect(`${actor.name} → ${outside}: ${res.status} ${res.body.error?.code}`).toBe(`${actor.name} → ${outside}: 404 NOT_FOUND`);
      }
    });

    it('areas: each level lists exactly the areas inside the jurisdiction, none above it', async () => {
      const levels = ['city', 'district', 'street', 'community', 'grid'];
      for (const a of actors.filter((x) => x.mapReader)) {
        const own = levels.indexOf(a.level);
        for (const [i, level] of levels.entries()) {
          const res = await get<{ features: Array<{ properties: { code: string } }> }>(`/api/areas?level=${level}`, a.headers);
          expect(res.status).toBe(200);
          const got = res.body.features.map((f) => f.properties.code).sort();
          const expected = i < own ? [] : await expectedAreas(t.database, a.area, level);
          expect(got, `${a.name} ${level}`).toEqual(expected);
          if (i >= own) expect(got.length, `${a.name} ${level}`).toBeGreaterThan(0);
        }
      }
    });

    it('GET /api/cases/{id}: 200 inside the jurisdiction, 404 outside, for a sample of each', async () => {
      const all = sorted((await t.database.rows<{ id: number }>(sql`SELECT id::int AS id FROM cases`)).map((r) => r.id));
      const wrong: string[] = [];
      const readers = actors.filter((a) => a.readsCases);
      expect(readers.length).toBe(actors.length - 1);
      for (const a of readers) {
        const e = await expectedFor(t.database, a.area);
        const inside = new Set(e.all);
        const outside = all.filter((id) => !inside.has(id));
        const sample = (ids: number[], n: number) => ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / n)) === 0).slice(0, n);
        const picks = [...sample(e.all, 40), ...sample(outside, 40)];
        expect(picks.length, a.name).toBeGreaterThan(a.area === CITY ? 30 : 60);
        for (const id of picks) {
          const res = await get<{ case?: { id: number } }>(`/api/cases/${id}`, a.headers);
          const want = inside.has(id) ? 200 : 404;
          if (res.status !== want || (want === 200 && Number(res.body.case?.id) !== id)) wrong.push(`${a.name} case ${id}: ${res.status}, expected ${want}`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it('audit: an admin lists the reveals of cases in its district and none elsewhere', async () => {
      const admin = actors.find((a) => a.admin)!;
      const revealed: Record<string, number> = {};
      for (const district of [admin.area, '520102']) {
        const [p] = await t.database.rows<{ lng: number; lat: number }>(sql`
          SELECT ST_X(ST_PointOnSurface(g.geom)) AS lng, ST_Y(ST_PointOnSurface(g.geom)) AS lat
          FROM areas g, areas d WHERE d.code = ${district} AND g.level = 'grid' AND ST_Contains(d.geom, ST_PointOnSurface(g.geom))
          ORDER BY g.code LIMIT 1`);
        const created = await postJson(base, '/api/cases', incident(`audit-${district}`, p!.lng, p!.lat, { reporter: { name: '王五', phone: '13900001111' } }));
        expect(created.status).toBe(201);
        const id = Number((created.body.case as { id: number }).id);
        expect((await postJson(base, `/api/cases/${id}/contact/reveal`, { reason: '回访核实情况' })).status).toBe(200);
        revealed[district] = id;
      }
      expect((await expectedFor(t.database, admin.area)).all).toContain(revealed[admin.area]);
      expect((await expectedFor(t.database, admin.area)).all).not.toContain(revealed['520102']);
      const res = await get<{ entries: Array<{ action: string; targetId: string | null; areaCodes: string[] }> }>(`/api/admin/audit?limit=500`, admin.headers);
      expect(res.status).toBe(200);
      const reveals = res.body.entries.filter((row) => row.action === 'contacts.reveal').map((row) => Number(row.targetId));
      expect(reveals).toEqual([revealed[admin.area]]);
      expect(res.body.entries.filter((row) => !row.areaCodes.includes(admin.area))).toEqual([]);
      expect((await get(`/api/admin/audit?area=520102`, admin.headers)).status).toBe(404);
    });

    it('socket replay from seq 0 carries exactly each actor’s cases and alerts', async () => {
      const wrong: string[] = [];
      for (const a of actors.filter((x) => x.mapReader)) {
        const client = new FeedClient(base, { layers: a.cleared ? ['incidents', 'appeals', 'alerts'] : ['incidents', 'hotspots', 'alerts'] }, a.headers);
        try {
          await client.connected();
          const ack = await client.subscribe(0);
          if (!ack.ok) throw new Error(`${a.name}: ${JSON.stringify(ack)}`);
          expect(ack.data.mode, a.name).toBe('replay');
          expect(ack.data.area, a.name).toBe(a.area);
          await client.until(() => client.lastSeq >= ack.data.head);
          const e = await expectedFor(t.database, a.area);
          const cases = sorted(client.applied.filter((ev) => ev.topic === 'case.created').map((ev) => (ev.payload as { id: number }).id));
          const alerts = sorted(client.applied.filter((ev) => ev.topic === 'alert.created').map((ev) => (ev.payload as { id: number }).id));
          diff(wrong, `${a.name} replay cases`, cases, a.cleared ? e.all : e.allIncidents);
          diff(wrong, `${a.name} replay alerts`, alerts, e.alerts);
          expect(client.duplicates).toBe(0);
        } finally {
          client.close();
        }
      }
      expect(wrong).toEqual([]);
    });

    it('socket subscriptions: outside the jurisdiction (or unknown) → FORBIDDEN; a sub-area replays exactly that sub-area', async () => {
      const district = actors.find((a) => a.name === 'district dispatcher')!;
      const gridWorker = actors.find((a) => a.name === 'grid worker')!;
      const display = actors.find((a) => a.name === 'district display')!;
      for (const [actor, area] of [
        [district, '520103'],
        [district, CITY],
        [gridWorker, grids.street],
        [gridWorker, grids.otherGrids[0]!],
        [display, '520102'],
        [display, '999999'],
      ] as const) {
        const client = new FeedClient(base, { area, layers: ['incidents', 'appeals', 'alerts'] }, actor.headers);
        try {
          await client.connected();
          const ack = await client.subscribe(0);
          expect(ack, `${actor.name} → ${area}`).toMatchObject({ ok: false, code: 'FORBIDDEN' });
          expect(client.applied).toEqual([]);
        } finally {
          client.close();
        }
      }
      const client = new FeedClient(base, { area: grids.street, layers: ['incidents', 'appeals', 'alerts'] }, district.headers);
      try {
        await client.connected();
        const ack = await client.subscribe(0);
        if (!ack.ok) throw new Error(JSON.stringify(ack));
        expect(ack.data.area).toBe(grids.street);
        await client.until(() => client.lastSeq >= ack.data.head);
        const e = await expectedFor(t.database, grids.street);
        const wrong: string[] = [];
        diff(wrong, 'street replay cases', sorted(client.applied.filter((ev) => ev.topic === 'case.created').map((ev) => (ev.payload as { id: number }).id)), e.all);
        diff(wrong, 'street replay alerts', sorted(client.applied.filter((ev) => ev.topic === 'alert.created').map((ev) => (ev.payload as { id: number }).id)), e.alerts);
        expect(wrong).toEqual([]);
      } finally {
        client.close();
      }
    });

    it('socket live frames: new cases and alerts across the city reach exactly the actors whose area holds them', async () => {
      const readers = actors.filter((x) => x.mapReader);
      const clients = readers.map((a) => new FeedClient(base, { layers: a.cleared ? ['incidents', 'appeals', 'alerts'] : ['incidents', 'hotspots', 'alerts'] }, a.headers));
      try {
        for (const [i, c] of clients.entries()) {
          await c.connected();
          const ack = await c.subscribe(null);
          expect(ack.ok && ack.data.mode, readers[i]!.name).toBe('live');
        }
        const [{ maxId }] = (await t.database.rows<{ maxId: number }>(sql`SELECT max(id)::int AS "maxId" FROM cases`)) as [{ maxId: number }];
        const [{ maxAlert }] = (await t.database.rows<{ maxAlert: number }>(sql`SELECT max(id)::int AS "maxAlert" FROM alerts`)) as [{ maxAlert: number }];
        const points = await pointsAcrossTheCity(t.database, 30, 6, 2);
        await postBatches(base, inputsAt(points, 'live'));
        for (const [i, code] of [grids.grid, grids.otherGrids[3]!].entries()) {
          expect((await postJson(base, '/api/alerts', await alertInGrid(t.database, code, `live-alert-${i}`))).status).toBe(201);
        }
        expect((await postJson(base, '/api/alerts', await alertAcrossDistricts(t.database, 'live-alert-wide', 0.05))).status).toBe(201);
        // A sentinel inside each reader's area, posted last: once a socket has its sentinel, every earlier frame for it has arrived.
        const sentinels = await Promise.all(
          readers.map(async (a) => {
            const [p] = await t.database.rows<{ lng: number; lat: number }>(sql`
              SELECT ST_X(ST_PointOnSurface(g.geom)) AS lng, ST_Y(ST_PointOnSurface(g.geom)) AS lat
              FROM areas g WHERE g.level = 'grid' AND g.path @> ARRAY[${a.area}::text] ORDER BY g.code LIMIT 1`);
            return p!;
          }),
        );
        const sentinelIds = await postBatches(base, sentinels.map((p, i) => incident(`sentinel-${i}`, p.lng, p.lat)));
        const wrong: string[] = [];
        for (const [i, a] of readers.entries()) {
          const client = clients[i]!;
          await client.until((events) => events.some((ev) => ev.topic === 'case.created' && Number((ev.payload as { id: number }).id) === sentinelIds[i]));
          const e = await expectedFor(t.database, a.area, maxId);
          const alertsNow = (await t.database.rows<{ id: number }>(sql`SELECT id::int AS id FROM alerts WHERE id > ${maxAlert}`)).map((r) => r.id);
          const cases = sorted(client.applied.filter((ev: FeedEvent) => ev.topic === 'case.created').map((ev) => (ev.payload as { id: number }).id));
          const alerts = sorted(client.applied.filter((ev: FeedEvent) => ev.topic === 'alert.created').map((ev) => (ev.payload as { id: number }).id));
          diff(wrong, `${a.name} live cases`, cases, a.cleared ? e.all : e.allIncidents);
          diff(wrong, `${a.name} live alerts`, alerts, e.alerts.filter((id) => alertsNow.includes(id)));
          expect(e.all.length, a.name).toBeGreaterThan(0);
        }
        expect(wrong).toEqual([]);
      } finally {
        for (const c of clients) c.close();
      }
    });
  });
}

function diff(wrong: string[], what: string, got: number[], expected: number[]): void {
  const g = new Set(got);
  const x = new Set(expected);
  const leaks = got.filter((id) => !x.has(id));
  const misses = expected.filter((id) => !g.has(id));
  if (leaks.length || misses.length) wrong.push(`${what}: ${leaks.length} leaks ${JSON.stringify(leaks.slice(0, 5))}, ${misses.length} misses ${JSON.stringify(misses.slice(0, 5))}`);
}

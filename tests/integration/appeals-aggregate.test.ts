import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISPLAY_COOKIE } from '../../server/auth/authenticate';
import type { Snapshot } from '../../server/protocol/rest';
import { APPEAL_MIN_COUNT, type Layer } from '../../server/protocol/vocab';
import { feedEventSchema, type AppealDensityData, type FeedEvent } from '../../server/protocol/wire';
import { ensureUser, makeDisplayToken, signIn } from '../helpers/auth';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db';
import { appeal, FIXTURE, incident, insertFixtureCity } from '../helpers/fixtures';
import { insertHotspot } from '../helpers/hotspot-fixture';
import { FeedClient, postJson, startTestServer } from '../helpers/server';

/**
 * Issue 11, aggregate only on shared screens: a leader, a wall display and a duty
 * officer's wall subscription (incidents, hotspots, alerts) never receive an
 * individual appeal — no position (any number within 1e-5° of an appeal's lng or
 * lat, i.e. five decimals), no id, no title — in any snapshot or feed frame, replayed
 * or live. They get hotspots and per-grid density with counts below k left out; the
 * `appeals` layer is refused them; a dispatcher still gets every appeal.
 *
 * Fixture city (tests/helpers/fixtures.ts): west 520102 and east 520103, 4×4 grids of
 * 0.01° each. Appeals: 2 in W1 (below k), 3 in W2 (= k), 4 in E1, 1 in W6 older than
 * the window; incidents elsewhere; one live hotspot and one ended.
 */
const W = `${FIXTURE.west}001001`;
const E = `${FIXTURE.east}001001`;
const W1 = `${W}001`;
const W2 = `${W}002`;
const W6 = `${W}006`;
const E1 = `${E}001`;
const TITLE = '机密诉求';
const WINDOW_LAYERS: Layer[] = ['incidents', 'hotspots', 'alerts'];

/** Points with eight decimals, spread inside a 0.01° grid square whose north-west corner is (west, north). */
function pointsIn(west: number, north: number, n: number, salt: number) {
  return Array.from({ length: n }, (_, i) => ({
    lng: Number((west + 0.0021 + i * 0.00173 + salt * 0.00011731).toFixed(8)),
    lat: Number((north - 0.0032 - i * 0.00157 - salt * 0.00009173).toFixed(8)),
  }));
}

/** Every decimal number in a JSON text that lies within 1e-5 of an appeal's lng or lat (the seconds of a time, "20:10:26.535Z", excluded). */
function positionsIn(text: string, coords: ReadonlyArray<{ lng: number; lat: number }>): string[] {
  const numbers = text.match(/(?<![\d.])(?<!\d:)-?\d+\.\d+/g) ?? [];
  return numbers.filter((n) => coords.some((c) => Math.abs(Number(n) - c.lng) < 1e-5 || Math.abs(Number(n) - c.lat) < 1e-5));
}

/** Objects that are an appeal (kind 'appeal', or an appeal's id beside case fields), and titles of appeals. */
function appealsIn(value: unknown, appealIds: ReadonlySet<number>): string[] {
  const found: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') {
      if (v.includes(TITLE)) found.push(`title ${v}`);
      return;
    }
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.kind === 'appeal') found.push(`appeal object ${JSON.stringify(o).slice(0, 80)}`);
      if (typeof o.id === 'number' && appealIds.has(o.id) && ('reportedAt' in o || 'lng' in o)) found.push(`appeal id ${o.id}`);
      Object.values(o).forEach(walk);
    }
  };
  walk(value);
  return found;
}

for (const kind of DB_KINDS) {
  describe(`appeals reach shared screens only in aggregate (${kind})`, () => {
    let t: TestDatabase;
    let base: string;
    let app: Awaited<ReturnType<typeof startTestServer>>['app'];
    let who: Record<'leader' | 'display' | 'duty' | 'dispatcher', Record<string, string>>;
    const coords: Array<{ lng: number; lat: number }> = [];
    const appealIds = new Set<number>();
    let hotspotId = 0;
    let endedId = 0;

    const get = async <T>(path: string, headers: Record<string, string>) => {
      const res = await fetch(base + path, { headers });
      const text = await res.text();
      return { status: res.status, text, body: JSON.parse(text) as T & { error?: { code: string; message: string } } };
    };

    async function postAppeals(points: Array<{ lng: number; lat: number }>, tag: string, hoursAgo = 0) {
      const reportedAt = new Date(Date.now() - hoursAgo * 3600_000).toISOString();
      const inputs = points.map((p, i) => appeal(`${tag}-${i}`, p.lng, p.lat, { title: `${TITLE} ${tag}-${i}`, reportedAt }));
      const res = await postJson(base, '/api/cases/batch', { cases: inputs });
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
      for (const r of res.body.results as Array<{ id: number }>) appealIds.add(Number(r.id));
      coords.push(...points);
    }

    /** Runs the scheduler's leader tick (density recount) and publishes. */
    async function recount() {
      await app.context.scheduler.tick();
      await app.context.publisher.flush();
    }

    beforeAll(async () => {
      t = await createTestDatabase(kind);
      await insertFixtureCity(t.database);
      // The scheduler leads (density every tick) but ticks only when told: its first tick runs at start.
      ({ app, base } = await startTestServer(t.database, 0, { scheduler: { enabled: true, tickMs: 3_600_000, densityMs: 0 } }));
      await postAppeals(pointsIn(106.6, 26.54, 2, 1), 'w1');
      await postAppeals(pointsIn(106.61, 26.54, 3, 2), 'w2');
      await postAppeals(pointsIn(106.64, 26.54, 4, 3), 'e1');
      await postAppeals(pointsIn(106.61, 26.53, 1, 4), 'w6-old', 40);
      const incidents = [incident('agg-i1', 106.6253, 26.5251), incident('agg-i2', 106.6551, 26.5052)];
      expect((await postJson(base, '/api/cases/batch', { cases: incidents })).status).toBe(200);
      const live = await insertHotspot(t.database, {
        center: [106.615, 26.515],
        trend: 'emerging',
        count: 7,
        topic: null,
        topics: { 噪音扰民: 5, 物业管理: 2 },
        areas: [{ code: `${FIXTURE.west}001`, name: '街道1', count: 7 }],
        areaCodes: [FIXTURE.city, FIXTURE.west, `${FIXTURE.west}001`],
      });
      const ended = await insertHotspot(t.database, {
        center: [106.655, 26.515],
        trend: 'ended',
        ended: true,
        count: 3,
        topics: { 噪音扰民: 3 },
        areas: [{ code: `${FIXTURE.east}001`, name: '街道2', count: 3 }],
        areaCodes: [FIXTURE.city, FIXTURE.east, `${FIXTURE.east}001`],
      });
      hotspotId = live.id;
      endedId = ended.id;
      await recount();

      const user = async (login: string, role: Parameters<typeof ensureUser>[2], area: string) => {
        await ensureUser(t.database, login, role, area);
        return { cookie: await signIn(base, login) };
      };
      who = {
        leader: await user('agg-leader', 'leader', FIXTURE.city),
        display: { cookie: `${DISPLAY_COOKIE}=${await makeDisplayToken(t.database, 'agg wall', FIXTURE.west)}` },
        duty: await user('agg-duty', 'duty_officer', FIXTURE.city),
        dispatcher: await user('agg-dispatcher', 'dispatcher', FIXTURE.city),
      };
    });

    afterAll(async () => {
      await app?.close();
      await t?.drop();
    });

    it('the appeals layer is refused to leaders and displays (REST 403 naming it, socket FORBIDDEN); their default snapshot leaves it out', async () => {
      for (const name of ['leader', 'display'] as const) {
        for (const layers of ['appeals', 'incidents,appeals,alerts']) {
          const res = await get<Snapshot>(`/api/snapshot?layers=${layers}`, who[name]);
          expect(`${name} ${layers}: ${res.status} ${res.body.error?.code}`).toBe(`${name} ${layers}: 403 FORBIDDEN`);
          expect(res.body.error?.message, name).toContain('"appeals"');
        }
        const client = new FeedClient(base, { layers: ['incidents', 'appeals', 'alerts'] }, who[name]);
        try {
          await client.connected();
          expect(await client.subscribe(0), name).toMatchObject({ ok: false, code: 'FORBIDDEN' });
          expect(client.applied).toEqual([]);
        } finally {
          client.close();
        }
        const plain = await get<Snapshot>('/api/snapshot', who[name]);
        expect(plain.status, name).toBe(200);
        expect(plain.body.appeals, name).toEqual([]);
        expect(plain.body.hotspots.map((h) => h.id), name).toEqual([hotspotId]);
        expect(positionsIn(plain.text, coords), name).toEqual([]);
      }
    });

    it('shared screens’ snapshots carry no appeal position, id or title, but hotspots and k-suppressed density', async () => {
      for (const name of ['leader', 'display', 'duty'] as const) {
        const res = await get<Snapshot>(`/api/snapshot?layers=${WINDOW_LAYERS.join(',')}`, who[name]);
        expect(res.status, name).toBe(200);
        expect(positionsIn(res.text, coords), name).toEqual([]);
        expect(appealsIn(res.body, appealIds), name).toEqual([]);
        const s = res.body;
        expect(s.appeals).toEqual([]);
        // The live hotspot only (the ended one never), with its outline and counts.
        expect(s.hotspots.map((h) => h.id), name).toEqual([hotspotId]);
        expect(s.hotspots.map((h) => h.id)).not.toContain(endedId);
        expect(s.hotspots[0]).toMatchObject({ trend: 'emerging', count: 7, topics: { 噪音扰民: 5, 物业管理: 2 }, center: [106.615, 26.515] });
        expect(s.hotspots[0]!.outline.type).toBe('MultiPolygon');
        // Density: a grid with 2 appeals is never named; one with 3 is, with its count.
        const byArea = new Map(s.appealDensity.map((d) => [d.area, d]));
        // `open`: every open appeal of the district, also the one older than the window.
        expect(byArea.get(FIXTURE.west), name).toEqual({ area: FIXTURE.west, windowHours: 24, k: APPEAL_MIN_COUNT, cells: { [W2]: 3 }, suppressed: 2, open: 6 });
        if (name === 'display') expect([...byArea.keys()]).toEqual([FIXTURE.west]);
        else expect(byArea.get(FIXTURE.east)).toMatchObject({ cells: { [E1]: 4 }, suppressed: 0, open: 4 });
        // Open counts per grid: below k → no appeal count at all; from k up, exact. Totals stay exact.
        expect(s.openByGrid[W1]?.appeals ?? 0, name).toBe(0);
        expect(s.openByGrid[W6]?.appeals ?? 0, name).toBe(0);
        expect(s.openByGrid[W2]?.appeals, name).toBe(3);
        if (name !== 'display') expect(s.openByGrid[E1]?.appeals, name).toBe(4);
        expect(s.totals.openAppeals, name).toBe(name === 'display' ? 6 : 10);
      }
    });

    it('a dispatcher still gets every appeal of the window with its position (the scan finds them there)', async () => {
      const res = await get<Snapshot>('/api/snapshot?layers=incidents,appeals,alerts', who.dispatcher);
      expect(res.status).toBe(200);
      const inWindow = coords.filter((_, i) => i < 9);
      expect(res.body.appeals).toHaveLength(9);
      for (const c of inWindow) expect(res.body.appeals.some((a) => a.lng === c.lng && a.lat === c.lat)).toBe(true);
      expect(positionsIn(res.text, inWindow).length).toBeGreaterThanOrEqual(18);
      expect(appealsIn(res.body, appealIds).length).toBeGreaterThan(0);
      // Exact per-grid counts for the cleared reader.
      expect(res.body.openByGrid[W1]?.appeals).toBe(2);
    });

    it('feed frames to shared screens, replayed and live, carry no appeal; density rows are k-suppressed and per district', async () => {
      const screens = [
        { name: 'leader', headers: who.leader },
        { name: 'display', headers: who.display },
        { name: 'duty wall', headers: who.duty },
      ];
      const clients = screens.map((s) => new FeedClient(base, { layers: WINDOW_LAYERS }, s.headers));
      const desk = new FeedClient(base, { layers: ['incidents', 'appeals', 'alerts'] }, who.dispatcher);
      try {
        for (const [i, c] of [...clients, desk].entries()) {
          await c.connected();
          const ack = await c.subscribe(0);
          if (!ack.ok) throw new Error(`${screens[i]?.name ?? 'desk'}: ${JSON.stringify(ack)}`);
          await c.until(() => c.lastSeq >= ack.data.head);
        }
        // Live: W1 grows past k (2 → 5), a hotspot changes.
        const before = app.context.publisher.feedHead;
        const eastRows = async () =>
          (await t.database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM feed WHERE topic = 'appeal.density' AND payload->>'area' = ${FIXTURE.east}`))[0]!.n;
        const eastBefore = await eastRows();
        await postAppeals(pointsIn(106.6, 26.54, 3, 7), 'w1-more');
        await insertHotspot(t.database, {
          center: [106.605, 26.505],
          trend: 'growing',
          count: 9,
          previousCount: 6,
          topic: '噪音扰民',
          topics: { 噪音扰民: 9 },
          areas: [{ code: `${FIXTURE.west}001`, name: '街道1', count: 9 }],
          areaCodes: [FIXTURE.city, FIXTURE.west, `${FIXTURE.west}001`],
        });
        await recount();
        const westNow = (e: FeedEvent) => e.topic === 'appeal.density' && e.seq > before && e.payload.area === FIXTURE.west;
        for (const c of clients) await c.until((events) => events.some(westNow) && events.some((e) => e.topic === 'hotspot.updated' && e.seq > before));
        await desk.until((events) => events.filter((e) => e.topic === 'case.created' && e.seq > before && e.payload.kind === 'appeal').length === 3);

        for (const [i, c] of clients.entries()) {
          const name = screens[i]!.name;
          const text = JSON.stringify(c.applied);
          expect(positionsIn(text, coords), name).toEqual([]);
          expect(appealsIn(c.applied, appealIds), name).toEqual([]);
          expect(c.applied.filter((e) => e.layer !== 'hotspots' && e.layer !== 'incidents' && e.layer !== 'alerts'), name).toEqual([]);
          for (const e of c.applied) expect(feedEventSchema.safeParse(e).success).toBe(true);
          const densities = c.applied.filter((e): e is Extract<FeedEvent, { topic: 'appeal.density' }> => e.topic === 'appeal.density');
          for (const d of densities) for (const n of Object.values(d.payload.cells)) expect(n, name).toBeGreaterThanOrEqual(APPEAL_MIN_COUNT);
          const firstWest = densities.filter((e) => e.payload.area === FIXTURE.west && e.seq <= before).at(-1)!.payload;
          const lastWest = densities.filter((e) => e.payload.area === FIXTURE.west).at(-1)!.payload;
          expect(firstWest.cells, name).toEqual({ [W2]: 3 });
          expect(lastWest satisfies AppealDensityData).toEqual({ area: FIXTURE.west, windowHours: 24, k: APPEAL_MIN_COUNT, cells: { [W1]: 5, [W2]: 3 }, suppressed: 0, open: 9 });
          // The west display's room gets the west district's rows only.
          if (name === 'display') expect(new Set(densities.map((d) => d.payload.area))).toEqual(new Set([FIXTURE.west]));
          else expect(densities.some((d) => d.payload.area === FIXTURE.east)).toBe(true);
        }
        // A district whose counts did not change is not written again.
        expect(await eastRows()).toBe(eastBefore);
        // The desk got the new appeals with their positions.
        expect(positionsIn(JSON.stringify(desk.applied), coords.slice(-3)).length).toBeGreaterThanOrEqual(6);

        // An appeal rejected by the desk leaves the window's counts as they were but not the
        // open ones: the west row is written again with open 8 (the shared 未结诉求 total moves).
        const rejected = desk.applied.find((e) => e.topic === 'case.created' && e.seq > before && e.payload.kind === 'appeal')!;
        const reject = await postJson(base, `/api/cases/${(rejected.payload as { id: number }).id}/transitions`,
          { commandId: `agg-reject-${kind}`, action: 'reject', reason: '不属于受理范围', expectedVersion: 1 }, { headers: who.dispatcher });
        expect(reject.status, JSON.stringify(reject.body).slice(0, 300)).toBe(200);
        const afterReject = app.context.publisher.feedHead;
        await recount();
        const westAfter = (e: FeedEvent) => e.topic === 'appeal.density' && e.seq > afterReject && e.payload.area === FIXTURE.west;
        for (const c of clients) await c.until((events) => events.some(westAfter));
        for (const c of clients) {
          const row = c.applied.filter(westAfter).at(-1)!.payload as AppealDensityData;
          expect(row).toEqual({ area: FIXTURE.west, windowHours: 24, k: APPEAL_MIN_COUNT, cells: { [W1]: 5, [W2]: 3 }, suppressed: 0, open: 8 });
        }
        expect(await eastRows()).toBe(eastBefore);
      } finally {
        for (const c of [...clients, desk]) c.close();
      }
    });
  });
}

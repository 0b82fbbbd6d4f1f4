import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DB_KINDS, createTestDatabase, type TestDatabase } from '../helpers/db';
import { FIXTURE, appeal, countRows, incident, insertFixtureCity } from '../helpers/fixtures';
import { authed, postJson, startTestServer } from '../helpers/server';
import type { AppServer } from '../../server/app';
import type { NewFeedRow } from '../../db/records';
import { REPORTED_LIFECYCLE } from '../../db/records';

/**
 * Input a hostile or broken client sends (issue 5): text the database cannot hold,
 * impossible dates, geometry too costly to intersect, batches that race on the same
 * keys. Each is a clear 4xx naming the field with nothing written — never a 500 —
 * and the races end without a deadlock error.
 */
const square = (w: number, s: number, size: number) => [[[w, s], [w + size, s], [w + size, s + size], [w, s + size], [w, s]]];
const alertBody = (geometry: unknown, extra: Record<string, unknown> = {}) => ({
  externalId: 'hostile',
  eventType: 'MET_RAINSTORM',
  headline: '暴雨橙色预警',
  severity: 'Severe',
  urgency: 'Expected',
  certainty: 'Likely',
  geometry,
  ...extra,
});
const smallSquare = { type: 'Polygon', coordinates: square(106.61, 26.51, 0.005) };
/** Valid, few vertices per part, but many parts: the 480 KB alert of the issue in miniature. */
const manyParts = {
  type: 'MultiPolygon',
  coordinates: Array.from({ length: 600 }, (_, i) => square(106.6 + (i % 40) * 0.002, 26.5 + Math.floor(i / 40) * 0.002, 0.001)),
};
/** A province-sized box: a handful of vertices, but every grid under it is work. */
const hugeExtent = { type: 'Polygon', coordinates: square(104, 24, 3) };
/** Within every single limit but the product: 15,000 vertices over a 1.2° box. */
const denseRing = Array.from({ length: 15_000 }, (_, i) => {
  const t = (i / 15_000) * 2 * Math.PI;
  return [106.6 + 0.6 * Math.cos(t), 26.5 + 0.6 * Math.sin(t)];
});
denseRing.push(denseRing[0]!);
const costly = { type: 'Polygon', coordinates: [denseRing] };

const NUL = 'a\u0000b';
const LONE = 'x\ud800y';

interface Bad {
  name: string;
  path: string;
  body: unknown;
  status: number;
  code: string;
  /** The details path that must name the field. */
  field: string;
}

const textCases: Bad[] = [
  ...(['title', 'description', 'address'] as const).flatMap((field) => [
    { name: `NUL in case ${field}`, path: '/api/cases', body: incident('t-nul', 106.61, 26.51, { [field]: NUL }), status: 400, code: 'VALIDATION_FAILED', field },
    { name: `lone surrogate in case ${field}`, path: '/api/cases', body: incident('t-sur', 106.61, 26.51, { [field]: LONE }), status: 400, code: 'VALIDATION_FAILED', field },
  ]),
  { name: 'NUL in externalId', path: '/api/cases', body: incident(NUL, 106.61, 26.51), status: 400, code: 'VALIDATION_FAILED', field: 'externalId' },
  { name: 'lone surrogate in externalId', path: '/api/cases', body: incident(LONE, 106.61, 26.51), status: 400, code: 'VALIDATION_FAILED', field: 'externalId' },
  { name: 'NUL in category', path: '/api/cases', body: incident('t-cat', 106.61, 26.51, { category: '01\u000002' }), status: 400, code: 'VALIDATION_FAILED', field: 'category' },
  { name: 'lone surrogate in topic', path: '/api/cases', body: appeal('t-top', 106.61, 26.51, { topic: '\udc00' }), status: 400, code: 'VALIDATION_FAILED', field: 'topic' },
  { name: 'NUL in an attribute value', path: '/api/cases', body: incident('t-attr', 106.61, 26.51, { attributes: { plate: NUL } }), status: 400, code: 'VALIDATION_FAILED', field: 'attributes.plate' },
  { name: 'lone surrogate in a batch case title', path: '/api/cases/batch', body: { cases: [incident('t-b1', 106.61, 26.51), incident('t-b2', 106.62, 26.52, { title: LONE })] }, status: 400, code: 'VALIDATION_FAILED', field: 'cases.1.title' },
  { name: 'lone surrogate in alert headline', path: '/api/alerts', body: alertBody(smallSquare, { headline: `暴雨${LONE}` }), status: 400, code: 'VALIDATION_FAILED', field: 'headline' },
  { name: 'NUL in alert description', path: '/api/alerts', body: alertBody(smallSquare, { description: NUL }), status: 400, code: 'VALIDATION_FAILED', field: 'description' },
  { name: 'NUL in alert source', path: '/api/alerts', body: alertBody(smallSquare, { source: NUL }), status: 400, code: 'VALIDATION_FAILED', field: 'source' },
  { name: 'lone surrogate in alert externalId', path: '/api/alerts', body: alertBody(smallSquare, { externalId: LONE }), status: 400, code: 'VALIDATION_FAILED', field: 'externalId' },
];

const dateCases: Bad[] = [
  { name: 'year 0000 reportedAt', path: '/api/cases', body: incident('d-0', 106.61, 26.51, { reportedAt: '0000-01-01T00:00:00Z' }), status: 400, code: 'VALIDATION_FAILED', field: 'reportedAt' },
  { name: '30 February reportedAt', path: '/api/cases', body: incident('d-1', 106.61, 26.51, { reportedAt: '2025-02-30T08:00:00+08:00' }), status: 400, code: 'VALIDATION_FAILED', field: 'reportedAt' },
  { name: 'year 0000 alert onset', path: '/api/alerts', body: alertBody(smallSquare, { onset: '0000-06-01T00:00:00Z' }), status: 400, code: 'VALIDATION_FAILED', field: 'onset' },
  { name: 'year 9999 alert expiry', path: '/api/alerts', body: alertBody(smallSquare, { expires: '9999-12-31T23:59:59Z' }), status: 400, code: 'VALIDATION_FAILED', field: 'expires' },
];

const costCases: Bad[] = [
  { name: 'alert with 600 parts', path: '/api/alerts', body: alertBody(manyParts), status: 422, code: 'GEOMETRY_TOO_COMPLEX', field: 'geometry' },
  { name: 'alert 3° across', path: '/api/alerts', body: alertBody(hugeExtent), status: 422, code: 'GEOMETRY_TOO_COMPLEX', field: 'geometry' },
  { name: 'alert of 15,000 vertices over a 1.2° box', path: '/api/alerts', body: alertBody(costly), status: 422, code: 'GEOMETRY_TOO_COMPLEX', field: 'geometry' },
];

for (const kind of DB_KINDS) {
  describe(`hostile input on ${kind}`, () => {
    let testDb: TestDatabase;
    let app: AppServer;
    let base: string;

    beforeAll(async () => {
      testDb = await createTestDatabase(kind);
      await insertFixtureCity(testDb.database);
      ({ app, base } = await startTestServer(testDb.database));
    });
    afterAll(async () => {
      await app?.close();
      await testDb?.drop();
    });
    beforeEach(async () => {
      await testDb.database.rows(sql`TRUNCATE cases, case_events, alerts, feed RESTART IDENTITY CASCADE`);
    });

    for (const bad of [...textCases, ...dateCases, ...costCases]) {
      it(`refuses ${bad.name}: ${bad.status} ${bad.code} naming ${bad.field}, nothing written`, async () => {
        const res = await postJson(base, bad.path, bad.body);
        expect(res.status).toBe(bad.status);
        expect(res.body.error?.code).toBe(bad.code);
        const details = res.body.error?.details as Array<{ path: string }>;
        expect(details.map((d) => d.path)).toContain(bad.field);
        expect(await countRows(testDb.database)).toEqual({ cases: 0, feed: 0, alerts: 0 });
      });
    }

    it('accepts text with paired surrogates (emoji) and stores it unchanged', async () => {
      const res = await postJson(base, '/api/cases', incident('emoji', 106.61, 26.51, { title: '井盖缺失 😀' }));
      expect(res.status).toBe(201);
      const [row] = await testDb.database.rows<{ title: string }>(sql`SELECT title FROM cases`);
      expect(row!.title).toBe('井盖缺失 😀');
    });

    it('accepts a modest multi-part alert and lists its grids from the one intersection', async () => {
      const parts = { type: 'MultiPolygon', coordinates: [square(106.602, 26.502, 0.005), square(106.662, 26.532, 0.005)] };
      const res = await postJson(base, '/api/alerts', alertBody(parts, { externalId: 'two-parts' }));
      expect(res.status).toBe(201);
      const body = res.body as { alert: { affectedGrids: number }; affectedGrids: Array<{ code: string }> };
      const expected = await testDb.database.rows<{ code: string }>(sql`
        SELECT g.code FROM areas g, alerts a
        WHERE g.level = 'grid' AND ST_Intersects(g.geom, a.geom) AND NOT ST_Touches(g.geom, a.geom) ORDER BY g.code`);
      expect(expected).toHaveLength(2);
      expect(body.affectedGrids.map((g) => g.code)).toEqual(expected.map((g) => g.code));
    });

    it('bounds the snapshot and pages the rest with a cursor', async () => {
      const cases = Array.from({ length: 25 }, (_, i) =>
        incident(`page-${i}`, 106.601 + i * 0.002, 26.505, { reportedAt: `2026-01-01T00:00:${String(i % 3).padStart(2, '0')}Z` }),
      );
      expect((await postJson(base, '/api/cases/batch', { cases })).status).toBe(200);
      const huge = await authed(base, `${base}/api/snapshot?limit=50000`);
      expect(huge.status).toBe(400);
      expect(((await huge.json()) as { error: { code: string } }).error.code).toBe('BAD_QUERY');
      const seen: number[] = [];
      let url = `${base}/api/snapshot?layers=incidents&limit=10`;
      for (let page = 0; page < 5; page++) {
        const body = (await (await authed(base, url)).json()) as { incidents: Array<{ id: number }>; next: string | null };
        expect(body.incidents.length).toBeLessThanOrEqual(10);
        seen.push(...body.incidents.map((c) => c.id));
        if (!body.next) break;
        url = `${base}/api/snapshot?layers=incidents&limit=10&cursor=${body.next}`;
      }
      expect(seen).toHaveLength(25);
      expect(new Set(seen).size).toBe(25);
      const bad = await authed(base, `${base}/api/snapshot?cursor=not-a-cursor`);
      expect(bad.status).toBe(400);
    });

    it('survives concurrent batches over the same external ids in different orders: no 500, no deadlock, each case once', async () => {
      // A database under load: each row insert takes ≥ 1 ms (a test-only trigger in this
      // throwaway database), so the batches' inserts really overlap.
      const slow = kind === 'postgres'; // PGlite has one connection: nothing can overlap there
      if (slow) await testDb.database.rows(sql`
        CREATE OR REPLACE FUNCTION test_slow_insert() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN PERFORM pg_sleep(0.001); RETURN NEW; END $$`);
      if (slow) await testDb.database.rows(sql`
        CREATE TRIGGER test_slow_insert BEFORE INSERT ON cases FOR EACH ROW EXECUTE FUNCTION test_slow_insert()`);
      const ids = Array.from({ length: 300 }, (_, i) => `race-${i}`);
      // The same ids in a different deterministic shuffle per batch (mulberry32).
      const batches = Array.from({ length: 8 }, (_, b) => {
        let a = b + 1;
        const random = () => {
          a = (a + 0x6d2b79f5) | 0;
          let t = Math.imul(a ^ (a >>> 15), 1 | a);
          t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
          return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
        };
        const ordered = [...ids];
        for (let i = ordered.length - 1; i > 0; i--) {
          const j = Math.floor(random() * (i + 1));
          [ordered[i], ordered[j]] = [ordered[j]!, ordered[i]!];
        }
        return { cases: ordered.map((id, i) => incident(id, 106.601 + (i % 70) * 0.001, 26.501 + (i % 35) * 0.001)) };
      });
      const results = await Promise.all(batches.map((batch) => postJson(base, '/api/cases/batch', batch))).finally(() =>
        testDb.database.rows(sql`DROP TRIGGER IF EXISTS test_slow_insert ON cases`),
      );
      expect(results.map((r) => r.status)).toEqual(batches.map(() => 200));
      const created = results.reduce((n, r) => n + (r.body.created as number), 0);
      expect(created).toBe(ids.length);
      expect(await countRows(testDb.database)).toEqual({ cases: ids.length, feed: ids.length, alerts: 0 });
    });
  });
}

describe.skipIf(!DB_KINDS.includes('postgres'))('feed clock on postgres', () => {
  it('orders feed time as feed seq, even for a transaction that started long before it committed', async () => {
    const testDb = await createTestDatabase('postgres');
    try {
      const { appendFeed } = await import('../../db/queries/feed');
      const row: NewFeedRow = {
        topic: 'case.created',
        layer: 'incidents',
        areaCodes: [FIXTURE.city],
        payload: { id: 1, kind: 'incident', channel: 'api', category: '0101', topic: null, severity: 'Minor', status: 'reported', lng: 106.6, lat: 26.5, grid: null, title: null, reportedAt: new Date().toISOString(), ...REPORTED_LIFECYCLE },
      };
      let started!: () => void;
      const startedP = new Promise<void>((resolve) => (started = resolve));
      let proceed!: () => void;
      const proceedP = new Promise<void>((resolve) => (proceed = resolve));
      // Transaction A starts (its now() is fixed here), then waits while B commits a feed row.
      const a = testDb.database.transaction(async (tx) => {
        await tx.rows(sql`SELECT now()`);
        started();
        await proceedP;
        await appendFeed(tx, [row]);
      });
      await startedP;
      await testDb.database.rows(sql`SELECT pg_sleep(0.02)`);
      await testDb.database.transaction((tx) => appendFeed(tx, [row]));
      proceed();
      await a;
      const rows = await testDb.database.rows<{ seq: number; later: boolean }>(sql`
        SELECT seq, at >= lag(at) OVER (ORDER BY seq) AS later FROM feed ORDER BY seq`);
      expect(rows).toHaveLength(2);
      expect(rows[1]!.later).toBe(true);
    } finally {
      await testDb.drop();
    }
  });
});

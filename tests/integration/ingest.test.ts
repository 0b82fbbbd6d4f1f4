import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DB_KINDS, createTestDatabase, type TestDatabase } from '../helpers/db';
import { FIXTURE, appeal, countRows, incident, insertFixtureCity } from '../helpers/fixtures';
import { authed, postJson, startTestServer } from '../helpers/server';
import type { AppServer } from '../../server/app';

/** Deterministic pseudo-random points (mulberry32) inside the fixture city. */
function points(count: number, seed: number): Array<[number, number]> {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const [w, s, e, n] = FIXTURE.bbox;
  return Array.from({ length: count }, () => [w + next() * (e - w), s + next() * (n - s)]);
}

for (const kind of DB_KINDS) {
  describe(`ingest on ${kind}`, () => {
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

    it('migrations enable PostGIS and index every geometry column with GiST', async () => {
      const [ext] = await testDb.database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'postgis'`);
      expect(ext!.n).toBe(1);
      const columns = await testDb.database.rows<{ table_name: string; column_name: string }>(sql`
        SELECT f_table_name AS table_name, f_geometry_column AS column_name FROM geometry_columns ORDER BY 1`);
      expect(columns.map((c) => c.table_name).sort()).toEqual(['alerts', 'areas', 'cases', 'hotspots', 'hotspots', 'responders']);
      for (const column of columns) {
        const indexes = await testDb.database.rows<{ indexdef: string }>(sql`
          SELECT indexdef FROM pg_indexes WHERE tablename = ${column.table_name}
            AND indexdef ILIKE '%USING gist%' AND indexdef LIKE ${`%(${column.column_name})%`}`);
        expect(indexes, `${column.table_name}.${column.column_name}`).toHaveLength(1);
      }
    });

    it('assigns every case to the grid an independent ST_Contains query finds, in one batch', async () => {
      const inputs = points(400, 7).map(([lng, lat], i) => incident(`pt-${i}`, lng, lat));
      const res = await postJson(base, '/api/cases/batch', { cases: inputs });
      expect(res.status).toBe(200);
      expect(res.body.created).toBe(400);
      const mismatches = await testDb.database.rows<{ id: number }>(sql`
        SELECT c.id FROM cases c
        LEFT JOIN LATERAL (SELECT a.id FROM areas a WHERE a.level = 'grid' AND ST_Contains(a.geom, c.geom)) x ON true
        WHERE c.grid_id IS DISTINCT FROM x.id`);
      expect(mismatches).toEqual([]);
      const [assigned] = await testDb.database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM cases WHERE grid_id IS NOT NULL`);
      expect(assigned!.n).toBe(400);
      // The feed carries one row per case with the grid's full path as area codes.
      const feed = await testDb.database.rows<{ area_codes: string[]; payload: { grid: string } }>(sql`SELECT area_codes, payload FROM feed ORDER BY seq`);
      expect(feed).toHaveLength(400);
      for (const row of feed) {
        expect(row.area_codes).toHaveLength(5);
        expect(row.area_codes.at(-1)).toBe(row.payload.grid);
        expect(row.payload.grid.startsWith(row.area_codes[1]!)).toBe(true);
      }
    });

    it('keeps a point outside every grid, unassigned and scoped to the city', async () => {
      const res = await postJson(base, '/api/cases', incident('far-1', 107.5, 27.9));
      expect(res.status).toBe(201);
      const body = res.body as { case: { grid: string | null; id: number } };
      expect(body.case.grid).toBeNull();
      const [row] = await testDb.database.rows<{ grid_id: number | null; area_codes: string[] }>(
        sql`SELECT grid_id, area_codes FROM cases WHERE id = ${body.case.id}`,
      );
      expect(row).toEqual({ grid_id: null, area_codes: [FIXTURE.city] });
    });

    it('is idempotent on (channel, external id), singly and within a batch', async () => {
      const first = await postJson(base, '/api/cases', incident('dup-1', 106.61, 26.51));
      const again = await postJson(base, '/api/cases', incident('dup-1', 106.61, 26.51));
      expect(first.status).toBe(201);
      expect(again.status).toBe(200);
      expect((again.body as { created: boolean }).created).toBe(false);
      expect((again.body as { case: { id: number } }).case.id).toBe((first.body as { case: { id: number } }).case.id);
      // Same external id on another channel is another case.
      const other = await postJson(base, '/api/cases', appeal('dup-1', 106.61, 26.51));
      expect(other.status).toBe(201);
      const batch = await postJson(base, '/api/cases/batch', {
        cases: [incident('dup-1', 106.61, 26.51), incident('dup-2', 106.62, 26.52), incident('dup-2', 106.62, 26.52)],
      });
      expect(batch.status).toBe(200);
      expect(batch.body).toMatchObject({ created: 1, duplicates: 2 });
      expect(await countRows(testDb.database)).toEqual({ cases: 3, feed: 3, alerts: 0 });
    });

    const tooMany = Array.from({ length: 5001 }, (_, i) => incident(`m-${i}`, 106.61, 26.51));
    const bowtie = { type: 'Polygon', coordinates: [[[106.6, 26.5], [106.7, 26.54], [106.7, 26.5], [106.6, 26.54], [106.6, 26.5]]] };
    const alert = (geometry: unknown, extra: Record<string, unknown> = {}) => ({
      externalId: 'bad-alert',
      eventType: 'MET_RAINSTORM',
      headline: '暴雨橙色预警',
      severity: 'Severe',
      urgency: 'Expected',
      certainty: 'Likely',
      geometry,
      ...extra,
    });
    const hugeRing = Array.from({ length: 25_000 }, (_, i) => [106.6 + 0.04 * Math.cos((i / 25_000) * 2 * Math.PI), 26.52 + 0.02 * Math.sin((i / 25_000) * 2 * Math.PI)]);
    hugeRing.push(hugeRing[0]!);

    const badInputs: Array<{ name: string; path: string; body: unknown; status: number; code: string; headers?: Record<string, string> }> = [
      { name: 'malformed JSON', path: '/api/cases', body: '{"kind": "incident",', status: 400, code: 'BAD_JSON' },
      { name: 'empty body', path: '/api/cases', body: '', status: 400, code: 'BAD_JSON' },
      { name: 'wrong content type', path: '/api/cases', body: JSON.stringify(incident('ct', 106.61, 26.51)), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', headers: { 'content-type': 'text/plain' } },
      { name: 'latitude out of range (swapped lat/lng)', path: '/api/cases', body: incident('sw', 26.51, 106.61), status: 400, code: 'VALIDATION_FAILED' },
      { name: 'longitude out of range', path: '/api/cases', body: incident('lon', 181, 26.5), status: 400, code: 'VALIDATION_FAILED' },
      { name: 'non-numeric coordinates', path: '/api/cases', body: { ...incident('nn', 0, 0), location: { type: 'Point', coordinates: ['106.6', '26.5'] } }, status: 400, code: 'VALIDATION_FAILED' },
      { name: 'three-element position', path: '/api/cases', body: { ...incident('3d', 0, 0), location: { type: 'Point', coordinates: [106.6, 26.5, 3] } }, status: 400, code: 'VALIDATION_FAILED' },
      { name: 'polygon where a point is due', path: '/api/cases', body: { ...incident('pg', 0, 0), location: bowtie }, status: 400, code: 'VALIDATION_FAILED' },
      { name: 'unknown incident category', path: '/api/cases', body: incident('uc', 106.61, 26.51, { category: '9999' }), status: 422, code: 'UNKNOWN_CODE' },
      { name: 'unknown appeal topic', path: '/api/cases', body: appeal('ut', 106.61, 26.51, { topic: '不存在' }), status: 422, code: 'UNKNOWN_CODE' },
      { name: 'unknown channel', path: '/api/cases', body: incident('ch', 106.61, 26.51, { channel: 'fax' }), status: 400, code: 'VALIDATION_FAILED' },
      { name: 'channel that does not carry the kind', path: '/api/cases', body: incident('ck', 106.61, 26.51, { channel: 'hotline_12345' }), status: 400, code: 'VALIDATION_FAILED' },
      { name: 'unexpected field', path: '/api/cases', body: incident('uf', 106.61, 26.51, { reporterPhone: '13800001234' }), status: 400, code: 'VALIDATION_FAILED' },
      { name: 'report from the future', path: '/api/cases', body: incident('fu', 106.61, 26.51, { reportedAt: '2999-01-01T00:00:00Z' }), status: 400, code: 'VALIDATION_FAILED' },
      { name: 'oversize single case', path: '/api/cases', body: incident('big', 106.61, 26.51, { description: 'x'.repeat(70_000) }), status: 413, code: 'PAYLOAD_TOO_LARGE' },
      { name: 'batch with one bad case among good ones', path: '/api/cases/batch', body: { cases: [incident('b1', 106.61, 26.51), incident('b2', 106.61, 95)] }, status: 400, code: 'VALIDATION_FAILED' },
      { name: 'batch with one unknown category', path: '/api/cases/batch', body: { cases: [incident('b3', 106.61, 26.51), incident('b4', 106.61, 26.51, { category: '0000' })] }, status: 422, code: 'UNKNOWN_CODE' },
      { name: 'batch over 5,000 cases', path: '/api/cases/batch', body: { cases: tooMany }, status: 400, code: 'VALIDATION_FAILED' },
      { name: 'empty batch', path: '/api/cases/batch', body: { cases: [] }, status: 400, code: 'VALIDATION_FAILED' },
      { name: 'self-intersecting alert polygon', path: '/api/alerts', body: alert(bowtie), status: 422, code: 'INVALID_GEOMETRY' },
      { name: 'unclosed alert ring', path: '/api/alerts', body: alert({ type: 'Polygon', coordinates: [[[106.6, 26.5], [106.7, 26.5], [106.7, 26.54], [106.6, 26.54]]] }), status: 400, code: 'VALIDATION_FAILED' },
      { name: 'alert ring with too few positions', path: '/api/alerts', body: alert({ type: 'Polygon', coordinates: [[[106.6, 26.5], [106.7, 26.5], [106.6, 26.5]]] }), status: 400, code: 'VALIDATION_FAILED' },
      { name: 'alert with a point geometry', path: '/api/alerts', body: alert({ type: 'Point', coordinates: [106.6, 26.5] }), status: 400, code: 'VALIDATION_FAILED' },
      { name: 'alert with too many vertices', path: '/api/alerts', body: alert({ type: 'Polygon', coordinates: [hugeRing] }), status: 400, code: 'VALIDATION_FAILED' },
      { name: 'alert coordinates out of range', path: '/api/alerts', body: alert({ type: 'Polygon', coordinates: [[[206.6, 26.5], [106.7, 26.5], [106.7, 26.54], [206.6, 26.5]]] }), status: 400, code: 'VALIDATION_FAILED' },
      { name: 'unknown alert type', path: '/api/alerts', body: alert({ type: 'Polygon', coordinates: [[[106.6, 26.5], [106.7, 26.5], [106.7, 26.54], [106.6, 26.5]]] }, { eventType: 'UFO' }), status: 422, code: 'UNKNOWN_CODE' },
      { name: 'alert expiring before onset', path: '/api/alerts', body: alert({ type: 'Polygon', coordinates: [[[106.6, 26.5], [106.7, 26.5], [106.7, 26.54], [106.6, 26.5]]] }, { onset: '2026-01-02T00:00:00Z', expires: '2026-01-01T00:00:00Z' }), status: 400, code: 'VALIDATION_FAILED' },
      { name: 'unknown CAP severity', path: '/api/alerts', body: alert({ type: 'Polygon', coordinates: [[[106.6, 26.5], [106.7, 26.5], [106.7, 26.54], [106.6, 26.5]]] }, { severity: 'Apocalyptic' }), status: 400, code: 'VALIDATION_FAILED' },
    ];

    for (const bad of badInputs) {
      it(`refuses ${bad.name} with ${bad.status} ${bad.code} and writes nothing`, async () => {
        const before = await countRows(testDb.database);
        const res = await postJson(base, bad.path, bad.body, bad.headers ? { headers: bad.headers } : {});
        expect(res.status).toBe(bad.status);
        expect(res.body.error?.code).toBe(bad.code);
        expect(res.body.error?.message).toEqual(expect.any(String));
        expect(await countRows(testDb.database)).toEqual(before);
      });
    }

    it('answers an unknown route and a wrong method with JSON errors', async () => {
      const missing = await authed(base, `${base}/api/nope`);
      expect(missing.status).toBe(404);
      const wrong = await authed(base, `${base}/api/cases/batch`);
      expect(wrong.status).toBe(405);
      expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('METHOD_NOT_ALLOWED');
    });

    it('stores an alert, lists the grids an independent ST_Intersects finds, and is idempotent', async () => {
      // Covers the west district's two left grid columns, plus a sliver of the third.
      const geometry = { type: 'Polygon', coordinates: [[[106.595, 26.495], [106.625, 26.495], [106.625, 26.545], [106.595, 26.545], [106.595, 26.495]]] };
      const res = await postJson(base, '/api/alerts', alert(geometry, { externalId: 'rain-1' }));
      expect(res.status).toBe(201);
      const body = res.body as { alert: { id: number; affectedGrids: number }; affectedGrids: Array<{ code: string }> };
      const expected = await testDb.database.rows<{ code: string }>(sql`
        SELECT g.code FROM areas g, alerts a
        WHERE a.id = ${body.alert.id} AND g.level = 'grid' AND ST_Intersects(g.geom, a.geom) AND NOT ST_Touches(g.geom, a.geom)
        ORDER BY g.code`);
      expect(expected).toHaveLength(12);
      expect(body.affectedGrids.map((g) => g.code)).toEqual(expected.map((g) => g.code));
      expect(body.alert.affectedGrids).toBe(12);
      const [scope] = await testDb.database.rows<{ area_codes: string[] }>(sql`SELECT area_codes FROM feed WHERE layer = 'alerts'`);
      expect(scope!.area_codes).toContain(FIXTURE.west);
      expect(scope!.area_codes).not.toContain(FIXTURE.east);
      const again = await postJson(base, '/api/alerts', alert(geometry, { externalId: 'rain-1' }));
      expect(again.status).toBe(200);
      expect(await countRows(testDb.database)).toEqual({ cases: 0, feed: 1, alerts: 1 });
    });

    it('serves a snapshot consistent with the feed head, and health figures', async () => {
      await postJson(base, '/api/cases/batch', { cases: [incident('s1', 106.605, 26.535), appeal('s2', 106.675, 26.505)] });
      const snapshot = (await (await authed(base, `${base}/api/snapshot`)).json()) as {
        seq: number;
        incidents: unknown[];
        appeals: unknown[];
        openByGrid: Record<string, { incidents: number; appeals: number }>;
        totals: { openIncidents: number; openAppeals: number };
      };
      const [head] = await testDb.database.rows<{ seq: number }>(sql`SELECT max(seq)::int AS seq FROM feed`);
      expect(snapshot.seq).toBe(head!.seq);
      expect(snapshot.incidents).toHaveLength(1);
      expect(snapshot.appeals).toHaveLength(1);
      expect(snapshot.totals).toMatchObject({ openIncidents: 1, openAppeals: 1 });
      expect(snapshot.openByGrid[`${FIXTURE.west}001001001`]).toEqual({ incidents: 1, appeals: 0 });
      const east = await (await authed(base, `${base}/api/snapshot?area=${FIXTURE.east}`)).json();
      expect((east as { incidents: unknown[]; appeals: unknown[] }).incidents).toHaveLength(0);
      expect((east as { appeals: unknown[] }).appeals).toHaveLength(1);
      const unknown = await authed(base, `${base}/api/snapshot?area=999999`);
      expect(unknown.status).toBe(404);
      const health = (await (await authed(base, `${base}/api/health`)).json()) as Record<string, unknown>;
      expect(health).toMatchObject({ status: 'ok', database: kind });
      expect(String(health.postgis)).toMatch(/^3\./);
    });

    it('serves areas as GeoJSON and an OpenAPI description', async () => {
      const grids = (await (await authed(base, `${base}/api/areas?level=grid&within=${FIXTURE.east}`)).json()) as { features: Array<{ properties: { code: string; parentCode: string } }> };
      expect(grids.features).toHaveLength(16);
      expect(grids.features.every((f) => f.properties.code.startsWith(FIXTURE.east))).toBe(true);
      const badBbox = await authed(base, `${base}/api/areas?level=grid&bbox=1,2,3`);
      expect(badBbox.status).toBe(400);
      const spec = (await (await authed(base, `${base}/api/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
      expect(spec.openapi).toBe('3.1.0');
      expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/cases', '/api/cases/batch', '/api/alerts', '/api/snapshot']));
    });
  });
}

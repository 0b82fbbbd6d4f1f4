import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { circlePolygon } from '../../app/alerts/draw-geometry';
import type { AlertPreview } from '../../db/records';
import type { AppServer } from '../../server/app';
import { ensureUser, signIn } from '../helpers/auth';
import { alertRowCounts } from '../helpers/cap';
import { DB_KINDS, createTestDatabase, type TestDatabase } from '../helpers/db';
import { FIXTURE, incident, insertFixtureCity } from '../helpers/fixtures';
import { postJson, startTestServer } from '../helpers/server';

/**
 * POST /api/alerts/preview (issue 12 §3): a duty officer sees what an alert would reach
 * before sending it. The preview runs the very statements that store an alert, minus the
 * INSERT, so storing the same area must find the same grids, areas, acknowledging
 * districts and impact — and the preview itself writes nothing at all.
 */
function box(w: number, s: number, e: number, n: number) {
  return { type: 'Polygon' as const, coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] };
}
/** Across the border of the two districts (lng 106.64), cutting grids in half at both ends. */
const ACROSS = box(106.625, 26.505, 106.655, 26.525);
/** A triangle inside the west district only, cutting grids diagonally. */
const WEST_TRIANGLE = { type: 'Polygon' as const, coordinates: [[[106.602, 26.502], [106.632, 26.502], [106.602, 26.532], [106.602, 26.502]]] };
/** On grid edges (roughly grids 6, 7, 10 and 11 of the west district: the neighbours only touch it). */
const ON_EDGES = box(106.61, 26.51, 106.63, 26.53);
const EAST_ONLY = box(106.665, 26.505, 106.675, 26.515);
const OUTSIDE = box(107.5, 27.5, 107.51, 27.51);
const BOW_TIE = { type: 'Polygon' as const, coordinates: [[[106.61, 26.51], [106.63, 26.53], [106.63, 26.51], [106.61, 26.53], [106.61, 26.51]]] };

for (const kind of DB_KINDS) {
  describe(`alert preview on ${kind}`, () => {
    let t: TestDatabase;
    let app: AppServer;
    let base: string;
    const as: Record<string, Record<string, string>> = {};

    beforeAll(async () => {
      t = await createTestDatabase(kind);
      await insertFixtureCity(t.database);
      ({ app, base } = await startTestServer(t.database));
      for (const [login, role, area] of [
        ['duty-west', 'duty_officer', FIXTURE.west],
        ['dispatch-city', 'dispatcher', FIXTURE.city],
      ] as const) {
        await ensureUser(t.database, login, role, area);
        as[login] = { cookie: await signIn(base, login) };
      }
      // Open cases inside ACROSS (one each side of the border) and one outside it.
      for (const [id, lng, lat] of [['in-w', 106.63, 26.51], ['in-e', 106.65, 26.52], ['out', 106.61, 26.535]] as const) {
        const res = await postJson(base, '/api/cases', incident(`preview-${id}`, lng, lat));
        expect(res.status, JSON.stringify(res.body)).toBe(201);
      }
    });
    afterAll(async () => {
      await app?.close();
      await t?.drop();
    });

    const preview = (geometry: unknown, headers?: Record<string, string>) => postJson(base, '/api/alerts/preview', { geometry }, { headers });
    const store = async (externalId: string, geometry: unknown, headers?: Record<string, string>) => {
      const res = await postJson(
        base,
        '/api/alerts',
        { externalId, eventType: 'MET_RAINSTORM', headline: externalId, severity: 'Severe', urgency: 'Expected', certainty: 'Likely', geometry },
        { headers },
      );
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body as unknown as {
        alert: { id: number; affectedGrids: number; impact: AlertPreview['impact']; ack: { pending: string[] } };
        affectedGrids: Array<{ code: string; name: string }>;
      };
    };
    const areaCodesOf = async (id: number) => {
      const [row] = await t.database.rows<{ codes: string[] }>(sql`SELECT area_codes AS codes FROM alerts WHERE id = ${id}::bigint`);
      return row!.codes;
    };

    it.each([
      ['a box across both districts', ACROSS],
      ['a triangle cutting grids diagonally', WEST_TRIANGLE],
      ['a box on grid edges', ON_EDGES],
      ['a drawn circle (64-vertex polygon)', circlePolygon(106.64, 26.52, 1200)],
    ])('%s: the preview is exactly what storing it finds, and writes nothing', async (name, geometry) => {
      const before = await alertRowCounts(t.database);
      const res = await preview(geometry);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const seen = res.body as unknown as AlertPreview;
      expect(await alertRowCounts(t.database)).toEqual(before);
      expect(seen.reachesCity).toBe(true);
      expect(seen.affectedGrids.length).toBeGreaterThan(0);

      const stored = await store(`preview-${name}`, geometry);
      expect(seen.affectedGrids).toEqual(stored.affectedGrids);
      expect(seen.affectedGrids.length).toBe(stored.alert.affectedGrids);
      expect(seen.affectedAreas).toEqual(await areaCodesOf(stored.alert.id));
      expect(seen.ackAreas).toEqual(stored.alert.ack.pending);
      expect(seen.impact).toEqual(stored.alert.impact);
    });

    it('counts what lies inside: both districts acknowledge, the open cases inside, grid population weighted by overlap', async () => {
      const res = await preview(ACROSS);
      const seen = res.body as unknown as AlertPreview;
      expect(seen.ackAreas).toEqual([FIXTURE.west, FIXTURE.east]);
      expect(seen.affectedAreas).toEqual(expect.arrayContaining([FIXTURE.city, FIXTURE.west, FIXTURE.east]));
      // 3 × 2 grid columns × rows: lng 106.625–106.655 touches 4 columns (two halves), lat 26.505–26.525 three rows (two halves).
      expect(seen.affectedGrids).toHaveLength(4 * 3);
      expect(seen.affectedGrids.every((g) => g.code.startsWith(FIXTURE.west) || g.code.startsWith(FIXTURE.east))).toBe(true);
      expect(seen.impact.openCases).toBe(2);
      // The box covers 3 × 2 grids' worth of area (0.03° × 0.02°) at 1,000 people per grid.
      expect(seen.impact.population).toBe(6000);

      // Four grids, the box taken from their stored corners: the twelve around them share an edge with it and stay out.
      const four = ['006', '007', '010', '011'].map((k) => `${FIXTURE.west}001001${k}`);
      const [corners] = await t.database.rows<{ w: number; s: number; e: number; n: number }>(sql`
        SELECT ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS n
        FROM (SELECT ST_Envelope(ST_Collect(geom)) AS b FROM areas WHERE code = ANY(${`{${four.join(',')}}`}::text[])) x`);
      const edges = (await preview(box(corners!.w, corners!.s, corners!.e, corners!.n))).body as unknown as AlertPreview;
      expect(edges.affectedGrids.map((g) => g.code)).toEqual(four);
      expect(edges.ackAreas).toEqual([FIXTURE.west]);
      expect(edges.impact.population).toBe(4000);
    });

    it('an area outside the city reaches nothing, and the same checks as sending refuse bad areas with nothing written', async () => {
      const before = await alertRowCounts(t.database);
      const outside = await preview(OUTSIDE);
      expect(outside.status).toBe(200);
      expect(outside.body).toMatchObject({ reachesCity: false, affectedAreas: [], affectedGrids: [], ackAreas: [] });

      const bowTie = await preview(BOW_TIE);
      expect([bowTie.status, bowTie.body.error?.code]).toEqual([422, 'INVALID_GEOMETRY']);
      const huge = await preview(box(105, 25, 108, 28));
      expect([huge.status, huge.body.error?.code]).toEqual([422, 'GEOMETRY_TOO_COMPLEX']);
      const open = await preview({ type: 'Polygon', coordinates: [[[106.61, 26.51], [106.62, 26.51], [106.62, 26.52]]] });
      expect(open.status).toBe(400);
      // A west duty officer previewing an east-only area: refused as sending it would be.
      const elsewhere = await preview(EAST_ONLY, as['duty-west']);
      expect([elsewhere.status, elsewhere.body.error?.code]).toEqual([422, 'OUTSIDE_JURISDICTION']);
      const mine = await preview(ACROSS, as['duty-west']);
      expect(mine.status).toBe(200);
      // A dispatcher may not post alerts, so may not preview them either.
      const dispatcher = await preview(ACROSS, as['dispatch-city']);
      expect([dispatcher.status, dispatcher.body.error?.code]).toEqual([403, 'FORBIDDEN']);
      expect(await alertRowCounts(t.database)).toEqual(before);
    });
  });
}

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database, type DatabaseKind } from '../../db/client';
import { importAreas, type ImportSummary } from '../../db/import/areas';
import { ImportError } from '../../db/import/errors';
import { seedWithinImported, type WithinSummary } from '../../db/seed/within';
import { GRID_SIZE } from '../../db/seed/sql';
import type { AppServer } from '../../server/app';
import { BAD_SHAPES } from '../helpers/bad-geojson';
import { createTestDatabase, DB_KINDS } from '../helpers/db';
import { appeal, countRows, incident } from '../helpers/fixtures';
import { authed, postJson, startTestServer } from '../helpers/server';
import { POINTS, TRUTH } from '../fixtures/datav-city';

/**
 * A real city's boundary file end to end: the DataV-shaped fixture (GCJ-02,
 * numeric adcodes, nested parent, no city feature, clockwise rings) goes in
 * with ONE command that makes the root; cases are routed to districts while
 * there are no grids and to grids once `seedWithinImported` made them; scoped
 * snapshots hold exactly what an independent PostGIS query puts in each
 * district; bad shapes are refused the same by the importer and the alert API.
 */
const ROOT = '520900';
const DISTRICTS = TRUTH.map((d) => String(d.adcode));
const FIXTURE_FILE = path.resolve(import.meta.dirname, '../fixtures/datav-city.json');
const REPO = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
/** Grids must tile their parents to this relative area (the demo city's bar). */
const TILING = 1e-9;

interface Opened {
  database: Database;
  url?: string;
  summary: ImportSummary;
  drop(): Promise<void>;
}

/** The README's one command, against a fresh database of `kind`; returns the database and the printed summary. */
async function importWithCli(kind: DatabaseKind): Promise<Opened> {
  const args = ['tsx', 'db/import/cli.ts', FIXTURE_FILE, '--code-prop', 'adcode', '--parent-prop', 'parent.adcode', '--datum', 'gcj02', '--make-root', ROOT, '--root-name', '示例市', '--root-name-en', 'Example City'];
  if (kind === 'postgres') {
    const test = await createTestDatabase('postgres');
    const { stdout } = await run('npx', args, { cwd: REPO, env: { ...process.env, DATABASE_URL: test.url } });
    return { database: test.database, ...(test.url ? { url: test.url } : {}), summary: JSON.parse(stdout) as ImportSummary, drop: () => test.drop() };
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'hcm-city-'));
  const { stdout } = await run('npx', args, { cwd: REPO, env: { ...process.env, DATABASE_URL: '', DATA_DIR: dir } });
  const database = await openDatabase({ dataDir: dir });
  return {
    database,
    summary: JSON.parse(stdout) as ImportSummary,
    drop: async () => {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const snapshotIds = async (base: string, area: string): Promise<number[]> => {
  const body = (await (await authed(base, `${base}/api/snapshot?area=${area}`)).json()) as { incidents: { id: number }[]; appeals: { id: number }[] };
  return [...body.incidents, ...body.appeals].map((c) => Number(c.id)).sort((a, b) => a - b);
};

for (const kind of DB_KINDS) {
  describe(`real city data (DataV district file) on ${kind}`, () => {
    let opened: Opened;
    let database: Database;
    let app: AppServer;
    let base: string;
    let seeded: WithinSummary;

    beforeAll(async () => {
      opened = await importWithCli(kind);
      database = opened.database;
      ({ app, base } = await startTestServer(database));
      // PGlite runs in this process and blocks the event loop during the long spatial steps here
      // (seeding, tiling checks): fetch's pooled keep-alive socket could then be reused just as the
      // server's 5 s idle timer closes it (ECONNRESET). Idle sockets outlive this file instead.
      app.httpServer.keepAliveTimeout = 10 * 60_000;
    });
    afterAll(async () => {
      await app?.close();
      await opened?.drop();
    });

    it('imports the districts with one command, making the city root from them', async () => {
      expect(opened.summary).toMatchObject({
        features: 4,
        inserted: 5,
        byLevel: { city: 1, district: 4 },
        root: { code: ROOT, level: 'city', slivers: 1 },
        warnings: [],
      });
      const rows = await database.rows<{ code: string; name: string; level: string; parent: string | null; path: string[] }>(sql`
        SELECT a.code, a.name, a.level, p.code AS parent, a.path FROM areas a LEFT JOIN areas p ON p.id = a.parent_id ORDER BY a.code`);
      expect(rows).toEqual([
        { code: ROOT, name: '示例市', level: 'city', parent: null, path: [ROOT] },
        ...TRUTH.map((d) => ({ code: String(d.adcode), name: d.name, level: 'district', parent: ROOT, path: [ROOT, String(d.adcode)] })),
      ]);
      const config = (await (await authed(base, `${base}/api/config`)).json()) as { cityName: string; cityNameEn: string; rootCode: string };
      expect(config).toMatchObject({ cityName: '示例市', cityNameEn: 'Example City', rootCode: ROOT });
    });

    it('stores WGS84 (the GCJ-02 file converted), right-hand wound, matching the drawn truth', async () => {
      for (const d of TRUTH) {
        const truth = JSON.stringify({ type: 'MultiPolygon', coordinates: d.polygons });
        const [row] = await database.rows<{ off: number; ccw: boolean; dims: number }>(sql`
          SELECT ST_HausdorffDistance(a.geom, ST_SetSRID(ST_GeomFromGeoJSON(${truth}), 4326)) AS off,
                 ST_IsPolygonCCW(a.geom) AS ccw, ST_NDims(a.geom) AS dims
          FROM areas a WHERE a.code = ${String(d.adcode)}`);
        // gcoord's inverse is iterative: within ~1e-7° (≈ 1 cm) of the truth; unconverted it would be ≈ 5e-3° off.
        expect(row!.off, d.name).toBeLessThan(1e-6);
        expect(row!.ccw, d.name).toBe(true);
        expect(row!.dims).toBe(2);
      }
      expect(opened.summary.datumShift?.meanM).toBeGreaterThan(450);
    });

    it('dissolves the root from its districts without the sliver hole a plain union leaves', async () => {
      const [row] = await database.rows<{ plain_holes: number; root_holes: number; parts: number; hole_m2: number; diff_m2: number; valid: boolean }>(sql`
        WITH d AS (SELECT ST_Union(geom) AS g FROM areas WHERE level = 'district'),
        r AS (SELECT geom AS g FROM areas WHERE code = ${ROOT}),
        holes AS (SELECT ST_MakePolygon(ST_InteriorRingN(x.geom, 1)) AS h FROM d, ST_Dump(d.g) x WHERE ST_NumInteriorRings(x.geom) > 0)
        SELECT (SELECT sum(ST_NumInteriorRings(x.geom))::int FROM d, ST_Dump(d.g) x) AS plain_holes,
               (SELECT sum(ST_NumInteriorRings(x.geom))::int FROM r, ST_Dump(r.g) x) AS root_holes,
               (SELECT ST_NumGeometries(r.g) FROM r) AS parts,
               (SELECT sum(ST_Area(h::geography)) FROM holes) AS hole_m2,
               (SELECT ST_Area(ST_SymDifference(r.g, d.g)::geography) FROM r, d) AS diff_m2,
               (SELECT ST_IsValid(r.g) FROM r) AS valid`);
      // The ≤ 3 m gap between 云岭区 and 松桃区 is a hole in a plain union (≈ 0.6 ha), closed in the root;
      // the root differs from the union by that sliver and nothing else (10 m² of overlay noise on a ~440 km² city).
      expect(row).toMatchObject({ plain_holes: 1, root_holes: 0, parts: 1, valid: true });
      expect(row!.hole_m2).toBeGreaterThan(1000);
      expect(row!.hole_m2).toBeLessThan(10_000);
      expect(Math.abs(row!.diff_m2 - row!.hole_m2)).toBeLessThan(10);
    });

    it('routes WGS84 points to their district while the city has no grids', async () => {
      const cases = POINTS.map((p, i) => (i % 2 === 0 ? incident(`d-${i}`, ...p.at) : appeal(`d-${i}`, ...p.at)));
      const res = await postJson(base, '/api/cases/batch', { cases });
      expect(res.status).toBe(200);
      const rows = await database.rows<{ external_id: string; grid_id: number | null; area_codes: string[]; contained: string | null; feed: string[] }>(sql`
        SELECT c.external_id, c.grid_id, c.area_codes,
               (SELECT d.code FROM areas d WHERE d.level = 'district' AND ST_Contains(d.geom, c.geom)) AS contained,
               (SELECT f.area_codes FROM feed f WHERE f.payload->>'id' = c.id::text) AS feed
        FROM cases c WHERE c.external_id LIKE 'd-%' ORDER BY c.id`);
      expect(rows).toHaveLength(POINTS.length);
      // Ids follow the canonical lock order (channel, external id), not the batch order: match by external id.
      rows.forEach((row) => {
        const expected = String(POINTS[Number(row.external_id.slice(2))]!.district);
        expect(row.contained, row.external_id).toBe(expected);
        expect(row, row.external_id).toMatchObject({ grid_id: null, area_codes: [ROOT, expected], feed: [ROOT, expected] });
      });
    });

    it('scopes snapshots per district to exactly the cases an independent query puts there', async () => {
      // One point outside every district: the city sees it, no district does.
      expect((await postJson(base, '/api/cases', incident('outside-1', 106.5, 27.2))).status).toBe(201);
      const all = await snapshotIds(base, ROOT);
      expect(all).toHaveLength(POINTS.length + 1);
      for (const code of DISTRICTS) {
        const expected = await database.rows<{ id: number }>(sql`
          SELECT c.id FROM cases c JOIN areas d ON d.code = ${code} AND ST_Contains(d.geom, c.geom) ORDER BY c.id`);
        expect(expected.length, code).toBeGreaterThan(0);
        expect(await snapshotIds(base, code), code).toEqual(expected.map((r) => Number(r.id)));
      }
    });

    it('scopes an alert to the districts it reaches', async () => {
      // A box over the middle of 河湾区 only.
      const geometry = { type: 'Polygon', coordinates: [[[106.34, 26.92], [106.38, 26.92], [106.38, 26.96], [106.34, 26.96], [106.34, 26.92]]] };
      const res = await postJson(base, '/api/alerts', {
        externalId: 'city-rain', eventType: 'MET_RAINSTORM', headline: '暴雨', severity: 'Severe', urgency: 'Expected', certainty: 'Likely', geometry,
      });
      expect(res.status).toBe(201);
      const [row] = await database.rows<{ area_codes: string[]; affected_grids: number }>(sql`SELECT area_codes, affected_grids FROM alerts WHERE external_id = 'city-rain'`);
      expect(row).toEqual({ area_codes: [ROOT, '520905'], affected_grids: 0 });
    });

    it('seeds streets, communities and grids that tile the real districts with no gap or overlap', async () => {
      seeded = await seedWithinImported(database, { seed: 5, scale: 0.5 });
      expect(seeded.districts).toEqual(DISTRICTS);
      expect(seeded.grids).toBeGreaterThan(seeded.communities);
      const rows = await database.rows<{ code: string; level: string; children: number; gap: number; overlap: number; population: number; sum: number }>(sql`
        SELECT p.code, p.level, u.children, p.population, u.population AS sum,
               ST_Area(ST_SymDifference(u.geom, p.geom, ${GRID_SIZE}::float8)) / ST_Area(p.geom) AS gap,
               abs(u.area - ST_Area(p.geom)) / ST_Area(p.geom) AS overlap
        FROM areas p
        CROSS JOIN LATERAL (
          SELECT count(*)::int AS children, ST_Union(c.geom, ${GRID_SIZE}::float8) AS geom, sum(ST_Area(c.geom)) AS area,
                 sum(c.population)::int AS population
          FROM areas c WHERE c.parent_id = p.id
        ) u
        WHERE p.level IN ('district', 'street', 'community')`);
      expect(rows).toHaveLength(4 + seeded.streets + seeded.communities);
      for (const row of rows) {
        expect(row.children, row.code).toBeGreaterThan(0);
        expect(row.gap, `${row.level} ${row.code} gap`).toBeLessThan(TILING);
        expect(row.overlap, `${row.level} ${row.code} overlap`).toBeLessThan(TILING);
        expect(row.sum, `${row.level} ${row.code} population`).toBe(row.population);
      }
      const [grids] = await database.rows<{ n: number; codes_ok: number }>(sql`
        SELECT count(*)::int AS n, count(*) FILTER (WHERE code ~ '^52090[2-5][0-9]{9}$' AND path[2] = left(code, 6))::int AS codes_ok
        FROM areas WHERE level = 'grid'`);
      expect(grids).toEqual({ n: seeded.grids, codes_ok: seeded.grids });
    });

    it('routes WGS84 points to grids once the grids exist', async () => {
      const cases = POINTS.map((p, i) => incident(`g-${i}`, ...p.at));
      expect((await postJson(base, '/api/cases/batch', { cases })).status).toBe(200);
      const rows = await database.rows<{ external_id: string; grid: string | null; area_codes: string[]; contained: string | null; path: string[] | null }>(sql`
        SELECT c.external_id, g.code AS grid, c.area_codes, x.code AS contained, x.path
        FROM cases c LEFT JOIN areas g ON g.id = c.grid_id
        LEFT JOIN LATERAL (SELECT a.code, a.path FROM areas a WHERE a.level = 'grid' AND ST_Contains(a.geom, c.geom)) x ON true
        WHERE c.external_id LIKE 'g-%' ORDER BY c.id`);
      expect(rows).toHaveLength(POINTS.length);
      rows.forEach((row) => {
        expect(row.contained, row.external_id).not.toBeNull();
        expect(row.grid, row.external_id).toBe(row.contained);
        expect(row.area_codes).toEqual(row.path);
        expect(row.area_codes.slice(0, 2)).toEqual([ROOT, String(POINTS[Number(row.external_id.slice(2))]!.district)]);
        expect(row.area_codes).toHaveLength(5);
      });
    });

    it('serves any level back as RFC 7946 GeoJSON (right-hand rule) from /api/areas', async () => {
      for (const level of ['city', 'district', 'street', 'community', 'grid']) {
        const res = await authed(base, `${base}/api/areas?level=${level}`);
        expect(res.status).toBe(200);
        const body = (await res.json()) as { type: string; features: Array<{ geometry: { type: string; coordinates: number[][][][] } }> };
        expect(body.type).toBe('FeatureCollection');
        expect(body.features.length, level).toBeGreaterThan(0);
        for (const f of body.features) {
          expect(f.geometry.type).toBe('MultiPolygon');
          for (const polygon of f.geometry.coordinates) {
            polygon.forEach((ring, r) => {
              const area = ring.reduce((s, [x, y], i) => {
                const [nx, ny] = ring[(i + 1) % ring.length]!;
                return s + x! * ny! - nx! * y!;
              }, 0);
              expect(r === 0 ? area > 0 : area < 0, `${level} ring ${r}`).toBe(true);
            });
          }
        }
      }
    });

    for (const bad of BAD_SHAPES) {
      it(`refuses ${bad.name} in the importer and the alert API, writing nothing`, async () => {
        const before = await countRows(database);
        const [areasBefore] = await database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM areas`);
        const file = {
          type: 'FeatureCollection',
          features: [
            { type: 'Feature', properties: { code: '520905999', name: '好街道' }, geometry: { type: 'Polygon', coordinates: [[[106.35, 26.91], [106.36, 26.91], [106.36, 26.92], [106.35, 26.91]]] } },
            { type: 'Feature', properties: { code: '520905998', name: '坏街道' }, geometry: bad.geometry },
          ],
        };
        const error = await importAreas(database, file, { codeProp: 'code', nameProp: 'name', level: 'street' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ImportError);
        expect((error as ImportError).featureIndex).toBe(1);
        expect((error as ImportError).reason).toMatch(bad.reason);
        const res = await postJson(base, '/api/alerts', {
          externalId: `bad-${bad.name}`, eventType: 'MET_RAINSTORM', headline: '暴雨', severity: 'Severe', urgency: 'Expected', certainty: 'Likely', geometry: bad.geometry,
        });
        expect(res.status).toBe(400);
        expect(res.body.error?.code).toBe('VALIDATION_FAILED');
        expect(res.body.error?.message).toMatch(bad.reason);
        const [areasAfter] = await database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM areas`);
        expect(areasAfter).toEqual(areasBefore);
        expect(await countRows(database)).toEqual(before);
      });
    }

    it('accepts altitudes and either winding the same way in the importer and the API, storing 2D right-hand shapes', async () => {
      const clockwise3d = [[106.35, 26.91, 1000], [106.35, 26.92, 1000], [106.36, 26.92, 1000], [106.36, 26.91, 1000], [106.35, 26.91, 1000]];
      const geometry = { type: 'Polygon', bbox: [106.35, 26.91, 1000, 106.36, 26.92, 1000], coordinates: [clockwise3d] };
      const summary = await importAreas(database, { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code: '520905999', name: '新街道' }, geometry }] }, {
        codeProp: 'code', nameProp: 'name', level: 'street', parentCodeProp: 'parent',
      });
      expect(summary).toMatchObject({ inserted: 1 });
      const res = await postJson(base, '/api/alerts', {
        externalId: 'alt-1', eventType: 'MET_RAINSTORM', headline: '暴雨', severity: 'Severe', urgency: 'Expected', certainty: 'Likely', geometry,
      });
      expect(res.status).toBe(201);
      const rows = await database.rows<{ dims: number; ccw: boolean; same: boolean }>(sql`
        SELECT ST_NDims(g) AS dims, ST_IsPolygonCCW(g) AS ccw,
               ST_OrderingEquals(g, (SELECT geom FROM areas WHERE code = '520905999')) AS same
        FROM (SELECT geom AS g FROM areas WHERE code = '520905999' UNION ALL SELECT geom FROM alerts WHERE external_id = 'alt-1') x`);
      expect(rows).toEqual([
        { dims: 2, ccw: true, same: true },
        { dims: 2, ccw: true, same: true },
      ]);
    });

    if (kind === 'postgres') {
      it('db:export writes any level as the same RFC 7946 document /api/areas serves', async () => {
        const dir = await mkdtemp(path.join(tmpdir(), 'hcm-export-'));
        try {
          const out = path.join(dir, 'districts.geojson');
          await run('npx', ['tsx', 'db/export/cli.ts', '--level', 'district', '--out', out], { cwd: REPO, env: { ...process.env, DATABASE_URL: opened.url } });
          const exported = JSON.parse(await readFile(out, 'utf8')) as unknown;
          const served = (await (await authed(base, `${base}/api/areas?level=district`)).json()) as unknown;
          expect(exported).toEqual(served);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });
    }
  });
}

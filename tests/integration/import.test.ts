import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client';
import { importAreas } from '../../db/import/areas';
import { ImportError } from '../../db/import/errors';
import type { AreaMapping } from '../../db/import/geojson';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db';
import datav from '../fixtures/datav-city.json';

/**
 * GeoJSON import: a good file lands with its hierarchy; every kind of bad file
 * is refused with an ImportError naming the feature and the reason, and
 * nothing at all is written.
 */
type Ring = number[][];
type Geometry = { type: string; coordinates: unknown };

const rect = (west: number, south: number, east: number, north: number): Ring => [
  [west, south],
  [east, south],
  [east, north],
  [west, north],
  [west, south],
];
const polygon = (...rings: unknown[][]): Geometry => ({ type: 'Polygon', coordinates: rings });

function feature(properties: Record<string, unknown>, geometry: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'Feature', id: `f-${String(properties.code)}`, properties, geometry, ...extra };
}
const collection = (...features: unknown[]): Record<string, unknown> => ({ type: 'FeatureCollection', features });

const MAPPING: AreaMapping = {
  levelProp: 'level',
  codeProp: 'code',
  nameProp: 'name',
  parentCodeProp: 'parent_code',
  populationProp: 'population',
};
const GRIDS: AreaMapping = { ...MAPPING, level: 'grid', levelProp: undefined };

/** A small city: 市 → 南明区 → one street → one community → two grids, west half of a 0.2° square. */
const CITY_FILE = collection(
  feature({ code: '520100', name: '贵阳市', level: 'city' }, polygon(rect(106.6, 26.5, 106.8, 26.7))),
  feature({ code: '520102', name: '南明区', level: '区' }, polygon(rect(106.6, 26.5, 106.8, 26.7))),
  feature({ code: '520102001', name: '河滨街道', level: 'street', parent_code: '520102' }, polygon(rect(106.6, 26.5, 106.7, 26.7))),
  feature({ code: '520102001001', name: '青山社区', level: '社区' }, polygon(rect(106.6, 26.6, 106.7, 26.7))),
  feature(
    { code: '520102001001001', name: '青山社区第1网格', level: 'grid', parent_code: '520102001001', population: 1400 },
    polygon(rect(106.6, 26.6, 106.65, 26.7)),
  ),
  feature(
    { code: '520102001001002', name: '青山社区第2网格', level: 'grid', parent_code: '520102001001', population: '1120' },
    { type: 'MultiPolygon', coordinates: [[rect(106.65, 26.6, 106.7, 26.7)]] },
  ),
);

/** A new grid that would import fine on its own: put first in each bad file, it proves nothing partial is written. */
const GOOD_GRID = feature(
  { code: '520102001001009', name: '青山社区第9网格', parent_code: '520102001001' },
  polygon(rect(106.6, 26.6, 106.61, 26.61)),
);
const grid = (geometry: unknown, properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  feature({ code: '520102001001010', name: '青山社区第10网格', parent_code: '520102001001', ...properties }, geometry, extra);
const square = polygon(rect(106.61, 26.61, 106.62, 26.62));

interface BadCase {
  name: string;
  input: unknown;
  mapping?: AreaMapping;
  /** null: the file as a whole; otherwise the offending feature. */
  featureIndex: number | null;
  reason: RegExp;
}

const circle = (n: number): Ring => {
  const ring = Array.from({ length: n - 1 }, (_, i) => {
    const t = (2 * Math.PI * i) / (n - 1);
    return [106.65 + 0.01 * Math.cos(t), 26.65 + 0.01 * Math.sin(t)];
  });
  return [...ring, ring[0] as number[]];
};

const BAD: BadCase[] = [
  { name: 'bad JSON text', input: '{"type": "FeatureCollection", "features": [', featureIndex: null, reason: /invalid JSON/ },
  { name: 'not a FeatureCollection', input: GOOD_GRID, featureIndex: null, reason: /not a GeoJSON FeatureCollection/ },
  { name: 'features not an array', input: { type: 'FeatureCollection', features: {} }, featureIndex: null, reason: /features must be an array/ },
  { name: 'a member that is not a Feature', input: collection(GOOD_GRID, { type: 'Polygon' }), featureIndex: 1, reason: /not a GeoJSON Feature/ },
  { name: 'properties not an object', input: collection(GOOD_GRID, { type: 'Feature', properties: 'x', geometry: square }), featureIndex: 1, reason: /properties must be an object/ },
  { name: 'Point geometry', input: collection(GOOD_GRID, grid({ type: 'Point', coordinates: [106.6, 26.6] })), featureIndex: 1, reason: /geometry type "Point" is not Polygon or MultiPolygon/ },
  { name: 'no geometry', input: collection(GOOD_GRID, grid(null)), featureIndex: 1, reason: /no geometry/ },
  { name: 'missing code', input: collection(GOOD_GRID, grid(square, { code: undefined })), featureIndex: 1, reason: /missing property "code"/ },
  // Whole JSON numbers are codes (DataV's adcode); anything else numeric is not.
  { name: 'fractional numeric code', input: collection(GOOD_GRID, grid(square, { code: 520102.5 })), featureIndex: 1, reason: /"code" must be a string of digits, got 520102.5/ },
  { name: 'numeric code too large to be exact', input: collection(GOOD_GRID, grid(square, { code: 2 ** 60 })), featureIndex: 1, reason: /"code" must be a string of digits, got 1152921504606847000/ },
  { name: 'code with letters', input: collection(GOOD_GRID, grid(square, { code: 'A52010' })), featureIndex: 1, reason: /"code" must be a string of 1–24 digits/ },
  { name: 'missing name', input: collection(GOOD_GRID, grid(square, { name: ' ' })), featureIndex: 1, reason: /missing or empty property "name"/ },
  { name: 'unknown level', input: collection(feature({ code: '520102001001010', name: 'x', level: 'block', parent_code: '520102001001' }, square)), mapping: MAPPING, featureIndex: 0, reason: /unknown level "block"/ },
  { name: 'unclosed ring', input: collection(GOOD_GRID, grid(polygon(rect(106.61, 26.61, 106.62, 26.62).slice(0, 4).concat([[106.611, 26.61]])))), featureIndex: 1, reason: /ring 0 of polygon 0 is not closed/ },
  { name: 'ring of 3 positions', input: collection(GOOD_GRID, grid(polygon([[106.61, 26.61], [106.62, 26.61], [106.61, 26.61]]))), featureIndex: 1, reason: /has 3 positions; a closed ring needs at least 4/ },
  { name: 'self-intersecting ring', input: collection(GOOD_GRID, grid(polygon([[106.61, 26.61], [106.62, 26.62], [106.62, 26.61], [106.61, 26.62], [106.61, 26.61]]))), featureIndex: 1, reason: /invalid geometry: .*self-intersection/i },
  { name: 'hole outside its shell', input: collection(GOOD_GRID, grid(polygon(rect(106.61, 26.61, 106.62, 26.62), rect(106.63, 26.63, 106.64, 26.64)))), featureIndex: 1, reason: /invalid geometry: hole lies outside shell/i },
  { name: 'longitude out of range', input: collection(GOOD_GRID, grid(polygon(rect(179.99, 26.61, 200, 26.62)))), featureIndex: 1, reason: /longitude 200 is outside \[-180, 180\]/ },
  { name: 'latitude out of range (swapped axes)', input: collection(GOOD_GRID, grid(polygon(rect(26.61, 106.61, 26.62, 106.62)))), featureIndex: 1, reason: /latitude 106.61 is outside \[-90, 90\] \(are longitude and latitude swapped\?\)/ },
  { name: 'NaN coordinate', input: collection(GOOD_GRID, grid(polygon([[106.61, 26.61], [Number.NaN, 26.61], [106.62, 26.62], [106.61, 26.61]]))), featureIndex: 1, reason: /position 1 holds NaN, not a finite number/ },
  { name: 'string coordinate', input: collection(GOOD_GRID, grid(polygon([[106.61, 26.61], ['106.62', 26.61], [106.62, 26.62], [106.61, 26.61]]))), featureIndex: 1, reason: /holds "106.62", not a finite number/ },
  { name: 'four-dimensional position', input: collection(GOOD_GRID, grid(polygon([[106.61, 26.61, 0, 1], [106.62, 26.61, 0, 1], [106.62, 26.62, 0, 1], [106.61, 26.61, 0, 1]]))), featureIndex: 1, reason: /has 4 values; at most 3/ },
  { name: 'projected CRS', input: { ...collection(GOOD_GRID), crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3857' } } }, featureIndex: null, reason: /unknown CRS "urn:ogc:def:crs:EPSG::3857"/ },
  { name: 'projected CRS on a feature', input: collection(GOOD_GRID, grid(square, {}, { crs: { type: 'EPSG', properties: { code: 3857 } } })), featureIndex: 1, reason: /unknown CRS "EPSG:3857"/ },
  { name: 'duplicate codes in the file', input: collection(GOOD_GRID, GOOD_GRID), featureIndex: 1, reason: /duplicate code 520102001001009 \(also feature #0\)/ },
  { name: 'code already in the database', input: collection(GOOD_GRID, grid(square, { code: '520102001001001' })), featureIndex: 1, reason: /code 520102001001001 already exists in the database/ },
  { name: 'parent code that does not exist', input: collection(GOOD_GRID, grid(square, { parent_code: '520102999' })), featureIndex: 1, reason: /parent code 520102999 not found in the file or the database/ },
  { name: 'no parent to attach to', input: collection(GOOD_GRID, grid(square, { code: '520199001001001', parent_code: null })), featureIndex: 1, reason: /no parent code given and no area 520199001001/ },
  {
    name: 'a DataV district file whose city is neither in the file nor made',
    input: datav,
    mapping: { codeProp: 'adcode', nameProp: 'name', levelProp: 'level', parentCodeProp: 'parent.adcode', datum: 'gcj02' },
    featureIndex: 0,
    reason: /parent code 520900 not found in the file or the database \(to create it from this file's areas: --make-root 520900 --root-name <name>\)/,
  },
  { name: 'parent at the same level', input: collection(GOOD_GRID, grid(square, { parent_code: '520102001001001' })), featureIndex: 1, reason: /parent 520102001001001 is a grid; a grid must sit under a higher level/ },
  { name: 'too many vertices in one feature', input: collection(GOOD_GRID, grid(polygon(circle(100_001)))), featureIndex: 1, reason: /more than 100000 vertices in one feature/ },
  {
    name: 'too many features',
    input: collection(...Array.from({ length: 50_001 }, (_, i) => grid(square, { code: String(520102001001000 + i) }))),
    featureIndex: null,
    reason: /too many features: 50001/,
  },
];

for (const kind of DB_KINDS) {
  describe(`GeoJSON area import on ${kind}`, () => {
    let test: TestDatabase;
    let database: Database;
    const count = async (): Promise<number> =>
      Number((await database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM areas`))[0]?.n);

    beforeAll(async () => {
      test = await createTestDatabase(kind);
      database = test.database;
    });
    afterAll(async () => {
      await test?.drop();
    });

    it('imports a city file with its hierarchy, parents before children', async () => {
      // Children listed before parents must still work: the loader sorts by level.
      const shuffled = { ...CITY_FILE, features: [...(CITY_FILE.features as unknown[])].reverse() };
      const summary = await importAreas(database, shuffled, MAPPING);
      expect(summary).toMatchObject({
        features: 6,
        inserted: 6,
        updated: 0,
        byLevel: { city: 1, district: 1, street: 1, community: 1, grid: 2 },
      });
      const rows = await database.rows<{ code: string; level: string; parent: string | null; path: string[]; population: number; households: number; area_ok: boolean; srid: number; type: string }>(sql`
        SELECT a.code, a.level, p.code AS parent, a.path, a.population, a.households,
               abs(a.area_m2 - ST_Area(a.geom::geography)) <= 1 AND a.area_m2 > 0 AS area_ok,
               ST_SRID(a.geom) AS srid, GeometryType(a.geom) AS type
        FROM areas a LEFT JOIN areas p ON p.id = a.parent_id ORDER BY a.code`);
      expect(rows.map((r) => [r.code, r.level, r.parent, r.path])).toEqual([
        ['520100', 'city', null, ['520100']],
        ['520102', 'district', '520100', ['520100', '520102']],
        ['520102001', 'street', '520102', ['520100', '520102', '520102001']],
        ['520102001001', 'community', '520102001', ['520100', '520102', '520102001', '520102001001']],
        ['520102001001001', 'grid', '520102001001', ['520100', '520102', '520102001', '520102001001', '520102001001001']],
        ['520102001001002', 'grid', '520102001001', ['520100', '520102', '520102001', '520102001001', '520102001001002']],
      ]);
      expect(rows.filter((r) => r.level === 'grid').map((r) => [r.population, r.households])).toEqual([
        [1400, 500],
        [1120, 400],
      ]);
      for (const r of rows) expect([r.area_ok, r.srid, r.type]).toEqual([true, 4326, 'MULTIPOLYGON']);
    });

    it('imports a grid-only file given as text, with a legacy CRS84 member and altitudes', async () => {
      const text = JSON.stringify({
        ...collection(
          feature(
            { code: '520102001001003', name: '青山社区第3网格', parent_code: '520102001001' },
            polygon(rect(106.6, 26.6, 106.61, 26.61).map(([x, y]) => [x as number, y as number, 1071])),
          ),
        ),
        crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } },
      });
      const summary = await importAreas(database, text, GRIDS);
      expect(summary).toMatchObject({ inserted: 1, updated: 0, byLevel: { grid: 1 } });
      const [row] = await database.rows<{ dims: number; parent: string }>(sql`
        SELECT ST_NDims(a.geom) AS dims, p.code AS parent FROM areas a JOIN areas p ON p.id = a.parent_id
        WHERE a.code = '520102001001003'`);
      expect(row).toEqual({ dims: 2, parent: '520102001001' });
    });

    it('updates existing codes in place only when asked to replace', async () => {
      const again = collection(
        feature({ code: '520102001001003', name: '青山社区第3网格（调整）', parent_code: '520102001001' }, polygon(rect(106.6, 26.6, 106.62, 26.62))),
      );
      const before = await count();
      await expect(importAreas(database, again, GRIDS)).rejects.toThrow(/already exists/);
      const [old] = await database.rows<{ id: number }>(sql`SELECT id FROM areas WHERE code = '520102001001003'`);
      const summary = await importAreas(database, again, GRIDS, { replace: true });
      expect(summary).toMatchObject({ inserted: 0, updated: 1 });
      const [row] = await database.rows<{ id: number; name: string; path: string[] }>(
        sql`SELECT id, name, path FROM areas WHERE code = '520102001001003'`,
      );
      expect(row).toEqual({ id: old?.id, name: '青山社区第3网格（调整）', path: ['520100', '520102', '520102001', '520102001001', '520102001001003'] });
      expect(await count()).toBe(before);
    });

    for (const bad of BAD) {
      it(`refuses ${bad.name} and writes nothing`, async () => {
        const before = await count();
        const error = await importAreas(database, bad.input, bad.mapping ?? GRIDS).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(ImportError);
        const importError = error as ImportError;
        expect(importError.reason).toMatch(bad.reason);
        expect(importError.featureIndex).toBe(bad.featureIndex);
        if (bad.featureIndex !== null) expect(importError.message).toMatch(new RegExp(`^feature #${bad.featureIndex}\\b`));
        expect(await count()).toBe(before);
        const [leaked] = await database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM areas WHERE code = '520102001001009'`);
        expect(leaked?.n).toBe(0);
      });
    }

    it('names the feature by id and code in the message', async () => {
      const error = await importAreas(database, collection(GOOD_GRID, grid(polygon(rect(106.61, 26.61, 200, 26.62)))), GRIDS).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ImportError);
      expect((error as ImportError).message).toBe(
        'feature #1 (id "f-520102001001010", code 520102001001010): ring 0 of polygon 0, position 1: longitude 200 is outside [-180, 180]',
      );
      expect(error).toMatchObject({ featureIndex: 1, featureId: 'f-520102001001010', code: '520102001001010' });
    });
  });
}

describe('db:import command line', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hcm-import-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 1 with the reason on stderr for a bad file', async () => {
    const file = path.join(dir, 'bad.geojson');
    await writeFile(file, JSON.stringify(collection(grid(polygon([[106.61, 26.61], [106.62, 26.61], [106.62, 26.62], [106.6, 26.6]])))));
    const run = promisify(execFile);
    const failure = await run('npx', ['tsx', 'db/import/cli.ts', file, '--level', 'grid', '--parent-prop', 'parent_code'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      // Never touch a developer's database: the file is refused before one would be opened anyway.
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: path.join(dir, 'pglite') },
    }).then(
      () => null,
      (e: unknown) => e as { code: number; stderr: string; stdout: string },
    );
    expect(failure).not.toBeNull();
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/import refused: feature #0 \(id "f-520102001001010", code 520102001001010\): ring 0 of polygon 0 is not closed/);
    expect(failure?.stdout).toBe('');
  });
});

import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';

/**
 * A tiny hand-made hierarchy for tests that need known shapes: city 520100 →
 * districts 520102 (west half) and 520103 (east half) → one street and one
 * community each → a 4×4 block of square grids per community. Grid squares are
 * 0.01° wide; the whole city spans lng 106.60–106.68, lat 26.50–26.54.
 */
export const FIXTURE = {
  city: '520100',
  west: '520102',
  east: '520103',
  bbox: [106.6, 26.5, 106.68, 26.54] as const,
  gridsPerDistrict: 16,
};

function square(w: number, s: number, e: number, n: number): string {
  return JSON.stringify({ type: 'MultiPolygon', coordinates: [[[[w, s], [e, s], [e, n], [w, n], [w, s]]]] });
}

export async function insertFixtureCity(database: Database): Promise<void> {
  const insert = async (code: string, name: string, level: string, parent: string | null, path: string[], geom: string, population = 1000) => {
    await database.rows(sql`
      INSERT INTO areas (code, name, level, parent_id, path, population, geom)
      VALUES (${code}, ${name}, ${level}, (SELECT id FROM areas WHERE code = ${parent}), ${`{${path.join(',')}}`}::text[],
              ${population}, ST_SetSRID(ST_GeomFromGeoJSON(${geom}), 4326))`);
  };
  const [w, s, e, n] = FIXTURE.bbox;
  await insert(FIXTURE.city, '测试市', 'city', null, [FIXTURE.city], square(w, s, e, n));
  for (const [i, district] of [FIXTURE.west, FIXTURE.east].entries()) {
    const dw = w + i * 0.04;
    const street = `${district}001`;
    const community = `${street}001`;
    const box = square(dw, s, dw + 0.04, n);
    await insert(district, `区${i + 1}`, 'district', FIXTURE.city, [FIXTURE.city, district], box);
    await insert(street, `街道${i + 1}`, 'street', district, [FIXTURE.city, district, street], box);
    await insert(community, `社区${i + 1}`, 'community', street, [FIXTURE.city, district, street, community], box);
    let k = 0;
    for (let row = 0; row < 4; row++) {
      for (let col = 0; col < 4; col++) {
        k++;
        const gw = dw + col * 0.01;
        const gn = n - row * 0.01;
        const grid = `${community}${String(k).padStart(3, '0')}`;
        await insert(grid, `第${k}网格`, 'grid', community, [FIXTURE.city, district, street, community, grid], square(gw, gn - 0.01, gw + 0.01, gn));
      }
    }
  }
}

export function incident(externalId: string, lng: number, lat: number, extra: Record<string, unknown> = {}) {
  return {
    kind: 'incident',
    channel: 'grid_worker',
    externalId,
    category: '0102',
    severity: 'Moderate',
    title: `测试事件 ${externalId}`,
    location: { type: 'Point', coordinates: [lng, lat] },
    ...extra,
  };
}

export function appeal(externalId: string, lng: number, lat: number, extra: Record<string, unknown> = {}) {
  return {
    kind: 'appeal',
    channel: 'hotline_12345',
    externalId,
    category: 'TS',
    topic: '噪音扰民',
    location: { type: 'Point', coordinates: [lng, lat] },
    ...extra,
  };
}

/** Row counts of everything intake writes; case_events must always match cases one to one here. */
export async function countRows(database: Database): Promise<{ cases: number; feed: number; alerts: number }> {
  const [row] = await database.rows<{ cases: number; feed: number; alerts: number; events: number }>(sql`
    SELECT (SELECT count(*)::int FROM cases) AS cases, (SELECT count(*)::int FROM feed) AS feed,
           (SELECT count(*)::int FROM alerts) AS alerts, (SELECT count(*)::int FROM case_events) AS events`);
  if (row!.events !== row!.cases) throw new Error(`case_events (${row!.events}) out of step with cases (${row!.cases})`);
  return { cases: row!.cases, feed: row!.feed, alerts: row!.alerts };
}

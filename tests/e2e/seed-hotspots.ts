import { sql } from 'drizzle-orm';
import { openDatabase } from '../../db/client';
import { countAreas } from '../../db/queries/areas';
import { seedDemoCity } from '../../db/seed/city';
import { insertHotspot } from '../helpers/hotspot-fixture';

/**
 * Runs before an e2e server starts (playwright.config.ts): seeds the demo city as
 * the server would (same seed and scale), then leaves two appeal hotspots as the
 * detection run would — an emerging one in a street of 南明区 and a cooling one in
 * another street — so the wall's and the leader's hotspot layer have something to
 * draw without depending on detection (tests/e2e/hotspots.spec.ts). PGlite allows
 * one process at a time: this closes before the server opens the folder.
 */
const url = process.env.DATABASE_URL || undefined;
const database = await openDatabase(url ? { url } : { dataDir: process.env.DATA_DIR });
try {
  if ((await countAreas(database)) === 0) await seedDemoCity(database, { seed: 1, scale: Number(process.env.SEED_SCALE ?? 1) });
  const streets = await database.rows<{ code: string; name: string; path: string[]; lng: number; lat: number }>(sql`
    SELECT code, name, path, ST_X(ST_PointOnSurface(geom)) AS lng, ST_Y(ST_PointOnSurface(geom)) AS lat
    FROM areas WHERE level = 'street' AND path @> ARRAY['520102'] ORDER BY code LIMIT 2`);
  const [a, b] = streets;
  if (!a || !b) throw new Error('the demo city has fewer than two streets in 520102');
  await insertHotspot(database, {
    center: [a.lng, a.lat],
    halfDeg: 0.006,
    trend: 'emerging',
    count: 9,
    topic: null,
    topics: { 噪音扰民: 6, 物业管理: 3 },
    areas: [{ code: a.code, name: a.name, count: 9 }],
    areaCodes: a.path,
  });
  await insertHotspot(database, {
    center: [b.lng, b.lat],
    halfDeg: 0.004,
    trend: 'cooling',
    count: 4,
    previousCount: 7,
    topic: '环境污染',
    topics: { 环境污染: 4 },
    areas: [{ code: b.code, name: b.name, count: 4 }],
    areaCodes: b.path,
  });
} finally {
  await database.close();
}

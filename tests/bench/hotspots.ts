import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { DEFAULT_DETECTION, detectClusters, prepareDetection } from '../../db/queries/hotspots';
import { seedDemoCity } from '../../db/seed/city';
import { runHotspots } from '../../server/services/hotspots';
import { createTestDatabase } from '../helpers/db';
import { distribution, type Distribution } from './stats';

/**
 * Hotspot detection at city scale on PostgreSQL: `appeals` appeals over 30 days
 * (written set-based with generate_series: most of them around a few drifting
 * centres, the rest uniform over a random grid's box, so
 * the background follows the grids' density), then the detection query over
 * the default 72 h window and over the whole 30 days, each beside a plain
 * `count(*)` of the same window in the same run; and a whole run (detect, match,
 * write, alerts, feed) in its transaction, first (everything new) and repeated.
 */
export interface HotspotBenchRow {
  target: string;
  window: string;
  /** Appeals in the window. */
  appeals: number;
  /** Clusters found (detection) or hotspots written (run). */
  found: number;
  ms: Distribution;
}

export interface HotspotBench {
  appeals: number;
  fillMs: number;
  rows: HotspotBenchRow[];
}

const DAY = 86_400_000;

export async function fillBenchAppeals(database: Database, appeals: number, at: Date): Promise<void> {
  // Drifting centres: each spot moves along a line from a random grid's centre, ±2 km over the 30 days.
  await database.rows(sql`
    CREATE UNLOGGED TABLE bench_spots AS
    SELECT row_number() OVER () - 1 AS k, ST_X(c) AS lng, ST_Y(c) AS lat, (random() - 0.5) * 0.04 AS dx, (random() - 0.5) * 0.04 AS dy,
           (ARRAY['物业管理', '噪音扰民', '环境污染', '交通出行', '拆迁安置', '劳动社保'])[1 + (row_number() OVER ())::int % 6] AS topic
    FROM (SELECT ST_Centroid(geom) AS c FROM areas WHERE level = 'grid' ORDER BY random() LIMIT 12) g`);
  await database.rows(sql`
    CREATE UNLOGGED TABLE bench_grids AS
    SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, ST_XMin(geom) AS x0, ST_XMax(geom) - ST_XMin(geom) AS dx,
           ST_YMin(geom) AS y0, ST_YMax(geom) - ST_YMin(geom) AS dy FROM areas WHERE level = 'grid'`);
  const chunk = 100_000;
  for (let from = 0; from < appeals; from += chunk) {
    const to = Math.min(appeals, from + chunk);
    await database.rows(sql`
      -- t: the age as a share of 30 days, rising with n, so rows land on the heap in time order as real intake does.
      WITH n AS (SELECT g AS n, random() AS u, (g + random()) / ${appeals}::float8 AS t, random() AS r1, random() AS r2, random() AS r3
                 FROM generate_series(${from}::int, ${to - 1}::int) g),
      spot AS (SELECT count(*) AS spots FROM bench_spots), grids AS (SELECT count(*) AS grids FROM bench_grids),
      placed AS (
        SELECT n.n, n.t,
          CASE WHEN n.u < 0.7 THEN s.lng + s.dx * n.t + sqrt(-2 * ln(1 - n.r1)) * cos(2 * pi() * n.r2) * 0.004
               ELSE g.x0 + n.r1 * g.dx END AS lng,
          CASE WHEN n.u < 0.7 THEN s.lat + s.dy * n.t + sqrt(-2 * ln(1 - n.r1)) * sin(2 * pi() * n.r2) * 0.004
               ELSE g.y0 + n.r2 * g.dy END AS lat,
          CASE WHEN n.u < 0.7 AND n.r1 < 0.6 THEN s.topic
               ELSE (ARRAY['物业管理', '噪音扰民', '环境污染', '交通出行', '劳动社保', '住房建设', '拆迁安置', '医疗卫生', '教育', '市场监管', '供水供电', '城市管理'])[1 + floor(n.r3 * 12)::int] END AS topic
        FROM n CROSS JOIN spot CROSS JOIN grids
        JOIN bench_spots s ON s.k = n.n % spot.spots
        JOIN bench_grids g ON g.k = (n.n::bigint * 7919) % grids.grids
      )
      INSERT INTO cases (kind, channel, external_id, category, topic, geom, grid_id, area_codes, reported_at)
      SELECT 'appeal', 'hotline_12345', 'bench-hot-' || p.n, 'TS', p.topic, ST_SetSRID(ST_MakePoint(p.lng, p.lat), 4326),
             loc.id, coalesce(loc.path, ARRAY[(SELECT code FROM areas WHERE parent_id IS NULL LIMIT 1)]),
             ${at.toISOString()}::timestamptz - make_interval(secs => p.t * 30 * 86400)
      FROM placed p
      LEFT JOIN LATERAL (SELECT a.id, a.path FROM areas a WHERE a.level = 'grid' AND a.geom && ST_SetSRID(ST_MakePoint(p.lng, p.lat), 4326)
                           AND ST_Intersects(a.geom, ST_SetSRID(ST_MakePoint(p.lng, p.lat), 4326)) LIMIT 1) loc ON true`);
  }
  await database.rows(sql`DROP TABLE bench_spots, bench_grids`);
  await database.rows(sql`VACUUM ANALYZE cases`);
}

async function time(samples: number, work: () => Promise<number>, warm = true): Promise<{ ms: Distribution; found: number }> {
  let found = warm ? await work() : 0; // warm the caches and the plan
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    found = await work();
    ms.push(performance.now() - started);
  }
  return { ms: distribution(ms), found };
}

export async function benchHotspots(options: { appeals: number; samples: number }): Promise<HotspotBench> {
  const t = await createTestDatabase('postgres');
  try {
    const database = t.database;
    await seedDemoCity(database, { seed: 1, scale: 0.2 });
    const at = new Date();
    const started = performance.now();
    await fillBenchAppeals(database, options.appeals, at);
    const fillMs = performance.now() - started;
    const rows: HotspotBenchRow[] = [];
    for (const [label, windowMs] of [['72 h', DEFAULT_DETECTION.windowMs], ['30 days', 30 * DAY]] as const) {
      const from = new Date(at.getTime() - windowMs).toISOString();
      const bare = await time(options.samples, async () => {
        const [row] = await database.rows<{ n: number }>(sql`
          SELECT count(*)::int AS n FROM cases WHERE kind = 'appeal' AND reported_at > ${from}::timestamptz AND reported_at <= ${at.toISOString()}::timestamptz`);
        return row!.n;
      });
      rows.push({ target: 'bare count(*)', window: label, appeals: bare.found, found: 0, ms: bare.ms });
      // The whole 30 days is a stress figure (minutes): one cold sample.
      const full = label !== '72 h';
      const detect = await time(full ? 1 : options.samples, async () =>
        database.transaction(async (tx) => {
          await prepareDetection(tx);
          return (await detectClusters(tx, { ...DEFAULT_DETECTION, windowMs, at })).length;
        }),
        !full,
      );
      rows.push({ target: 'detection query', window: label, appeals: bare.found, found: detect.found, ms: detect.ms });
    }
    // The whole run in its transaction: the first writes every hotspot (and the alerts), the next ones match them.
    const first = performance.now();
    const run = await runHotspots(database, at);
    const window = rows[0]!.appeals;
    rows.push({ target: 'run (first: all new)', window: '72 h', appeals: window, found: run.created, ms: distribution([performance.now() - first]) });
    const again = await time(options.samples, async () => {
      const r = await runHotspots(database, at);
      return r.updated;
    });
    rows.push({ target: 'run (repeat: matched)', window: '72 h', appeals: window, found: again.found, ms: again.ms });
    return { appeals: options.appeals, fillMs, rows };
  } finally {
    await t.drop();
  }
}

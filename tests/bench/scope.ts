import { sql } from 'drizzle-orm';
import type { Database, DatabaseKind } from '../../db/client';
import { readAppealDensity } from '../../db/queries/appeal-density';
import { readFeedRange, feedBounds } from '../../db/queries/feed';
import { readSnapshot } from '../../db/queries/snapshot';
import { seedDemoCity } from '../../db/seed/city';
import { scopeOf } from '../../db/scope';
import { APPEAL_MIN_COUNT, LAYERS } from '../../server/protocol/vocab';
import { PROTOCOL_VERSION, type Ack, type SubscribeResult } from '../../server/protocol/wire';
import { ensureUser, signIn } from '../helpers/auth';
import { createTestDatabase } from '../helpers/db';
import { FeedClient, startTestServer } from '../helpers/server';
import { distribution, type Distribution } from './stats';

/**
 * What a jurisdiction costs to read: the snapshot and the socket replay of a
 * district (南明区) against the whole city, over the same 100k cases in one run,
 * beside the bare engine (the same rows selected by one plain indexed SQL query).
 * Cases and their feed rows are written set-based with the same grid assignment
 * as db/queries/cases.ts insertCases; the reads go through the real code.
 */
export interface ScopeResult {
  engine: DatabaseKind;
  cases: number;
  target: string;
  scope: string;
  rows: number;
  ms: Distribution;
}

const CITY = '520100';
const DISTRICT = '520102';

export async function fillCases(database: Database, cases: number): Promise<void> {
  // Points spread over the city's districts in proportion to their area, reported over the last 20 hours.
  await database.rows(sql`
    WITH pts AS (
      SELECT (ST_Dump(ST_GeneratePoints(d.geom, ${Math.ceil(cases / 10)}::int, 1))).geom AS geom FROM areas d WHERE d.level = 'district'
    ),
    input AS (
      SELECT row_number() OVER () AS n, geom FROM pts LIMIT ${cases}::int
    ),
    roots AS (SELECT coalesce(array_agg(code ORDER BY code), '{}') AS codes FROM areas WHERE parent_id IS NULL),
    located AS (
      SELECT i.*, g.id AS grid_id, coalesce(g.path, roots.codes) AS area_codes
      FROM input i CROSS JOIN roots
      LEFT JOIN LATERAL (SELECT a.id, a.path FROM areas a WHERE a.level = 'grid' AND ST_Intersects(a.geom, i.geom) ORDER BY a.id LIMIT 1) g ON true
    )
    INSERT INTO cases (kind, channel, external_id, category, topic, severity, title, geom, grid_id, area_codes, reported_at)
    SELECT CASE WHEN n % 3 = 0 THEN 'appeal' ELSE 'incident' END,
           CASE WHEN n % 3 = 0 THEN 'hotline_12345' ELSE 'grid_worker' END,
           'bench-scope-' || n,
           CASE WHEN n % 3 = 0 THEN 'TS' ELSE '0102' END,
           CASE WHEN n % 3 = 0 THEN '噪音扰民' END,
           'Moderate', 'bench#' || n, geom, grid_id, area_codes,
           now() - make_interval(secs => (n % 72000)::float8)
    FROM located ORDER BY n`);
  await database.rows(sql`
    INSERT INTO feed (topic, layer, area_codes, payload)
    SELECT 'case.created', CASE WHEN c.kind = 'appeal' THEN 'appeals' ELSE 'incidents' END, c.area_codes,
           jsonb_build_object('id', c.id, 'kind', c.kind, 'channel', c.channel, 'category', c.category, 'topic', c.topic,
             'severity', c.severity, 'status', c.status, 'lng', ST_X(c.geom), 'lat', ST_Y(c.geom), 'grid', g.code,
             'title', c.title, 'reportedAt', c.reported_at)
    FROM cases c LEFT JOIN areas g ON g.id = c.grid_id ORDER BY c.id`);
  await database.rows(sql`ANALYZE cases`);
  await database.rows(sql`ANALYZE feed`);
}

async function time(samples: number, work: () => Promise<number>): Promise<{ ms: Distribution; rows: number }> {
  const ms: number[] = [];
  let rows = 0;
  await work(); // warm the caches and the plan
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    rows = await work();
    ms.push(performance.now() - started);
  }
  return { ms: distribution(ms), rows };
}

export async function benchScope(engine: DatabaseKind, options: { cases: number; samples: number }): Promise<ScopeResult[]> {
  const t = await createTestDatabase(engine);
  const results: ScopeResult[] = [];
  try {
    await seedDemoCity(t.database, { seed: 1, scale: 0.2 });
    await fillCases(t.database, options.cases);
    const [{ n }] = (await t.database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM cases`)) as [{ n: number }];
    const record = (target: string, scope: string, r: { ms: Distribution; rows: number }) =>
      results.push({ engine, cases: n, target, scope, rows: r.rows, ms: r.ms });
    const query = { layers: [...LAYERS], appealHours: 24, appealCounts: 'exact' as const, densityHours: 24, limit: 20_000 };
    const { head } = await feedBounds(t.database);

    for (const [scope, code] of [['city', CITY], ['district', DISTRICT]] as const) {
      const filter = scope === 'city' ? sql`` : sql`AND area_codes @> ARRAY[${code}::text]`;
      record('bare SQL: open incident ids', scope, await time(options.samples, async () =>
        (await t.database.rows(sql`SELECT id FROM cases WHERE kind = 'incident' AND status NOT IN ('closed', 'evaluated', 'rejected') ${filter} ORDER BY reported_at DESC LIMIT ${query.limit}::int`)).length));
      record('readSnapshot()', scope, await time(options.samples, async () => {
        const s = await readSnapshot(t.database, scopeOf(code), query);
        return s.incidents.length + s.appeals.length;
      }));
      // Shared screens' appeal density (issue 11): per-grid counts of the window, k-suppressed, per district.
      record('bare SQL: window appeals per grid', scope, await time(options.samples, async () =>
        (await t.database.rows(sql`SELECT grid_id, count(*) FROM cases WHERE kind = 'appeal' AND reported_at > now() - interval '24 hours' ${filter} GROUP BY grid_id`)).length));
      record('readAppealDensity()', scope, await time(options.samples, async () =>
        (await readAppealDensity(t.database, scopeOf(code), { windowHours: 24, k: APPEAL_MIN_COUNT })).reduce((n, d) => n + Object.keys(d.cells).length, 0)));
      record('bare SQL: feed rows', scope, await time(options.samples, async () =>
        (await t.database.rows(sql`SELECT seq, payload FROM feed WHERE seq > 0 ${filter} ORDER BY seq`)).length));
      record('readFeedRange() (replay query)', scope, await time(options.samples, async () =>
        (await readFeedRange(t.database, { after: 0, upTo: head, layers: LAYERS, area: code, limit: options.cases + 1 })).length));
    }

    // Through the real server: GET /api/snapshot and a Socket.IO replay from seq 0, as a city and as a district user.
    const server = await startTestServer(t.database, 0, { publisher: { maxReplay: options.cases + 1000 } });
    try {
      await ensureUser(t.database, 'bench-district', 'dispatcher', DISTRICT);
      const cookies = { city: server.cookie!, district: await signIn(server.base, 'bench-district') };
      for (const scope of ['city', 'district'] as const) {
        const headers = { cookie: cookies[scope] };
        record('GET /api/snapshot (HTTP)', scope, await time(options.samples, async () => {
          const res = await fetch(`${server.base}/api/snapshot`, { headers: { ...headers, 'accept-encoding': 'identity' } });
          const body = (await res.json()) as { incidents: unknown[]; appeals: unknown[] };
          return body.incidents.length + body.appeals.length;
        }));
        record('socket replay since 0', scope, await time(Math.max(2, Math.ceil(options.samples / 3)), async () => {
          const client = new FeedClient(server.base, { layers: [...LAYERS] }, headers);
          try {
            await client.connected();
            // A city-wide replay of 100k events is one large frame: allow it more than the helper's 10 s ack timeout.
            const ack = (await client.socket.timeout(300_000).emitWithAck('subscribe', { v: PROTOCOL_VERSION, layers: [...LAYERS], since: 0 })) as Ack<SubscribeResult>;
            if (!ack.ok || ack.data.mode !== 'replay') throw new Error(`replay refused: ${JSON.stringify(ack)}`);
            await client.until(() => client.lastSeq >= ack.data.head, 300_000);
            return client.applied.length;
          } finally {
            client.close();
          }
        }));
      }
    } finally {
      await server.app.close();
    }
  } finally {
    await t.drop();
  }
  return results;
}

import { sql } from 'drizzle-orm';
import type { Database, DatabaseKind } from '../../db/client';
import { findCaseById } from '../../db/queries/cases';
import { findCaseContact } from '../../db/queries/contacts';
import { listCasePhotos } from '../../db/queries/photos';
import { countQueueTabs, QUEUE_TABS, readQueue, readQueueView, type QueueCursor } from '../../db/queries/queue';
import { seedDemoCity } from '../../db/seed/city';
import { scopeOf } from '../../db/scope';
import { ensureUser, signIn } from '../helpers/auth';
import { createTestDatabase } from '../helpers/db';
import { startTestServer } from '../helpers/server';
import { distribution, type Distribution } from './stats';

/**
 * The dispatcher's console under load: `open` live cases in one district (南明区
 * 520102, the dispatcher's jurisdiction) with lifecycle columns of every open status
 * and deadlines from hours overdue to days ahead, beside as many cases elsewhere in
 * the city (most of them finished). Measured in one run: the queue page of each tab,
 * the tab counts, the whole answer (feed head + page + counts in one repeatable-read
 * transaction) and GET /api/dispatch/queue over HTTP; the case view's queries and
 * GET /api/cases/{id}; each beside the bare engine — the same page SQL with no scope,
 * filters or lifecycle columns (`SELECT id … ORDER BY sla_due_at LIMIT 50`) and a
 * primary-key SELECT. Rows are written set-based (INSERT … SELECT over
 * ST_GeneratePoints, grid assignment as db/queries/cases.ts does).
 */
export interface QueueBenchResult {
  engine: DatabaseKind;
  open: number;
  total: number;
  target: string;
  rows: number;
  ms: Distribution;
}

const DISTRICT = '520102';

/**
 * `count` cases at random points of the areas `where` selects, `openShare` of them
 * live (each open status in a realistic share, deadlines spread over −40 h … +200 h,
 * overdue when past), the rest finished.
 */
export async function fillLifecycleCases(database: Database, where: ReturnType<typeof sql>, count: number, openShare: number, prefix: string): Promise<void> {
  await database.rows(sql`
    WITH target AS (SELECT geom, area_m2 FROM areas WHERE ${where}),
    pts AS (
      SELECT (ST_Dump(ST_GeneratePoints(t.geom, greatest(1, ceil(${count}::float8 * t.area_m2 / (SELECT sum(area_m2) FROM target)))::int, 7))).geom AS geom FROM target t
    ),
    input AS (SELECT row_number() OVER () AS n, geom FROM pts LIMIT ${count}::int),
    roots AS (SELECT coalesce(array_agg(code ORDER BY code), '{}') AS codes FROM areas WHERE parent_id IS NULL),
    located AS (
      SELECT i.*, g.id AS grid_id, coalesce(g.path, roots.codes) AS area_codes,
             -- a stable pseudo-random fraction per row
             ((i.n * 7919) % 10007)::float8 / 10007 AS u,
             ((i.n * 104729) % 9973)::float8 / 9973 AS w
      FROM input i CROSS JOIN roots
      LEFT JOIN LATERAL (SELECT a.id, a.path FROM areas a WHERE a.level = 'grid' AND ST_Intersects(a.geom, i.geom) ORDER BY a.id LIMIT 1) g ON true
    ),
    staged AS (
      SELECT l.*, CASE
        WHEN l.u >= ${openShare}::float8 THEN (ARRAY['closed', 'closed', 'closed', 'rejected', 'merged'])[1 + (l.n % 5)::int]
        ELSE (ARRAY['reported', 'reported', 'registered', 'registered', 'returned', 'dispatched', 'dispatched', 'dispatched',
                    'in_progress', 'in_progress', 'in_progress', 'in_progress', 'in_progress', 'handled', 'handled', 'suspended'])[1 + (l.n % 16)::int]
        END AS status,
        now() + make_interval(mins => (l.w * 14400 - 2400)::int) AS due
      FROM located l
    )
    INSERT INTO cases (kind, channel, external_id, category, topic, severity, status, title, address, geom, grid_id, area_codes,
                       reported_at, sla_stage, sla_due_at, sla_warn_at, sla_state, updated_at)
    SELECT CASE WHEN n % 3 = 0 THEN 'appeal' ELSE 'incident' END,
           CASE WHEN n % 3 = 0 THEN 'hotline_12345' WHEN n % 7 = 0 THEN 'sensor' ELSE 'grid_worker' END,
           ${prefix} || n,
           CASE WHEN n % 3 = 0 THEN 'TS' ELSE '01' || lpad((1 + n % 6)::text, 2, '0') END,
           CASE WHEN n % 3 = 0 THEN '噪音扰民' END,
           (ARRAY['Extreme', 'Severe', 'Moderate', 'Moderate', 'Minor', 'Unknown'])[1 + (n % 6)::int],
           status, 'bench#' || n, '测试路 ' || n || ' 号', geom, grid_id, area_codes,
           now() - make_interval(mins => (n % 20000)::int),
           CASE status WHEN 'reported' THEN 'register' WHEN 'registered' THEN 'dispatch' WHEN 'returned' THEN 'dispatch'
                       WHEN 'handled' THEN 'verify' WHEN 'suspended' THEN NULL WHEN 'dispatched' THEN 'handle' WHEN 'in_progress' THEN 'handle' END,
           CASE WHEN status IN ('closed', 'rejected', 'merged', 'suspended') THEN NULL ELSE due END,
           CASE WHEN status IN ('closed', 'rejected', 'merged', 'suspended') THEN NULL ELSE due - interval '2 hours' END,
           CASE WHEN status IN ('closed', 'rejected', 'merged') THEN 'normal' WHEN status = 'suspended' THEN (CASE WHEN n % 4 = 0 THEN 'overdue' ELSE 'normal' END)
                WHEN due < now() THEN 'overdue' WHEN due < now() + interval '2 hours' THEN 'warning' ELSE 'normal' END,
           now() - make_interval(secs => n::float8)
    FROM staged ORDER BY n`);
}

async function time(samples: number, work: () => Promise<number>): Promise<{ ms: Distribution; rows: number }> {
  const ms: number[] = [];
  let rows = 0;
  for (let i = 0; i < 3; i++) await work(); // warm the caches and the plans
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    rows = await work();
    ms.push(performance.now() - started);
  }
  return { ms: distribution(ms), rows };
}

export async function benchQueue(engine: DatabaseKind, options: { open: number; samples: number }): Promise<QueueBenchResult[]> {
  const t = await createTestDatabase(engine);
  const results: QueueBenchResult[] = [];
  try {
    await seedDemoCity(t.database, { seed: 1, scale: 0.2 });
    // The district: `open` live cases plus a tenth as many finished ones; elsewhere as many again, mostly finished.
    const districtTotal = Math.round(options.open / 0.9);
    await fillLifecycleCases(t.database, sql`code = ${DISTRICT}`, districtTotal, 0.9, 'bench-q-in-');
    await fillLifecycleCases(t.database, sql`level = 'district' AND code <> ${DISTRICT}`, options.open, 0.2, 'bench-q-out-');
    await t.database.rows(sql`ANALYZE cases`);
    if (engine === 'postgres') await t.database.rows(sql`VACUUM cases`);
    const [counts] = await t.database.rows<{ open: number; total: number }>(sql`
      SELECT count(*) FILTER (WHERE status NOT IN ('closed', 'rejected', 'merged') AND area_codes @> ARRAY[${DISTRICT}::text])::int AS open, count(*)::int AS total FROM cases`);
    const scope = scopeOf(DISTRICT);
    const record = (target: string, r: { ms: Distribution; rows: number }) =>
      results.push({ engine, open: counts!.open, total: counts!.total, target, rows: r.rows, ms: r.ms });
    const samples = options.samples;
    const page = { limit: 50, cursor: null };

    record('bare: SELECT id FROM cases ORDER BY sla_due_at LIMIT 50', await time(samples, async () =>
      (await t.database.rows(sql`SELECT id FROM cases ORDER BY sla_due_at LIMIT 50`)).length));
    record('bare: same + scope + status (dispatch tab), id only', await time(samples, async () =>
      (await t.database.rows(sql`
        SELECT id FROM cases WHERE status IN ('registered', 'returned') AND area_codes @> ARRAY[${DISTRICT}::text]
        ORDER BY sla_due_at NULLS LAST, id LIMIT 50`)).length));
    for (const tab of QUEUE_TABS) {
      record(`readQueue() page of 50: ${tab}`, await time(samples, async () => (await readQueue(t.database, scope, tab, {}, page)).rows.length));
    }
    // Deep in a tab: the 40th page of handling (keyset, so it should cost what the first does).
    let deep: QueueCursor | null = null;
    for (let i = 0; i < 40; i++) deep = (await readQueue(t.database, scope, 'handling', {}, { limit: 50, cursor: deep })).next;
    record('readQueue() page 41 of handling (keyset)', await time(samples, async () => (await readQueue(t.database, scope, 'handling', {}, { limit: 50, cursor: deep })).rows.length));
    record('readQueue() filtered: severity Severe, channel sensor', await time(samples, async () =>
      (await readQueue(t.database, scope, 'handling', { severities: ['Severe'], channels: ['sensor'] }, page)).rows.length));
    record('bare: SELECT count(*) of live cases in scope', await time(samples, async () =>
      (await t.database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM cases WHERE status NOT IN ('closed', 'rejected', 'merged') AND area_codes @> ARRAY[${DISTRICT}::text]`))[0]!.n));
    record('countQueueTabs() as planned (5 counts, one pass)', await time(samples, async () => {
      const c = await countQueueTabs(t.database, scope, {});
      return c.register + c.dispatch + c.handling + c.verify;
    }));
    record('countQueueTabs() steered to the index (as served)', await time(samples, async () =>
      t.database.transaction(async (tx) => {
        await tx.rows(sql`SELECT set_config('enable_seqscan', 'off', true)`);
        const c = await countQueueTabs(tx, scope, {});
        return c.register + c.dispatch + c.handling + c.verify;
      })));
    record('readQueueView(): head + page + counts, one tx', await time(samples, async () =>
      (await readQueueView(t.database, scope, 'dispatch', {}, page, 10_000)).rows.length));

    // The case view's queries: the case, its masked contact, its photos — beside a bare primary-key read.
    const ids = (await t.database.rows<{ id: number }>(sql`
      SELECT id FROM cases WHERE area_codes @> ARRAY[${DISTRICT}::text] AND status NOT IN ('closed', 'rejected', 'merged') ORDER BY id LIMIT 1000`)).map((r) => r.id);
    let k = 0;
    const nextId = () => ids[k++ % ids.length]!;
    record('bare: SELECT * FROM cases WHERE id = $1', await time(samples, async () => (await t.database.rows(sql`SELECT * FROM cases WHERE id = ${nextId()}::bigint`)).length));
    record('case view queries (case + contact + photos)', await time(samples, async () => {
      const id = nextId();
      const found = await findCaseById(t.database, scope, id);
      await findCaseContact(t.database, scope, id);
      await listCasePhotos(t.database, scope, id);
      return found ? 1 : 0;
    }));

    // Through the real server, as the district's dispatcher.
    const server = await startTestServer(t.database, 0);
    try {
      await ensureUser(t.database, 'bench-dispatcher', 'dispatcher', DISTRICT);
      const headers = { cookie: await signIn(server.base, 'bench-dispatcher'), 'accept-encoding': 'identity' };
      for (const tab of ['dispatch', 'overdue'] as const) {
        record(`GET /api/dispatch/queue?tab=${tab} (HTTP)`, await time(samples, async () => {
          const res = await fetch(`${server.base}/api/dispatch/queue?tab=${tab}&limit=50`, { headers });
          return ((await res.json()) as { cases: unknown[] }).cases.length;
        }));
      }
      record('GET /api/cases/{id} (HTTP)', await time(samples, async () => {
        const res = await fetch(`${server.base}/api/cases/${nextId()}`, { headers });
        await res.arrayBuffer();
        return res.status === 200 ? 1 : 0;
      }));
    } finally {
      await server.app.close();
    }
  } finally {
    await t.drop();
  }
  return results;
}

import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../../db/client';
import { appendFeed, type NewFeedRow } from '../../db/queries/feed';
import { compactIndicatorRollups } from '../../db/queries/indicators';
import { seedDemoCity } from '../../db/seed/city';
import { scopeOf } from '../../db/scope';
import { addDays, shanghaiDate, type Period } from '../../server/domain/indicators';
import { CalendarService } from '../../server/services/calendar';
import { readIndicatorPanel, readIndicatorTrend } from '../../server/services/indicators';
import { createTestDatabase } from '../helpers/db';
import { startTestServer } from '../helpers/server';
import { fillBenchCases, fillBenchEvents, finishBenchIds, prepareBenchGrids } from './indicator-fill';
import { distribution, type Distribution } from './stats';

/**
 * Indicator panels at city scale on PostgreSQL: the rollup path (indicator_daily +
 * indicator_open, through the real service and over HTTP) against
 * computing the same panel straight from case_events, in one run over the same
 * data, beside the bare SQL of the rollup sum. The history is filled set-based in
 * chunks with the trigger on, on `fillParallel` connections at once (two thirds of a
 * chunk's time is the rollup fold of its events, not the INSERT: one connection uses one
 * core), until the target size or the fill budget is reached (the sizes reached are reported). Then the trigger's cost under concurrent command
 * transactions (the hot city row): throughput and latency with it on and off.
 */
export interface IndicatorFill {
  cases: number;
  events: number;
  rollupRows: number;
  openCases: number;
  fillMs: number;
  /** Chunks filled at once (connections). */
  parallel: number;
  /** Whether the target was reached inside the budget. */
  complete: boolean;
  /** One chunk inserted with the trigger off, then the same size with it on: events/s. */
  insertPerSec: { triggerOff: number; triggerOn: number };
  /** The nightly compaction of all days before yesterday, once after the fill. */
  compactMs: number;
}

export interface IndicatorRead {
  target: string;
  area: string;
  period: string;
  ms: Distribution;
}

export interface ContentionResult {
  trigger: 'off' | 'on' | 'on, 1 shard';
  clients: number;
  transactions: number;
  perSec: number;
  ms: Distribution;
  deadlocks: number;
}

export interface IndicatorBench {
  fill: IndicatorFill;
  reads: IndicatorRead[];
  contention: ContentionResult[];
}

const CITY = '520100';
const DISTRICT = '520102';

async function time(samples: number, work: () => Promise<unknown>): Promise<Distribution> {
  for (let i = 0; i < 3; i++) await work(); // warm the caches, the plans and the connections
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await work();
    ms.push(performance.now() - started);
  }
  return distribution(ms);
}

/** The panel of `code` and its children computed from case_events and cases alone, as a request would without rollups. */
async function directPanel(db: Database, code: string, depth: number, period: Period): Promise<unknown[]> {
  const from = `${period.from}T00:00:00+08:00`;
  const to = `${period.to}T00:00:00+08:00`;
  const events = await db.rows(sql`
    SELECT f.child, count(*) FILTER (WHERE f.action = 'reported')::int AS reported,
           count(*) FILTER (WHERE f.action = 'register')::int AS registered,
           count(*) FILTER (WHERE f.action = 'dispatch')::int AS dispatched,
           count(*) FILTER (WHERE f.action = 'return')::int AS returned,
           count(*) FILTER (WHERE f.action = 'handle')::int AS handled,
           count(*) FILTER (WHERE f.action = 'handle' AND f.on_time)::int AS handled_on_time,
           count(*) FILTER (WHERE f.action = 'close')::int AS closed,
           count(*) FILTER (WHERE f.action = 'close' AND f.on_time)::int AS closed_on_time,
           count(*) FILTER (WHERE f.action = 'rework')::int AS rework,
           count(f.work_ms)::int AS timed, coalesce(sum(f.work_ms), 0)::float8 AS work_ms
    FROM (
      SELECT e.action, c.area_codes[${depth + 1}::int] AS child,
        CASE e.action
          WHEN 'handle' THEN e.data->'left'->>'overdue' = 'false'
          WHEN 'close' THEN e.data->'left'->>'overdue' = 'false' AND NOT EXISTS (
            SELECT 1 FROM case_events p WHERE p.case_id = e.case_id AND p.id < e.id AND p.data->'left'->>'overdue' = 'true')
        END AS on_time,
        CASE WHEN e.action = 'handle' THEN (
          SELECT hcm_working_ms(s.at, e.at) FROM case_events s
          WHERE s.case_id = e.case_id AND s.id < e.id AND s.action IN ('dispatch', 'rework') ORDER BY s.id DESC LIMIT 1)
        END AS work_ms
      FROM case_events e JOIN cases c ON c.id = e.case_id
      WHERE e.at >= ${from}::timestamptz AND e.at < ${to}::timestamptz AND c.area_codes @> ARRAY[${code}::text]
      OFFSET 0
    ) f
    GROUP BY ROLLUP (f.child)`);
  const open = await db.rows(sql`
    SELECT c.area_codes[${depth + 1}::int] AS child, count(*)::int AS open, count(*) FILTER (WHERE c.sla_state = 'overdue')::int AS overdue
    FROM cases c WHERE c.status NOT IN ('closed', 'rejected', 'merged') AND c.area_codes @> ARRAY[${code}::text] GROUP BY ROLLUP (1)`);
  return [...events, ...open];
}

export async function benchIndicators(options: {
  cases: number;
  fillSeconds: number;
  chunk: number;
  fillParallel: number;
  samples: number;
  directSamples: number;
  clients: number;
  contentionSeconds: number;
  log?: (line: string) => void;
}): Promise<IndicatorBench> {
  const log = options.log ?? ((line: string) => console.log(line));
  const t = await createTestDatabase('postgres', { poolSize: Math.max(5, options.fillParallel + 1) });
  try {
    await seedDemoCity(t.database, { seed: 1, scale: 1 });
    await new CalendarService(t.database).load();
    const grids = await prepareBenchGrids(t.database);

    // ---- Fill, chunk by chunk, within the budget. The first two chunks (alone) measure the trigger's cost on bulk
    // inserts; the rest run `fillParallel` at a time, each chunk owning the id range of its bench numbers.
    const started = performance.now();
    let cases = 0;
    let events = 0;
    let next = 0;
    const insertPerSec = { triggerOff: 0, triggerOn: 0 };
    const overBudget = () => performance.now() - started > options.fillSeconds * 1000;
    const fillChunk = async (chunk: number) => {
      const lo = next + 1;
      const n = Math.min(options.chunk, options.cases - next);
      next += n;
      await fillBenchCases(t.database, { from: lo, to: lo + n, grids });
      const off = chunk === 0;
      if (off) await t.database.rows(sql`ALTER TABLE case_events DISABLE TRIGGER case_events_indicators`);
      const s = performance.now();
      const written = await fillBenchEvents(t.database, lo, lo + n);
      const perSec = Math.round(written / ((performance.now() - s) / 1000));
      if (off) {
        insertPerSec.triggerOff = perSec;
        await t.database.rows(sql`ALTER TABLE case_events ENABLE TRIGGER case_events_indicators`);
        // Fold the chunk written without the trigger, so the rollups stay complete.
        await t.database.rows(sql`SELECT indicator_rebuild()`);
      } else if (chunk === 1) insertPerSec.triggerOn = perSec;
      cases += n;
      events += written;
      log(`  filled ${cases.toLocaleString('en-US')} cases, ${events.toLocaleString('en-US')} events, ${Math.round((performance.now() - started) / 1000)} s`);
    };
    let chunks = 0;
    for (; chunks < 2 && next < options.cases && !overBudget(); chunks++) await fillChunk(chunks);
    const worker = async () => {
      while (next < options.cases && !overBudget()) await fillChunk(chunks++);
    };
    await Promise.all(Array.from({ length: options.fillParallel }, worker));
    await finishBenchIds(t.database);
    const fillMs = performance.now() - started;
    await t.database.rows(sql`ANALYZE`);
    const today = shanghaiDate(Date.now());
    const year: Period = { from: addDays(today, -364), to: addDays(today, 1) };
    // Before the nightly compaction, each bulk chunk (one transaction) wrote its own shard.
    const uncompacted = await time(options.samples, () => readIndicatorPanel(t.database, scopeOf(CITY), { period: year, children: true }));
    const compactStarted = performance.now();
    const compacted = await compactIndicatorRollups(t.database, addDays(today, -1));
    const compactMs = performance.now() - compactStarted;
    log(`  compaction: ${compacted.toLocaleString('en-US')} rows in ${Math.round(compactMs)} ms`);
    await t.database.rows(sql`VACUUM ANALYZE indicator_daily`);
    const [stats] = await t.database.rows<{ rollups: number; open: number }>(sql`
      SELECT (SELECT count(*)::int FROM indicator_daily) AS rollups,
             (SELECT count(*)::int FROM cases WHERE status NOT IN ('closed', 'rejected', 'merged')) AS open`);
    const fill: IndicatorFill = { cases, events, rollupRows: stats!.rollups, openCases: stats!.open, fillMs, parallel: options.fillParallel, complete: cases >= options.cases, insertPerSec, compactMs };

    // ---- Reads.
    const reads: IndicatorRead[] = [];
    const record = (target: string, area: string, period: string, ms: Distribution) => {
      reads.push({ target, area, period, ms });
      log(`  ${target} ${area} ${period}: p50 ${ms.p50.toFixed(1)} ms, p95 ${ms.p95.toFixed(1)} ms`);
    };
    record('rollups: readIndicatorPanel + children, shards not yet compacted', 'city', '365 days', uncompacted);
    const periods: Array<[string, Period]> = [
      ['today', { from: today, to: addDays(today, 1) }],
      ['7 days', { from: addDays(today, -6), to: addDays(today, 1) }],
      ['30 days', { from: addDays(today, -29), to: addDays(today, 1) }],
      ['365 days', year],
    ];
    const [street] = await t.database.rows<{ code: string }>(sql`SELECT code FROM areas WHERE level = 'street' AND code LIKE ${`${DISTRICT}%`} ORDER BY code LIMIT 1`);
    const [grid] = await t.database.rows<{ code: string }>(sql`SELECT code FROM areas WHERE level = 'grid' AND code LIKE ${`${street!.code}%`} ORDER BY code LIMIT 1`);
    const areas: Array<[string, string, number]> = [['city', CITY, 1], ['district', DISTRICT, 2], ['street', street!.code, 3], ['grid', grid!.code, 5]];
    for (const [level, code] of areas) {
      for (const [label, period] of periods) {
        record('rollups: readIndicatorPanel + children', level, label, await time(options.samples, () =>
          readIndicatorPanel(t.database, scopeOf(code), { period, children: true })));
      }
    }
    const month = periods[2]![1];
    record('bare SQL: sum of indicator_daily (city + 10 districts)', 'city', '30 days', await time(options.samples, () =>
      t.database.rows(sql`
        SELECT area_code, sum(reported), sum(handled), sum(handled_on_time), sum(closed), sum(handle_work_ms)
        FROM indicator_daily WHERE area_code = ANY(ARRAY(SELECT code FROM areas WHERE code = ${CITY} OR parent_id = (SELECT id FROM areas WHERE code = ${CITY})))
          AND day >= ${month.from}::date AND day < ${month.to}::date GROUP BY area_code`)));
    record('open now counted from cases (partial GIN), not used by the panel', 'city', 'now', await time(options.samples, () =>
      t.database.rows(sql`
        SELECT area_codes[2], count(*), count(*) FILTER (WHERE sla_state = 'overdue') FROM cases
        WHERE status NOT IN ('closed', 'rejected', 'merged') AND area_codes @> ARRAY[${CITY}::text] GROUP BY 1`)));
    record('rollups: trend per day', 'city', '365 days', await time(options.samples, () =>
      readIndicatorTrend(t.database, scopeOf(CITY), { period: periods[3]![1], bucket: 'day' })));

    const server = await startTestServer(t.database);
    try {
      for (const [label, period] of [periods[0]!, periods[2]!]) {
        record('rollups: GET /api/indicators?children=1 (HTTP)', 'city', label, await time(options.samples, async () => {
          const res = await fetch(`${server.base}/api/indicators?area=${CITY}&from=${period.from}&to=${period.to}&children=1`, { headers: { cookie: server.cookie! } });
          if (res.status !== 200) throw new Error(`GET /api/indicators: ${res.status}`);
          await res.json();
        }));
      }
      record('rollups: GET /api/indicators/export.xlsx (HTTP)', 'city', '30 days', await time(Math.max(5, Math.floor(options.samples / 5)), async () => {
        const res = await fetch(`${server.base}/api/indicators/export.xlsx?area=${CITY}&from=${month.from}&to=${month.to}`, { headers: { cookie: server.cookie! } });
        if (res.status !== 200) throw new Error(`export: ${res.status}`);
        await res.arrayBuffer();
      }));
    } finally {
      await server.app.close();
    }

    for (const [level, code, depth] of areas.slice(0, 2)) {
      for (const [label, period] of periods.slice(0, 3)) {
        record('direct: the same panel from case_events', level, label, await time(options.directSamples, () => directPanel(t.database, code, depth, period)));
      }
    }

    // ---- Hot rows: concurrent command transactions with the trigger on and off.
    const contention: ContentionResult[] = [];
    // Silent on connection errors: dropping the bench database at the end terminates idle connections.
    const pool = await openDatabase({ url: t.url!, poolSize: options.clients + 2, migrate: false, onConnectionError: () => {} });
    try {
      const [bounds] = await pool.rows<{ lo: number; hi: number }>(sql`SELECT min(id)::float8 AS lo, max(id)::float8 AS hi FROM cases`);
      // Rotating, twice each: the load of a shared machine drifts between runs. "1 shard" makes every
      // writer add to the same row per key (indicator_shard() → 0): the hot city row the shards avoid.
      const shardSql = (expr: string) => sql.raw(`CREATE OR REPLACE FUNCTION indicator_shard() RETURNS smallint LANGUAGE sql VOLATILE AS $$ SELECT ${expr} $$`);
      for (const mode of ['off', 'on', 'on, 1 shard', 'off', 'on', 'on, 1 shard'] as const) {
        const toggle = mode === 'off' ? 'DISABLE' : 'ENABLE';
        await pool.rows(sql.raw(`ALTER TABLE case_events ${toggle} TRIGGER case_events_indicators`));
        await pool.rows(sql.raw(`ALTER TABLE cases ${toggle} TRIGGER cases_indicator_open_update`));
        await pool.rows(shardSql(mode === 'on, 1 shard' ? '0::smallint' : '(txid_current() % 8)::smallint'));
        const result = await commandStorm(pool, { clients: options.clients, seconds: options.contentionSeconds, lo: bounds!.lo, hi: bounds!.hi });
        contention.push({ trigger: mode, clients: options.clients, ...result });
        log(`  contention, trigger ${mode}: ${result.perSec} tx/s, p50 ${result.ms.p50.toFixed(1)} ms, p95 ${result.ms.p95.toFixed(1)} ms, deadlocks ${result.deadlocks}`);
      }
      await pool.rows(shardSql('(txid_current() % 8)::smallint'));
      await pool.rows(sql`ALTER TABLE case_events ENABLE TRIGGER case_events_indicators`);
      await pool.rows(sql`ALTER TABLE cases ENABLE TRIGGER cases_indicator_open_update`);
    } finally {
      await pool.close();
    }
    return { fill, reads, contention };
  } finally {
    await t.drop();
  }
}

const ACTIONS = ['dispatch', 'handle', 'close', 'register'] as const;

/**
 * Each client loops over command-shaped transactions on random cases, all on today's
 * city row: lock the case, update it (in or out of open: the open counters' trigger), write the event (the trigger folds it:
 * city, district, street, community, grid rows of today), append the feed row under
 * the feed lock, commit — the shape of the commands service's transaction.
 */
async function commandStorm(db: Database, options: { clients: number; seconds: number; lo: number; hi: number }) {
  const ms: number[] = [];
  let deadlocks = 0;
  const until = performance.now() + options.seconds * 1000;
  let n = 0;
  const client = async () => {
    while (performance.now() < until) {
      const id = options.lo + Math.floor(Math.random() * (options.hi - options.lo + 1));
      const action = ACTIONS[n++ % ACTIONS.length]!;
      const started = performance.now();
      try {
        await db.transaction(async (tx) => {
          await tx.rows(sql`SELECT id FROM cases WHERE id = ${id}::bigint FOR UPDATE`);
          // Cases move in and out of "open" (the bench's cases are mostly closed): the open counters are locked too.
          await tx.rows(sql`
            UPDATE cases SET version = version + 1, updated_at = now(),
              status = CASE WHEN ${action} = 'close' THEN 'closed' ELSE 'in_progress' END,
              sla_state = CASE WHEN ${action} = 'close' THEN 'normal' ELSE sla_state END
            WHERE id = ${id}::bigint`);
          await tx.rows(sql`
            INSERT INTO case_events (case_id, at, actor, action, data)
            VALUES (${id}::bigint, now(), 'user:1', ${action}, ${JSON.stringify({ left: { stage: 'handle', dueAt: null, overdue: false } })}::jsonb)`);
          const row = { topic: 'case.updated', layer: 'incidents', areaCodes: [CITY], payload: { id, action } } as unknown as NewFeedRow;
          await appendFeed(tx, [row]);
        });
        ms.push(performance.now() - started);
      } catch (error) {
        if ((error as { code?: string }).code === '40P01') deadlocks++;
        else throw error;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: options.clients }, client));
  const seconds = (performance.now() - started) / 1000;
  return { transactions: ms.length, perSec: Math.round(ms.length / seconds), ms: distribution(ms), deadlocks };
}

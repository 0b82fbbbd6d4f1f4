import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactIndicatorRollups } from '../../db/queries/indicators';
import { scopeOf } from '../../db/scope';
import { createRng } from '../../db/seed/random';
import type { CaseKind } from '../../db/vocab';
import { buildCalendar, chineseDaysYears, workingTimeBetween } from '../../server/domain/sla';
import { CalendarService } from '../../server/services/calendar';
import { readIndicatorPanel } from '../../server/services/indicators';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db';
import { FIXTURE, insertFixtureCity } from '../helpers/fixtures';
import { fixtureGridPath, insertHistoryCases, insertHistoryEvents, randomHistory, type HistoryEvent } from '../helpers/indicator-history';
import { oracleIndicators, rollupTotals } from '../helpers/indicator-oracle';

/**
 * The rollups against independent computations: the SQL working time against the
 * TypeScript calendar; a seeded random history (2,000 cases) against the oracle
 * computed straight from case_events; and after a burst of concurrent transactions
 * (some rolled back), the incrementally kept table against a rebuild from scratch.
 */
const HOUR = 3_600_000;
const calendar = buildCalendar(chineseDaysYears());

describe.each(DB_KINDS)('indicator rollups (%s)', (kind) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await insertFixtureCity(t.database);
    await new CalendarService(t.database).load();
  }, 120_000);

  afterAll(async () => {
    await t?.drop();
  });

  it('hcm_working_ms equals workingTimeBetween on the chinese-days calendar (holidays, 调休 weekends, spans, nights)', async () => {
    const rng = createRng(7);
    // Around 2026 Spring Festival (02-15..02-23, make-up Saturdays 02-14 and 02-28) and National Day, plus random pairs.
    const anchors = ['2026-02-13T16:00:00+08:00', '2026-02-27T09:00:00+08:00', '2026-09-30T11:59:59.999+08:00', '2025-12-31T17:00:00+08:00'].map(Date.parse);
    const pairs: Array<[number, number]> = [];
    for (const a of anchors) for (const h of [0.001, 1, 5, 30, 200, 400]) pairs.push([a, a + h * HOUR]);
    for (let i = 0; i < 200; i++) {
      const a = Date.parse('2025-06-01T00:00:00+08:00') + Math.floor(rng.next() * 500 * 24 * HOUR);
      pairs.push([a, a + Math.floor(rng.next() * (rng.chance(0.5) ? 10 : 600) * HOUR)]);
    }
    pairs.push([Date.parse('2026-05-11T10:00:00+08:00'), Date.parse('2026-05-11T09:00:00+08:00')]); // backwards: 0
    const rows = await t.database.rows<{ n: number; ms: number }>(sql`
      SELECT p.n, hcm_working_ms(to_timestamp(p.a / 1000.0), to_timestamp(p.b / 1000.0))::float8 AS ms
      FROM jsonb_to_recordset(${JSON.stringify(pairs.map(([a, b], n) => ({ n, a, b })))}::jsonb) AS p(n int, a float8, b float8) ORDER BY p.n`);
    const wrong = rows.filter((r) => r.ms !== Math.max(0, workingTimeBetween(pairs[r.n]![0], pairs[r.n]![1], calendar).ms));
    expect(wrong.map((r) => [new Date(pairs[r.n]![0]).toISOString(), new Date(pairs[r.n]![1]).toISOString(), r.ms])).toEqual([]);
    expect(rows).toHaveLength(pairs.length);
  });

  it('a seeded random history: rollups equal the computation straight from case_events for several areas, periods and kinds', async () => {
    const history = randomHistory({ seed: 42, cases: 2000, start: '2026-04-01', days: 30 });
    expect(history.events.length).toBeGreaterThan(10_000);
    const ids = await insertHistoryCases(t.database, history.cases);
    // Multi-row statements of 500 events, as a busy system's intake batches and sweeps write them.
    for (let i = 0; i < history.events.length; i += 500) await insertHistoryEvents(t.database, ids, history.events.slice(i, i + 500));

    const actions = new Set(history.events.map((e) => e.action));
    for (const a of ['return', 'rework', 'suspend_approve', 'resume', 'extension_approve', 'sla_overdue', 'escalated', 'merge', 'reject']) expect(actions, a).toContain(a);

    const areas = [FIXTURE.city, FIXTURE.west, FIXTURE.east, `${FIXTURE.east}001001`, fixtureGridPath('west', 3).at(-1)!, fixtureGridPath('east', 16).at(-1)!];
    const periods: Array<[string, string]> = [['2026-03-01', '2026-06-01'], ['2026-04-06', '2026-04-13'], ['2026-04-15', '2026-04-16'], ['2026-05-01', '2026-05-04']];
    const kinds: Array<CaseKind | undefined> = [undefined, 'appeal'];
    let compared = 0;
    for (const code of areas) {
      for (const [from, to] of periods) {
        for (const k of kinds) {
          const panel = await readIndicatorPanel(t.database, scopeOf(code), { period: { from, to }, children: false, kind: k });
          const expected = await oracleIndicators(t.database, code, from, to, k);
          const actual = Object.fromEntries(Object.keys(expected).map((key) => [key, panel.indicators[key as keyof typeof expected]]));
          expect(actual, `${code} ${from}..${to} ${k ?? 'all'}`).toEqual(expected);
          compared++;
        }
      }
    }
    expect(compared).toBe(areas.length * periods.length * kinds.length);
    // The whole history is not trivially zero where it matters.
    const whole = await oracleIndicators(t.database, FIXTURE.city, '2026-03-01', '2026-06-01');
    expect(whole.handled).toBeGreaterThan(1000);
    expect(whole.closedOnTime).toBeGreaterThan(0);
    expect(whole.closedOnTime).toBeLessThan(whole.closed);
  }, 300_000);

  it('a burst of concurrent transactions (some rolled back): the rollups equal a rebuild from scratch and the direct computation', async () => {
    const rng = createRng(99);
    const day = '2026-06-10';
    const at = (minute: number) => Date.parse(`${day}T09:00:00+08:00`) + minute * 60_000;
    const keys = Array.from({ length: 80 }, (_, i) => `burst${i}`);
    const ids = await insertHistoryCases(
      t.database,
      keys.map((key, i) => ({ key, kind: i % 3 === 0 ? 'appeal' : 'incident', areaCodes: i % 10 === 0 ? [FIXTURE.city] : fixtureGridPath(i % 2 ? 'west' : 'east', 1 + (i % 16)), status: 'closed', slaState: 'normal' })),
    );
    const loop = (key: string): HistoryEvent[] => {
      const l = () => ({ overdue: rng.chance(0.3) });
      return [
        { key, at: at(0), action: 'reported' },
        { key, at: at(5), action: 'register', left: { stage: 'register', ...l() } },
        { key, at: at(10), action: 'dispatch', left: { stage: 'dispatch', ...l() } },
        { key, at: at(20), action: 'accept' },
        { key, at: at(20 + rng.int(300)), action: 'handle', left: { stage: 'handle', ...l() } },
        { key, at: at(400), action: 'close', left: { stage: 'verify', ...l() } },
      ];
    };
    const rolledBack = new Set(keys.filter((_, i) => i % 7 === 3));
    const results = await Promise.allSettled(
      keys.map((key) =>
        t.database.transaction(async (tx) => {
          const events = loop(key);
          // Half write their events in one statement, half one statement per event (as commands do).
          if (rng.chance(0.5)) await insertHistoryEvents(tx, ids, events);
          else for (const e of events) await insertHistoryEvents(tx, ids, [e]);
          if (rolledBack.has(key)) throw new Error('rolled back on purpose');
        }),
      ),
    );
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [keys[i]] : []));
    expect(failed.sort()).toEqual([...rolledBack].sort());

    // Concurrent status and SLA changes of open cases (commands, scheduler sweeps), one deletion, some rolled back.
    const openKeys = Array.from({ length: 130 }, (_, i) => `open${i}`);
    const openIds = await insertHistoryCases(
      t.database,
      openKeys.map((key, i) => ({ key, kind: i % 2 ? 'appeal' : 'incident', areaCodes: fixtureGridPath(i % 3 ? 'west' : 'east', 1 + (i % 16)), status: rng.pick(['reported', 'dispatched', 'in_progress', 'handled']), slaState: rng.pick(['normal', 'warning', 'overdue'] as const) })),
    );
    await insertHistoryEvents(t.database, openIds, openKeys.map((key) => ({ key, at: at(1), action: 'reported' })));
    const open = openKeys.map((key) => ({ id: openIds.get(key)! }));
    expect(open.length).toBeGreaterThan(125);
    const changes = await Promise.allSettled(
      open.slice(0, 60).map(({ id }, i) =>
        t.database.transaction(async (tx) => {
          if (i % 4 === 0) await tx.rows(sql`UPDATE cases SET status = 'closed', sla_state = 'normal' WHERE id = ${id}::bigint`);
          else if (i % 4 === 1) await tx.rows(sql`UPDATE cases SET sla_state = CASE WHEN sla_state = 'overdue' THEN 'warning' ELSE 'overdue' END WHERE id = ${id}::bigint`);
          else if (i % 4 === 2) await tx.rows(sql`UPDATE cases SET version = version + 1, status = 'in_progress' WHERE id = ${id}::bigint`);
          else await tx.rows(sql`UPDATE cases SET status = 'rejected', sla_state = 'normal' WHERE id = ANY(${`{${id},${open[60 + i]!.id}}`}::bigint[])`);
          if (i % 9 === 5) throw new Error('rolled back on purpose');
        }),
      ),
    );
    expect(changes.filter((r) => r.status === 'rejected')).toHaveLength(open.slice(0, 60).filter((_, i) => i % 9 === 5).length);
    // Concurrent writers add to different shards of the city's rows (readers sum them).
    const [shards] = await t.database.rows<{ n: number }>(sql`SELECT count(DISTINCT shard)::int AS n FROM indicator_daily WHERE area_code = ${FIXTURE.city} AND day = ${day}::date`);
    expect(shards!.n).toBeGreaterThan(1);
    const tables = () => rollupTotals(t.database);
    const kept = await tables();
    await t.database.rows(sql`SELECT indicator_rebuild()`);
    expect(await tables()).toEqual(kept);

    // A deleted case leaves the open counts exact (its events go with it: indicator_daily needs a rebuild, documented).
    await t.database.rows(sql`DELETE FROM cases WHERE id = ${open.at(-1)!.id}::bigint`);
    const openCounts = async () => (await rollupTotals(t.database)).filter((r) => (r as { t: string }).t === 'open');
    const afterDelete = await openCounts();
    await t.database.rows(sql`SELECT indicator_rebuild()`);
    expect(await openCounts()).toEqual(afterDelete);

    for (const code of [FIXTURE.city, FIXTURE.west, FIXTURE.east, `${FIXTURE.west}001001`, fixtureGridPath('east', 3).at(-1)!]) {
      const panel = await readIndicatorPanel(t.database, scopeOf(code), { period: { from: day, to: '2026-06-11' }, children: false });
      const expected = await oracleIndicators(t.database, code, day, '2026-06-11');
      const actual = Object.fromEntries(Object.keys(expected).map((key) => [key, panel.indicators[key as keyof typeof expected]]));
      expect(actual, code).toEqual(expected);
    }
    const [city] = await t.database.rows<{ reported: number }>(sql`SELECT sum(reported)::int AS reported FROM indicator_daily WHERE area_code = ${FIXTURE.city} AND day = ${day}::date`);
    expect(city!.reported).toBe(keys.length - rolledBack.size + openKeys.length - 1 /* the deleted one */);

    // The nightly compaction merges the shards of closed days into one row per key; the sums stay.
    await t.database.rows(sql`SELECT indicator_rebuild()`);
    for (const [k, key] of keys.slice(0, 16).entries()) {
      await t.database.transaction(async (tx) => insertHistoryEvents(tx, ids, [{ key, at: at(500 + k), action: 'sla_overdue' }]));
    }
    const [spread] = await t.database.rows<{ n: number }>(sql`SELECT count(DISTINCT shard)::int AS n FROM indicator_daily WHERE area_code = ${FIXTURE.city} AND day = ${day}::date`);
    expect(spread!.n).toBeGreaterThan(1);
    const totals = await rollupTotals(t.database);
    expect(await compactIndicatorRollups(t.database, '2026-06-11')).toBeGreaterThan(0);
    expect(await rollupTotals(t.database)).toEqual(totals);
    const [layout] = await t.database.rows<{ sharded: number; keys: number; rows: number }>(sql`
      SELECT count(*) FILTER (WHERE shard <> 0)::int AS sharded, count(DISTINCT (area_code, day, kind))::int AS keys, count(*)::int AS rows
      FROM indicator_daily WHERE day < '2026-06-11'`);
    expect(layout!.sharded).toBe(0);
    expect(layout!.rows).toBe(layout!.keys);
  }, 120_000);
});

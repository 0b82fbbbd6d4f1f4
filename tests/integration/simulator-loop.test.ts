import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../server/app';
import { configFromEnv } from '../../server/config';
import { CaseLoop, Simulator, startSimulator } from '../../server/simulator';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db';
import { insertLoopCity, loopRig, type LoopRig } from '../helpers/loop-city';

/**
 * The simulator runs the whole loop: two and a half simulated hours on the fixture
 * city (09:00–11:30 on a working Tuesday, Asia/Shanghai, around the daily peak)
 * with intake, commands, the loop and the scheduler's SLA sweeps on one fake clock.
 * The open count must settle instead of growing with the intake, every status of
 * the loop must be visited, and every move must be a command the service accepted
 * (versions, events, audit, feed and idempotency records consistent).
 */
const START = Date.parse('2026-03-10T01:00:00Z');
const STEP_MS = 15 * 60_000;
const HOURS = 2.5;
const RATES = { incidentsPerMin: 1.2, appealsPerMin: 0.6, alertsPerHour: 0 };

describe.each(DB_KINDS)('simulator loop on %s', (kind) => {
  let test: TestDatabase;
  let rig: LoopRig;
  const samples: Array<{ at: number; open: number; total: number }> = [];

  beforeAll(async () => {
    test = await createTestDatabase(kind);
    await insertLoopCity(test.database);
    rig = loopRig(test.database, { seed: 17, start: START, rates: RATES });
    for (let t = START + STEP_MS; t <= START + HOURS * 3_600_000; t += STEP_MS) {
      rig.setNow(t);
      // backfill(h, t) is exactly "run the traffic and the loop over (t − h, t]" in simulated time.
      await rig.simulator.backfill(STEP_MS / 3_600_000, new Date(t));
      await rig.sweep();
      const [row] = await test.database.rows<{ open: number; total: number }>(sql`
        SELECT count(*) FILTER (WHERE status NOT IN ('closed', 'rejected', 'merged'))::int AS open, count(*)::int AS total FROM cases`);
      samples.push({ at: t, ...row! });
    }
  }, 240_000);
  afterAll(async () => {
    await test?.drop();
  });

  it('settles the open count instead of growing with the intake', () => {
    const total = samples.at(-1)!.total;
    const lastHour = samples.filter((s) => s.at >= START + (HOURS - 1) * 3_600_000);
    const opens = lastHour.map((s) => s.open);
    const mean = opens.reduce((a, b) => a + b, 0) / opens.length;
    const intake = lastHour.at(-1)!.total - lastHour[0]!.total;
    console.log(kind, { total, opens: samples.map((s) => s.open), stats: rig.loop.stats, open: rig.loop.openByStatus() });
    expect(total).toBeGreaterThan(150);
    // Over the last hour about a hundred cases came in, yet the open count stayed in a band...
    expect(intake).toBeGreaterThan(mean * 0.7);
    expect(Math.max(...opens) - Math.min(...opens)).toBeLessThan(mean * 0.35);
    expect(Math.abs(opens.at(-1)! - opens[0]!)).toBeLessThan(intake * 0.25);
    // ...well below what was reported: most cases have been finished.
    expect(mean).toBeLessThan(total * 0.5);
  });

  it('visits every status of the loop, with some rework, rejections, returns, merges and late work', async () => {
    const reached = await test.database.rows<{ status: string; n: number }>(sql`
      SELECT to_status AS status, count(*)::int AS n FROM case_events WHERE version IS NOT NULL GROUP BY to_status`);
    const by = Object.fromEntries(reached.map((r) => [r.status, r.n]));
    for (const status of ['reported', 'registered', 'rejected', 'dispatched', 'returned', 'in_progress', 'handled', 'closed', 'merged']) {
      expect(by[status], status).toBeGreaterThan(0);
    }
    const [row] = await test.database.rows<{ reworked: number; markedOverdue: number; leftLate: number; escalated: number; rejectedWithReason: number }>(sql`
      SELECT (SELECT count(*)::int FROM cases WHERE rework > 0) AS reworked,
             (SELECT count(DISTINCT case_id)::int FROM case_events WHERE action = 'sla_overdue') AS "markedOverdue",
             (SELECT count(*)::int FROM case_events WHERE version IS NOT NULL AND data->'left'->>'overdue' = 'true') AS "leftLate",
             (SELECT count(*)::int FROM case_events WHERE action = 'escalated') AS escalated,
             (SELECT count(*)::int FROM case_events WHERE action = 'reject' AND length(note) > 1) AS "rejectedWithReason"`);
    console.log(kind, row);
    expect(row!.reworked).toBeGreaterThan(0);
    expect(row!.rejectedWithReason).toBe(by.rejected);
    // Some work runs past its deadline: the scheduler marks those cases overdue, and their stage is recorded as left late.
    expect(rig.loop.stats.late).toBeGreaterThan(0);
    expect(row!.markedOverdue).toBeGreaterThan(0);
    expect(row!.leftLate).toBeGreaterThan(0);
    expect(rig.loop.stats.refused).toBe(0);
  });

  it('moves cases only by commands the service accepted: versions, events, audit, feed and command records agree', async () => {
    const [row] = await test.database.rows<{ versions: number; cases: number; transitions: number; commands: number; audit: number; updates: number; gaps: number }>(sql`
      SELECT (SELECT coalesce(sum(version), 0)::int FROM cases) AS versions,
             (SELECT count(*)::int FROM cases) AS cases,
             (SELECT count(*)::int FROM case_events WHERE version > 1) AS transitions,
             (SELECT count(*)::int FROM case_commands WHERE command_id LIKE 'sim:%') AS commands,
             (SELECT count(*)::int FROM audit_log WHERE action LIKE 'case.%' AND actor LIKE 'system:simulator%') AS audit,
             (SELECT count(*)::int FROM feed WHERE topic = 'case.updated' AND payload->>'action' NOT LIKE 'sla\_%') AS updates,
             (SELECT count(*)::int FROM cases c WHERE c.version <> 1 + (SELECT count(*) FROM case_events e WHERE e.case_id = c.id AND e.version > 1)
                OR EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.version > c.version)) AS gaps`);
    const accepted = rig.loop.stats.commands;
    // Most cases went most of the way round (register, dispatch, accept, handle, close).
    expect(accepted).toBeGreaterThan(row!.cases * 3);
    expect(row).toMatchObject({ versions: row!.cases + accepted, transitions: accepted, commands: accepted, audit: accepted, updates: accepted, gaps: 0 });
  });

  it('plans from the database: a fresh loop at the same instant has nothing left to do, and replays its last command ids', async () => {
    const fresh = new CaseLoop(test.database, rig.commands, { seed: 17 });
    expect(await fresh.tick(rig.now())).toBe(0);
    expect(fresh.stats.open).toBe(rig.loop.stats.open);
    // The same step again (a restart that lost its answer) is answered from the idempotency record.
    const [last] = await test.database.rows<{ commandId: string; caseId: number }>(sql`
      SELECT command_id AS "commandId", case_id AS "caseId" FROM case_commands WHERE command_id LIKE 'sim:%:register' ORDER BY created_at DESC LIMIT 1`);
    const before = await test.database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM case_events`);
    const [, , version] = last!.commandId.split(':');
    const { systemCommandBy } = await import('../../server/services/case-commands');
    const { scopeOf } = await import('../../db/scope');
    const again = await rig.commands.apply(
      systemCommandBy('simulator:desk', 'dispatcher', null, scopeOf('520100')),
      { caseId: last!.caseId, expectedVersion: Number(version), commandId: last!.commandId, command: { action: 'register' } },
      { now: rig.now() },
    );
    expect(again.replayed).toBe(true);
    expect(await test.database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM case_events`)).toEqual(before);
  });

  it('runs in the server: startSimulator works the open simulated cases through the server\'s command service', async () => {
    const server = await createServer({ ...configFromEnv({}), next: false, logLevel: 'silent' }, { database: test.database });
    const commands = async () => (await test.database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM case_commands`))[0]!.n;
    const before = await commands();
    const [head] = await test.database.rows<{ seq: number }>(sql`SELECT coalesce(max(seq), 0)::int AS seq FROM feed`);
    try {
      // No intake: only the loop, in real time, on what the simulated morning left open.
      const running = startSimulator(server.context, { seed: 17, tickMs: 50, rates: { incidentsPerMin: 0, appealsPerMin: 0, alertsPerHour: 0 } });
      const deadline = Date.now() + 20_000;
      while ((await commands()) < before + 20 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      await running.stop();
      expect(await commands()).toBeGreaterThanOrEqual(before + 20);
      expect(running.simulator.stats.errors).toBe(0);
      expect(running.simulator.loop!.stats.refused).toBe(0);
      const [feed] = await test.database.rows<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM feed WHERE topic = 'case.updated' AND payload->>'action' NOT LIKE 'sla\_%' AND seq > ${head!.seq}`,
      );
      expect(feed!.n).toBe((await commands()) - before);
    } finally {
      await server.close();
    }
  });
});

describe('start-up backfill size', () => {
  it('fits the command budget: a short history at the daily peak, a long one at night, all of it without a loop', () => {
    const fake = { tick: async () => 0 } as unknown as CaseLoop;
    const city = async () => ({ empty: true }) as never;
    const rates = { incidentsPerMin: 30, appealsPerMin: 20, alertsPerHour: 2 };
    const withLoop = new Simulator({ ingestCases: async () => [], ingestAlert: async () => null }, city, { rates, loop: fake });
    const intakeOnly = new Simulator({ ingestCases: async () => [], ingestAlert: async () => null }, city, { rates });
    const peak = new Date('2026-03-10T02:30:00Z'); // 10:30 in Guiyang
    const night = new Date('2026-03-10T19:00:00Z'); // 03:00
    const atPeak = withLoop.backfillHoursWithin(8, 3_000, peak);
    const atNight = withLoop.backfillHoursWithin(8, 3_000, night);
    expect(atPeak).toBeGreaterThan(0.25);
    expect(atPeak).toBeLessThan(1);
    expect(atNight).toBeGreaterThan(atPeak * 3);
    expect(atNight).toBeLessThanOrEqual(8);
    expect(withLoop.backfillHoursWithin(8, 1e9, peak)).toBe(8);
    expect(intakeOnly.backfillHoursWithin(8, 3_000, peak)).toBe(8);
  });
});

import pg from 'pg';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client';
import { writeCalendarYears } from '../../db/queries/calendar';
import { budgetAfter, slaColumns, type StageClock } from '../../server/domain/sla';
import { createLogger } from '../../server/logger';
import { caseInputSchema } from '../../server/protocol/api';
import { feedEventSchema } from '../../server/protocol/wire';
import { CalendarService } from '../../server/services/calendar';
import { IngestService } from '../../server/services/ingest';
import { AdvisoryLeader, SoleLeader } from '../../server/services/leader';
import { SCHEDULER_LOCK_KEY } from '../../db/locks';
import { Scheduler, type SchedulerOptions } from '../../server/services/scheduler';
import { DB_KINDS, createTestDatabase, type TestDatabase } from '../helpers/db';
import { FIXTURE, appeal, incident, insertFixtureCity } from '../helpers/fixtures';
import { FeedClient, postJson, startTestServer } from '../helpers/server';

/**
 * The scheduler's sweeps on both databases: each timer fires once (one case_events
 * row, one feed row), a second tick writes nothing, escalation climbs to the root
 * and stops, downtime is caught up from the instants in the rows. Time is moved by
 * the scheduler's clock, or by writing instants in the past, never by sleeping.
 */
const log = createLogger('silent');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A point in the west district's first grid, and one outside every area. */
const IN_GRID = [106.605, 26.535] as const;
const OUTSIDE = [106.9, 26.9] as const;
const GRID_PATH = [FIXTURE.city, FIXTURE.west, `${FIXTURE.west}001`, `${FIXTURE.west}001001`, `${FIXTURE.west}001001001`];

interface Rig {
  scheduler: Scheduler;
  calendar: CalendarService;
  ingest: IngestService;
  clock: { now: number };
  commits: { n: number };
}

async function rig(database: Database, options: Partial<SchedulerOptions> = {}): Promise<Rig> {
  const calendar = new CalendarService(database);
  await calendar.load();
  const clock = { now: Date.now() };
  const commits = { n: 0 };
  const scheduler = new Scheduler(
    { database, calendar, leadership: new SoleLeader(), log, onCommit: () => commits.n++ },
    { maintenanceMs: 0, now: () => clock.now, ...options },
  );
  const ingest = new IngestService(database, () => undefined, { calendar: () => calendar.current() });
  return { scheduler, calendar, ingest, clock, commits };
}

interface CaseRow {
  id: number;
  status: string;
  version: number;
  state: string;
  dueAt: number | null;
  warnAt: number | null;
  level: number;
  nextAt: number | null;
  beyond: boolean;
}

async function caseRow(database: Database, id: number): Promise<CaseRow> {
  const [row] = await database.rows<CaseRow>(sql`
    SELECT id, status, version, sla_state AS state, escalation_level AS level, sla_beyond_calendar AS beyond,
           (extract(epoch FROM sla_due_at) * 1000)::float8 AS "dueAt", (extract(epoch FROM sla_warn_at) * 1000)::float8 AS "warnAt",
           (extract(epoch FROM next_escalation_at) * 1000)::float8 AS "nextAt"
    FROM cases WHERE id = ${id}::bigint`);
  return row!;
}

/** Scheduler events per case and action, and the scheduler's feed rows, for exact counting. */
async function written(database: Database, id: number) {
  const events = await database.rows<{ action: string; version: number | null; data: Record<string, unknown> }>(sql`
    SELECT action, version, data FROM case_events WHERE case_id = ${id}::bigint AND actor = 'system:scheduler' ORDER BY id`);
  const feed = await database.rows<{ seq: number; topic: string; payload: Record<string, unknown> }>(sql`
    SELECT seq, topic, payload FROM feed WHERE topic IN ('case.updated', 'case.escalated') AND (payload->>'id')::bigint = ${id}::bigint ORDER BY seq`);
  return { events, feed, actions: events.map((e) => e.action) };
}

async function ingestOne(r: Rig, input: Record<string, unknown>): Promise<number> {
  const [result] = await r.ingest.ingestCases([caseInputSchema.parse(input)]);
  return result!.case.id;
}

let serial = 0;
const nextId = () => `sched-${++serial}`;

describe.each(DB_KINDS)('scheduler sweeps (%s)', (kind) => {
  let testDb: TestDatabase;
  let r: Rig;

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    await insertFixtureCity(testDb.database);
  });
  afterAll(async () => testDb?.drop());
  beforeEach(async () => {
    r = await rig(testDb.database);
  });

  it('warns, marks overdue and escalates each case once, level by level, stopping at the root', async () => {
    const db = testDb.database;
    const id = await ingestOne(r, incident(nextId(), ...IN_GRID));
    const born = await caseRow(db, id);
    expect(born).toMatchObject({ state: 'normal', level: 0, nextAt: null });

    // Past the warning instant: one warning.
    r.clock.now = born.warnAt! + 1_000;
    expect(await r.scheduler.tick()).toMatchObject({ leader: true, warning: 1, overdue: 0, escalated: 0 });
    let w = await written(db, id);
    expect(w.actions).toEqual(['sla_warning']);
    expect(w.feed).toHaveLength(1);
    expect(feedEventSchema.parse({ ...w.feed[0], at: 'x', layer: 'incidents', areaCodes: GRID_PATH })).toBeTruthy();
    expect(w.feed[0]!.payload).toMatchObject({ id, action: 'sla_warning', version: 1, sla: { state: 'warning', stage: 'register' } });
    expect(await r.scheduler.tick()).toMatchObject({ warning: 0, overdue: 0, escalated: 0 });
    expect((await written(db, id)).events).toHaveLength(1);

    // Past the deadline: overdue, and the first escalation is due at once (to the community).
    r.clock.now = born.dueAt! + 1_000;
    expect(await r.scheduler.tick()).toMatchObject({ warning: 0, overdue: 1, escalated: 1 });
    w = await written(db, id);
    expect(w.actions).toEqual(['sla_warning', 'sla_overdue', 'escalated']);
    expect(w.feed.map((f) => f.topic)).toEqual(['case.updated', 'case.updated', 'case.escalated']);
    expect(w.feed[1]!.payload).toMatchObject({ action: 'sla_overdue', sla: { state: 'overdue' }, escalation: 0 });
    expect(w.feed[2]!.payload).toMatchObject({ level: 1, to: GRID_PATH[3], escalation: 1, version: 1 });
    const afterFirst = await caseRow(db, id);
    const clock = { stage: 'register', startedAt: Date.parse(String(w.feed[0]!.payload.reportedAt)), pauses: [], extensions: [] } satisfies StageClock;
    const second = budgetAfter(born.dueAt!, clock, { kind: 'incident', category: '0102', severity: 'Moderate' }, r.calendar.current()).at;
    expect(afterFirst).toMatchObject({ state: 'overdue', level: 1, nextAt: second });
    expect(await r.scheduler.tick()).toMatchObject({ overdue: 0, escalated: 0 });
    // One stage budget later: the street.
    r.clock.now = second;
    expect(await r.scheduler.tick()).toMatchObject({ escalated: 1 });
    expect(await caseRow(db, id)).toMatchObject({ level: 2 });
    expect(await r.scheduler.tick()).toMatchObject({ escalated: 0 });

    // Down for a month: one escalation straight to the level due by now — the root — and nothing more after it.
    r.clock.now = born.dueAt! + 30 * DAY;
    expect(await r.scheduler.tick()).toMatchObject({ escalated: 1 });
    w = await written(db, id);
    const escalations = w.feed.filter((f) => f.topic === 'case.escalated').map((f) => [f.payload.level, f.payload.to]);
    expect(escalations).toEqual([
      [1, GRID_PATH[3]],
      [2, GRID_PATH[2]],
      [4, GRID_PATH[0]],
    ]);
    expect(w.events.filter((e) => e.action === 'escalated').map((e) => [e.data.from, e.data.level, e.data.nextAt === null])).toEqual([
      [0, 1, false],
      [1, 2, false],
      [2, 4, true],
    ]);
    expect(await caseRow(db, id)).toMatchObject({ level: 4, nextAt: null, state: 'overdue', version: 1 });
    expect(await r.scheduler.tick()).toMatchObject({ warning: 0, overdue: 0, escalated: 0 });
    expect((await written(db, id)).events).toHaveLength(5);
    // No version was taken: a dispatcher's expectedVersion from before is still current.
    expect(w.events.every((e) => e.version === null)).toBe(true);
  });

  it('catches up downtime: a case that passed its warning and its deadline unseen gets one overdue event, no warning', async () => {
    const id = await ingestOne(r, appeal(nextId(), ...IN_GRID));
    const born = await caseRow(testDb.database, id);
    r.clock.now = born.dueAt! + HOUR / 2;
    await r.scheduler.tick();
    const w = await written(testDb.database, id);
    expect(w.actions.filter((a) => a.startsWith('sla_'))).toEqual(['sla_overdue']);
    expect(w.feed[0]!.payload).toMatchObject({ action: 'sla_overdue' });
    expect(w.feed[0]!.payload.id).toBe(id);
  });

  it('never escalates a case that lies at the root (outside every area)', async () => {
    const id = await ingestOne(r, incident(nextId(), ...OUTSIDE));
    const born = await caseRow(testDb.database, id);
    r.clock.now = born.dueAt! + 30 * DAY;
    await r.scheduler.tick();
    await r.scheduler.tick();
    expect((await written(testDb.database, id)).actions).toEqual(['sla_overdue']);
    expect(await caseRow(testDb.database, id)).toMatchObject({ state: 'overdue', level: 0, nextAt: null });
  });

  it('escalates a case that was overdue on arrival (a late report), without an overdue event of its own', async () => {
    const reportedAt = new Date(Date.now() - 3 * DAY).toISOString();
    const id = await ingestOne(r, incident(nextId(), ...IN_GRID, { reportedAt }));
    expect(await caseRow(testDb.database, id)).toMatchObject({ state: 'overdue', nextAt: null });
    const report = await r.scheduler.tick();
    expect(report.maintenance?.scheduled).toBeGreaterThanOrEqual(1);
    const w = await written(testDb.database, id);
    expect(w.actions).toEqual(['escalated']);
    expect(w.feed[0]!.payload).toMatchObject({ level: 4, to: FIXTURE.city });
    expect(await caseRow(testDb.database, id)).toMatchObject({ level: 4, nextAt: null });
  });

  it('computes missing deadlines (what migration 0003 leaves) and then sweeps them like any other', async () => {
    const id = await ingestOne(r, incident(nextId(), ...IN_GRID));
    const born = await caseRow(testDb.database, id);
    await testDb.database.rows(sql`UPDATE cases SET sla_due_at = NULL, sla_warn_at = NULL, sla_state = 'normal' WHERE id = ${id}::bigint`);
    r.clock.now = born.warnAt! - 60_000;
    expect(await r.scheduler.tick()).toMatchObject({ recomputed: 1, warning: 0 });
    expect(await caseRow(testDb.database, id)).toMatchObject({ dueAt: born.dueAt, warnAt: born.warnAt, state: 'normal' });
    const w = await written(testDb.database, id);
    expect(w.actions).toEqual(['sla_recomputed']);
    expect(w.feed[0]!.payload).toMatchObject({ action: 'sla_recomputed', sla: { dueAt: new Date(born.dueAt!).toISOString() } });
    expect(await r.scheduler.tick()).toMatchObject({ recomputed: 0 });
  });

  it('leaves suspended cases alone and drops escalations that no longer apply, writing nothing', async () => {
    const db = testDb.database;
    const suspended = await ingestOne(r, incident(nextId(), ...IN_GRID));
    const closed = await ingestOne(r, incident(nextId(), ...IN_GRID));
    const past = new Date(Date.now() - HOUR).toISOString();
    await db.rows(sql`UPDATE cases SET status = 'suspended', prior_status = 'reported', sla_due_at = ${past}::timestamptz, sla_warn_at = ${past}::timestamptz WHERE id = ${suspended}::bigint`);
    await db.rows(sql`UPDATE cases SET status = 'closed', sla_clock = NULL, sla_stage = NULL, sla_due_at = NULL, sla_warn_at = NULL,
                        sla_state = 'overdue', next_escalation_at = ${past}::timestamptz WHERE id = ${closed}::bigint`);
    r.clock.now = Date.now() + DAY;
    const report = await r.scheduler.tick();
    expect(report.maintenance?.cleared).toBeGreaterThanOrEqual(1);
    expect((await written(db, suspended)).events).toHaveLength(0);
    expect((await written(db, closed)).events).toHaveLength(0);
    expect(await caseRow(db, suspended)).toMatchObject({ state: 'normal', status: 'suspended' });
    expect(await caseRow(db, closed)).toMatchObject({ nextAt: null, level: 0 });
  });

  it('recomputes deadlines a calendar import moves, and unflags them', async () => {
    const db = testDb.database;
    // A 处置 clock from Mon 28 Dec 2026 09:00: 5 working days run into 2027, which is not announced yet.
    const id = await ingestOne(r, appeal(nextId(), ...IN_GRID));
    const startedAt = Date.parse('2026-12-28T09:00:00+08:00');
    const clock: StageClock = { stage: 'handle', startedAt, pauses: [], extensions: [] };
    const cols = slaColumns(clock, { kind: 'appeal', category: 'TS', severity: 'Unknown' }, r.calendar.current(), startedAt);
    expect(cols.slaBeyondCalendar).toBe(true);
    await db.rows(sql`UPDATE cases SET sla_clock = ${JSON.stringify(clock)}::jsonb, sla_stage = 'handle', sla_state = 'normal',
      sla_due_at = ${cols.slaDueAt!.toISOString()}::timestamptz, sla_warn_at = ${cols.slaWarnAt!.toISOString()}::timestamptz,
      sla_beyond_calendar = true WHERE id = ${id}::bigint`);
    r.clock.now = startedAt + HOUR;
    expect(await r.scheduler.tick()).toMatchObject({ recomputed: 0, calendarReloaded: false });

    // Test data only (not the State Council's notice): a made-up 2027 whose only holiday is 1 January.
    await db.transaction((tx) => writeCalendarYears(tx, [{ year: 2027, holidays: ['2027-01-01'], workdays: [] }], 'test-fake-2027'));
    expect(await r.scheduler.tick()).toMatchObject({ calendarReloaded: true, recomputed: 1 });
    // Fri 1 Jan now off: 27.5 h to Thu 31 Dec, 7 h Mon 4 Jan, 0.5 h Tue 5 Jan.
    expect(await caseRow(db, id)).toMatchObject({ dueAt: Date.parse('2027-01-05T09:00:00+08:00'), beyond: false, state: 'normal' });
    const w = await written(db, id);
    expect(w.actions).toEqual(['sla_recomputed']);
    expect(w.feed[0]!.payload).toMatchObject({ sla: { beyondCalendar: false, dueAt: '2027-01-05T01:00:00.000Z' } });
    expect(await r.scheduler.tick()).toMatchObject({ recomputed: 0, calendarReloaded: false });
    await db.rows(sql`DELETE FROM calendar_days WHERE day >= '2027-01-01'`);
    await db.rows(sql`DELETE FROM calendar_years WHERE year = 2027`);
  });

  it('prunes the feed past retention, old command results and ended sessions', async () => {
    const db = testDb.database;
    const id = await ingestOne(r, incident(nextId(), ...IN_GRID));
    await db.rows(sql`UPDATE feed SET at = now() - interval '100 hours' WHERE seq < (SELECT max(seq) FROM feed)`);
    const old = await db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM feed WHERE at < now() - interval '72 hours'`);
    await db.rows(sql`INSERT INTO case_commands (command_id, case_id, actor, fingerprint, status, response, created_at) VALUES
      ('old-cmd', ${id}::bigint, 'user:1', 'f', 200, '{}'::jsonb, now() - interval '8 days'),
      ('new-cmd', ${id}::bigint, 'user:1', 'f', 200, '{}'::jsonb, now())`);
    const report = await r.scheduler.tick();
    expect(report.pruned).toMatchObject({ feed: old[0]!.n, commands: 1 });
    expect(old[0]!.n).toBeGreaterThan(0);
    const left = await db.rows<{ command_id: string }>(sql`SELECT command_id FROM case_commands ORDER BY command_id`);
    expect(left.map((c) => c.command_id)).toEqual(['new-cmd']);
    // Pruning runs on taking the lead and then every pruneMs, not every tick.
    expect((await r.scheduler.tick()).pruned).toBeNull();
  });

  it('publishes the changes live, and a server down across a deadline marks the case overdue when it is back', async () => {
    const db = testDb.database;
    const first = await startTestServer(db, 0, { scheduler: { enabled: true, tickMs: 60_000 } });
    let second: Awaited<ReturnType<typeof startTestServer>> | null = null;
    const client = new FeedClient(first.base, { layers: ['incidents'] });
    try {
      await client.connected();
      expect(await client.subscribe(null)).toMatchObject({ ok: true });
      const created = await postJson(first.base, '/api/cases', incident(nextId(), ...IN_GRID));
      expect(created.status).toBe(201);
      const id = (created.body as { case: { id: number } }).case.id;
      await db.rows(sql`UPDATE cases SET sla_warn_at = now() - interval '2 minutes', sla_due_at = now() - interval '1 minute' WHERE id = ${id}::bigint`);
      await first.app.context.scheduler.tick();
      await client.until((events) => events.some((e) => e.topic === 'case.escalated' && e.payload.id === id));
      const mine = client.applied.filter((e) => 'id' in e.payload && e.payload.id === id).map((e) => (e.topic === 'case.updated' ? `updated:${e.payload.action}` : e.topic));
      expect(mine).toEqual(['case.created', 'updated:sla_overdue', 'case.escalated']);
      for (const event of client.applied) expect(feedEventSchema.safeParse(event).success).toBe(true);

      // Down across a deadline: nothing ticks while it is away; the first tick after the start catches up.
      const late = await postJson(first.base, '/api/cases', incident(nextId(), ...IN_GRID));
      const lateId = (late.body as { case: { id: number } }).case.id;
      client.close();
      await first.app.close();
      await db.rows(sql`UPDATE cases SET sla_warn_at = now() - interval '2 minutes', sla_due_at = now() - interval '1 minute' WHERE id = ${lateId}::bigint`);
      expect(await caseRow(db, lateId)).toMatchObject({ state: 'normal' });
      second = await startTestServer(db, 0, { scheduler: { enabled: true, tickMs: 60_000 }, signIn: false });
      const scheduler = second.app.context.scheduler;
      await until(() => Promise.resolve(scheduler.ticks >= 1), 'the start-up tick');
      expect(await caseRow(db, lateId)).toMatchObject({ state: 'overdue', level: 1 });
      expect((await written(db, lateId)).actions).toEqual(['sla_overdue', 'escalated']);
    } finally {
      client.close();
      await first.app.close();
      await second?.app.close();
    }
  });
});

describe.runIf(DB_KINDS.includes('postgres'))('scheduler sweeps under concurrency (postgres)', () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    await insertFixtureCity(testDb.database);
  });
  afterAll(async () => testDb?.drop());

  it('gives up the lead with its connection, and another node takes it', async () => {
    const a = new AdvisoryLeader(testDb.url!, log);
    const b = new AdvisoryLeader(testDb.url!, log);
    try {
      expect(await a.check()).toBe(true);
      expect(await b.check()).toBe(false);
      expect(await a.check()).toBe(true);
      // The leader's session is killed (a failover, an admin, a network cut the server noticed).
      const [killed] = await testDb.database.rows<{ n: number }>(sql`
        SELECT count(pg_terminate_backend(l.pid))::int AS n FROM pg_locks l
        WHERE l.locktype = 'advisory' AND l.granted AND l.objid = ${SCHEDULER_LOCK_KEY}::int AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
      expect(killed!.n).toBe(1);
      await until(async () => (await a.check()) === false && !a.leading, 'the old leader to notice');
      await until(() => b.check(), 'the other node to take the lead');
      expect(await a.check()).toBe(false);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('skips a case a command holds locked instead of waiting for it, and takes it at the next tick', async () => {
    const r = await rig(testDb.database);
    const held = await ingestOne(r, incident(nextId(), ...IN_GRID));
    const free = await ingestOne(r, incident(nextId(), ...IN_GRID));
    await testDb.database.rows(sql`UPDATE cases SET sla_due_at = now() - interval '1 minute' WHERE id IN (${held}::bigint, ${free}::bigint)`);
    const command = new pg.Client({ connectionString: testDb.url });
    await command.connect();
    try {
      await command.query('BEGIN');
      await command.query('SELECT id FROM cases WHERE id = $1 FOR UPDATE', [held]);
      const report = await r.scheduler.tick();
      expect(report.overdue).toBe(1);
      expect((await caseRow(testDb.database, free)).state).toBe('overdue');
      expect((await caseRow(testDb.database, held)).state).toBe('normal');
      await command.query('COMMIT');
    } finally {
      await command.end();
    }
    expect(await r.scheduler.tick()).toMatchObject({ overdue: 1 });
    expect((await caseRow(testDb.database, held)).state).toBe('overdue');
  });

  it('fires each timer once even when two schedulers both believe they lead (row conditions, not only the lock)', async () => {
    const other = await openDatabase({ url: testDb.url!, poolSize: 5, migrate: false });
    try {
      const a = await rig(testDb.database, { batch: 7 });
      const b = await rig(other, { batch: 7 });
      const ids: number[] = [];
      for (let i = 0; i < 40; i++) ids.push(await ingestOne(a, incident(nextId(), IN_GRID[0] + (i % 4) * 0.001, IN_GRID[1])));
      await testDb.database.rows(sql`UPDATE cases SET sla_warn_at = now() - interval '3 days', sla_due_at = now() - interval '2 days'
                                     WHERE id = ANY(${`{${ids.join(',')}}`}::bigint[])`);
      for (let round = 0; round < 5; round++) await Promise.all([a.scheduler.tick(), b.scheduler.tick(), a.scheduler.tick(), b.scheduler.tick()]);
      const counts = await testDb.database.rows<{ action: string; per_case: number[] }>(sql`
        SELECT action, array_agg(n ORDER BY case_id) AS per_case FROM (
          SELECT case_id, action, count(*)::int AS n FROM case_events
          WHERE actor = 'system:scheduler' AND case_id = ANY(${`{${ids.join(',')}}`}::bigint[]) GROUP BY case_id, action) x
        GROUP BY action ORDER BY action`);
      expect(counts).toEqual([
        { action: 'escalated', per_case: ids.map(() => 1) },
        { action: 'sla_overdue', per_case: ids.map(() => 1) },
      ]);
      const [feed] = await testDb.database.rows<{ n: number }>(sql`
        SELECT count(*)::int AS n FROM feed WHERE topic IN ('case.updated', 'case.escalated') AND (payload->>'id')::bigint = ANY(${`{${ids.join(',')}}`}::bigint[])`);
      expect(feed!.n).toBe(ids.length * 2);
      const [root] = await testDb.database.rows<{ n: number }>(sql`
        SELECT count(*)::int AS n FROM cases WHERE id = ANY(${`{${ids.join(',')}}`}::bigint[]) AND escalation_level = 4 AND next_escalation_at IS NULL`);
      expect(root!.n).toBe(ids.length);
    } finally {
      await other.close();
    }
  });
});

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../server/app';
import { configFromEnv } from '../../server/config';
import { alertInputSchema, caseInputSchema } from '../../server/protocol/api';
import { IngestService } from '../../server/services/ingest';
import { Simulator, startSimulator, type SimulatorOptions } from '../../server/simulator';
import { distanceM, type Position } from '../../server/simulator/city';
import { createRng } from '../../server/simulator/random';
import { insertSyntheticCity, syntheticCitySpecs } from '../bench/synthetic-city';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db';

/** 10:30 and 03:00 in Asia/Shanghai (UTC+8). */
const PEAK = new Date('2025-06-02T02:30:00Z');
const NIGHT = new Date('2025-06-01T19:00:00Z');
const CITY = { gridsPerCommunity: 4 }; // 32 × 32 grids of 450 m: a 14 km square

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe.each(DB_KINDS)('simulator on %s', (kind) => {
  let test: TestDatabase;
  let ingest: IngestService;

  beforeAll(async () => {
    test = await createTestDatabase(kind);
    await insertSyntheticCity(test.database, CITY);
    ingest = new IngestService(test.database, () => undefined);
  });
  afterAll(async () => {
    await test?.drop();
  });

  async function loaded(options: SimulatorOptions): Promise<Simulator> {
    const simulator = new Simulator(ingest, test.database, { runId: 't', ...options });
    expect(await simulator.load()).toBe(true);
    return simulator;
  }

  it('writes incidents, appeals and alerts through intake, with grids and feed rows', async () => {
    const simulator = await loaded({
      seed: 11,
      runId: 'write',
      rates: { incidentsPerMin: 600, appealsPerMin: 600, alertsPerHour: 3600 },
    });
    for (let s = 0; s < 5; s++) await simulator.tick(new Date(PEAK.getTime() + s * 1000));
    expect(simulator.stats.cases).toBeGreaterThan(50);
    expect(simulator.stats.alerts).toBeGreaterThan(0);

    const [counts] = await test.database.rows<{ cases: number; gridded: number; incidents: number; appeals: number; feed: number; alerts: number }>(sql`
      SELECT count(*)::int AS cases, count(grid_id)::int AS gridded,
             count(*) FILTER (WHERE kind = 'incident')::int AS incidents,
             count(*) FILTER (WHERE kind = 'appeal')::int AS appeals,
             (SELECT count(*)::int FROM feed) AS feed,
             (SELECT count(*)::int FROM alerts WHERE external_id LIKE 'sim-write-%') AS alerts
      FROM cases WHERE external_id LIKE 'sim-write-%'`);
    expect(counts!.cases).toBe(simulator.stats.cases);
    // Every point is drawn inside a grid, so PostGIS assigns every one.
    expect(counts!.gridded).toBe(counts!.cases);
    expect(counts!.incidents).toBeGreaterThan(0);
    expect(counts!.appeals).toBeGreaterThan(0);
    expect(counts!.alerts).toBe(simulator.stats.alerts);
    expect(counts!.feed).toBe(counts!.cases + counts!.alerts);

    const [alert] = await test.database.rows<{ affected: number }>(
      sql`SELECT affected_grids AS affected FROM alerts WHERE external_id LIKE 'sim-write-%' LIMIT 1`,
    );
    expect(alert!.affected).toBeGreaterThan(0);
  });

  it('produces inputs the REST schemas accept', async () => {
    const simulator = await loaded({ seed: 5, rates: { incidentsPerMin: 6000, appealsPerMin: 6000, alertsPerHour: 36_000 } });
    const batch = simulator.generate(PEAK, 5000);
    expect(batch.cases.length).toBeGreaterThan(500);
    expect(batch.alerts.length).toBeGreaterThan(20);
    for (const input of batch.cases) expect(caseInputSchema.safeParse(input).error).toBeUndefined();
    for (const input of batch.alerts) expect(alertInputSchema.safeParse(input).error).toBeUndefined();
    const incidents = batch.cases.filter((c) => c.kind === 'incident');
    const emergencies = incidents.filter((c) => c.category.startsWith('05'));
    const severe = (list: typeof incidents) => list.filter((c) => c.severity === 'Severe' || c.severity === 'Extreme').length / list.length;
    expect(severe(incidents)).toBeLessThan(0.2);
    expect(severe(emergencies)).toBeGreaterThan(severe(incidents));
    expect(incidents.filter((c) => c.channel === 'grid_worker').length / incidents.length).toBeGreaterThan(0.7);
    const appeals = batch.cases.filter((c) => c.kind === 'appeal');
    expect(appeals.filter((c) => c.channel === 'hotline_12345').length / appeals.length).toBeGreaterThan(0.5);
    expect(new Set(batch.cases.map((c) => c.externalId)).size).toBe(batch.cases.length);
  });

  it('follows the daily rhythm: quiet at 03:00, busy late morning', async () => {
    const simulator = await loaded({ seed: 3, rates: { incidentsPerMin: 60, appealsPerMin: 60, alertsPerHour: 0 } });
    const ticks = 600;
    const count = (at: Date, kind: 'incident' | 'appeal') => {
      let n = 0;
      for (let s = 0; s < ticks; s++) n += simulator.generate(new Date(at.getTime() + s * 1000), 1000).cases.filter((c) => c.kind === kind).length;
      return n;
    };
    for (const [kind, rate] of [['incident', 'incidents'], ['appeal', 'appeals']] as const) {
      const night = count(NIGHT, kind);
      const peak = count(PEAK, kind);
      const expectedNight = simulator.expectedPerSecond(NIGHT)[rate] * ticks;
      const expectedPeak = simulator.expectedPerSecond(PEAK)[rate] * ticks;
      expect(expectedNight).toBeLessThan(expectedPeak / 6);
      // Poisson: within 5 standard deviations of the configured means.
      expect(Math.abs(peak - expectedPeak)).toBeLessThan(5 * Math.sqrt(expectedPeak));
      expect(Math.abs(night - expectedNight)).toBeLessThan(5 * Math.sqrt(expectedNight) + 2);
      expect(night).toBeLessThan(peak / 4);
    }
  });

  it('clusters appeals around hot spots that drift slowly through the day', async () => {
    const simulator = await loaded({ seed: 21, rates: { incidentsPerMin: 0, appealsPerMin: 600, alertsPerHour: 0 } });
    const spots = simulator.hotspotsAt(PEAK).map((h) => h.centre);
    expect(spots.length).toBeGreaterThanOrEqual(3);
    expect(spots.length).toBeLessThanOrEqual(5);
    const nearest = (p: Position) => Math.min(...spots.map((c) => distanceM(p, c)));

    const appeals = simulator.generate(PEAK, 100_000).cases;
    expect(appeals.length).toBeGreaterThan(500);
    const fromSpots = appeals.filter((a) => a.attributes?.hotspot !== undefined).length / appeals.length;
    expect(fromSpots).toBeGreaterThan(0.5);

    const [w, s, e, n] = bboxOfCity();
    const rng = createRng(99);
    const uniform = Array.from({ length: 2000 }, (): Position => [rng.range(w, e), rng.range(s, n)]);
    const appealMedian = median(appeals.map((a) => nearest(a.location.coordinates)));
    const uniformMedian = median(uniform.map(nearest));
    expect(appealMedian).toBeLessThan(uniformMedian * 0.5);

    // Drift: the centres move over hours, but only a little within ten minutes.
    const later = simulator.hotspotsAt(new Date(PEAK.getTime() + 4 * 3_600_000)).map((h) => h.centre);
    const soon = simulator.hotspotsAt(new Date(PEAK.getTime() + 10 * 60_000)).map((h) => h.centre);
    expect(Math.max(...later.map((c, i) => distanceM(c, spots[i]!)))).toBeGreaterThan(500);
    for (const [i, c] of soon.entries()) expect(distanceM(c, spots[i]!)).toBeLessThan(1000);
  });

  it('backfills recent history stamped with past times, and only alerts still in force', async () => {
    const now = new Date(PEAK.getTime() + 86_400_000);
    const simulator = await loaded({ seed: 8, runId: 'backfill', rates: { incidentsPerMin: 30, appealsPerMin: 30, alertsPerHour: 6 } });
    const written = await simulator.backfill(3, now);
    const [row] = await test.database.rows<{ n: number; oldest: number; newest: number; live: number; alerts: number }>(sql`
      SELECT count(*)::int AS n,
             extract(epoch FROM min(reported_at))::float8 * 1000 AS oldest,
             extract(epoch FROM max(reported_at))::float8 * 1000 AS newest,
             (SELECT count(*)::int FROM alerts WHERE external_id LIKE 'sim-backfill-%' AND expires > ${now.toISOString()}::timestamptz) AS live,
             (SELECT count(*)::int FROM alerts WHERE external_id LIKE 'sim-backfill-%') AS alerts
      FROM cases WHERE external_id LIKE 'sim-backfill-%'`);
    expect(row!.n).toBe(written.cases);
    // About 3 h × 60 events/min at the rhythm of 07:30–10:30; far more than one tick's worth.
    expect(row!.n).toBeGreaterThan(2000);
    expect(row!.oldest).toBeGreaterThanOrEqual(now.getTime() - 3 * 3_600_000);
    expect(row!.oldest).toBeLessThan(now.getTime() - 2.5 * 3_600_000);
    expect(row!.newest).toBeLessThanOrEqual(now.getTime());
    expect(row!.alerts).toBe(written.alerts);
    expect(row!.live).toBe(row!.alerts);
  });

  it('is deterministic for a seed', async () => {
    const run = async (seed: number) => {
      const simulator = await loaded({ seed, rates: { incidentsPerMin: 300, appealsPerMin: 300, alertsPerHour: 600 } });
      return [0, 1, 2, 3].map((s) => simulator.generate(new Date(PEAK.getTime() + s * 1000), 1000));
    };
    const a = await run(42);
    expect(await run(42)).toEqual(a);
    expect(await run(43)).not.toEqual(a);
  });

  it('runs live through startSimulator and stops cleanly', async () => {
    // The scheduler's timers are not under test here (and its catch-up would share PGlite's one thread with the simulator).
    const server = await createServer({ ...configFromEnv({}), next: false, logLevel: 'silent' }, { database: test.database, scheduler: { enabled: false } });
    try {
      const t0 = Date.now();
      // Real time, shifted to the peak hour so the rate is predictable.
      const clock = () => new Date(PEAK.getTime() + (Date.now() - t0));
      const running = startSimulator(server.context, {
        seed: 8,
        runId: 'live',
        tickMs: 50,
        clock,
        rates: { incidentsPerMin: 3000, appealsPerMin: 3000, alertsPerHour: 0 },
        // Intake alone: the command loop is tested in simulator-loop.test.ts (it would work this file's backlog here).
        loop: null,
      });
      await new Promise((resolve) => setTimeout(resolve, 800));
      await running.stop();
      const written = async () =>
        (await test.database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM cases WHERE external_id LIKE 'sim-live-%'`))[0]!.n;
      const after = await written();
      expect(running.simulator.stats.ticks).toBeGreaterThan(2);
      expect(running.simulator.stats.errors).toBe(0);
      expect(after).toBe(running.simulator.stats.cases);
      expect(after).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await written()).toBe(after);
    } finally {
      await server.close();
    }
  });
});

function bboxOfCity(): [number, number, number, number] {
  const city = syntheticCitySpecs(CITY)[0]![0]!;
  return [city.w, city.s, city.e, city.n];
}

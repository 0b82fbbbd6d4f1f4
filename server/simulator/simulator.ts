import { randomBytes, randomInt } from 'node:crypto';
import type { Runner } from '../../db/client';
import { MAX_BATCH, type AlertInput, type CaseInput } from '../protocol/api';
import { APPEAL_TOPIC_LIST } from './catalogue';
import type { CityModel, Position } from './city';
import { databaseCity, type CityLoader } from './city-source';
import { makeAlert, makeAppeal, makeIncident, type EventContext } from './events';
import { hotspotCentre, planHotspots, type Hotspot } from './hotspots';
import type { AlertDuty } from './alert-duty';
import type { CaseLoop } from './loop';
import { createRng, hashSeed, WeightedPicker, type Rng } from './random';
import { rhythm } from './rhythm';

export interface SimulatorRates {
  /** Incidents per minute at the daily peak. */
  incidentsPerMin: number;
  /** Appeals per minute at the daily peak. */
  appealsPerMin: number;
  /** Alerts per hour (flat: weather and accidents keep no office hours). */
  alertsPerHour: number;
}

/** Where events go: IngestService fits as is; the CLI's REST client fits too. */
export interface CaseSink {
  ingestCases(inputs: CaseInput[]): Promise<unknown>;
  ingestAlert(input: AlertInput): Promise<unknown>;
}

/** The pino methods used here, so tests and the CLI can pass something simpler. */
export interface SimulatorLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface SimulatorOptions {
  /** Same seed + same city + same tick times → the same events. Random when absent. */
  seed?: number;
  rates?: Partial<SimulatorRates>;
  clock?: () => Date;
  tickMs?: number;
  /**
   * Prefix of external ids. Random by default: intake is idempotent on
   * (channel, external id), so a rerun with the same ids would write nothing.
   */
  runId?: string;
  /** Number of appeal hot spots (default 3–5, drawn from the seed). */
  hotspots?: number;
  log?: SimulatorLog;
  /**
   * The simulated command centre that moves cases around the loop after intake
   * (in-process only: it commands through CaseCommandService). Without it the
   * simulator only reports, as the REST CLI does.
   */
  loop?: CaseLoop | null;
  /** The simulated duty officers who acknowledge most of the simulator's alerts (in-process only). */
  duty?: AlertDuty | null;
}

export interface GeneratedBatch {
  at: Date;
  cases: CaseInput[];
  alerts: AlertInput[];
}

export const DEFAULT_RATES: SimulatorRates = { incidentsPerMin: 30, appealsPerMin: 20, alertsPerHour: 4 };
const DEFAULT_TICK_MS = 1000;
/** After a stall (slow batch, suspended laptop) catch up at most this much simulated time. */
const MAX_CATCH_UP_MS = 10_000;
/** While the city has no grids yet (seeding in progress), look again this often. */
const RELOAD_EMPTY_MS = 30_000;
/** Backfill: intake in 5-minute steps, the loop in 1-minute steps inside them. */
const BACKFILL_STEP_MS = 5 * 60_000;
const BACKFILL_LOOP_STEP_MS = 60_000;
/** Backfill: commands per loop step at most (no live screen waits on it; bounded all the same). */
const BACKFILL_MAX_COMMANDS = 2_000;
/**
 * Sizing a backfill: a case takes about 5 commands round the loop (register,
 * dispatch, accept, handle, close) over about 50 minutes; a younger one has taken
 * its share of them.
 */
const COMMANDS_PER_CASE = 5;
const LOOP_MINUTES = 50;

const silentLog: SimulatorLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Synthetic traffic for demos and load: grid incidents in a daily rhythm,
 * appeals around drifting hot spots, occasional alerts — written through the
 * same intake path as real reports. Drive it with start()/stop() in real time,
 * or call tick(now) yourself for a deterministic run.
 */
export class Simulator {
  readonly seed: number;
  readonly runId: string;
  readonly rates: SimulatorRates;
  readonly tickMs: number;
  readonly stats = { ticks: 0, cases: 0, alerts: 0, errors: 0 };
  readonly loop: CaseLoop | null;
  readonly duty: AlertDuty | null;
  private readonly loadCity: CityLoader;
  private readonly clock: () => Date;
  private readonly log: SimulatorLog;
  private readonly hotspotCount: number | undefined;
  private readonly rng: Rng;
  private sequence = 0;
  private context: EventContext | null = null;
  private hotspots: Hotspot[] = [];
  private lastLoadAttempt = -Infinity;
  private lastTickAt: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private warnedEmpty = false;

  constructor(
    private readonly sink: CaseSink,
    city: Runner | CityLoader,
    options: SimulatorOptions = {},
  ) {
    this.seed = options.seed ?? randomInt(2 ** 31);
    this.runId = options.runId ?? randomBytes(4).toString('hex');
    this.rates = { ...DEFAULT_RATES, ...options.rates };
    this.tickMs = options.tickMs ?? DEFAULT_TICK_MS;
    this.loadCity = typeof city === 'function' ? city : databaseCity(city);
    this.clock = options.clock ?? (() => new Date());
    this.log = options.log ?? silentLog;
    this.hotspotCount = options.hotspots;
    this.rng = createRng(hashSeed(this.seed, 'events'));
    this.loop = options.loop ?? null;
    this.duty = options.duty ?? null;
  }

  /** Loads the grids and plans hot spots; false while the city has no grids. */
  async load(): Promise<boolean> {
    if (this.context) return true;
    this.lastLoadAttempt = Date.now();
    const city = await this.loadCity();
    if (city.empty) {
      if (!this.warnedEmpty) this.log.warn({}, 'simulator idle: the database has no unit grids yet');
      this.warnedEmpty = true;
      return false;
    }
    this.useCity(city);
    this.log.info({ grids: city.grids.length, hotspots: this.hotspots.length, seed: this.seed, runId: this.runId }, 'simulator ready');
    return true;
  }

  private useCity(city: CityModel): void {
    // Hot spots get their own stream so their plan does not shift with event draws.
    const planRng = createRng(hashSeed(this.seed, 'hotspots'));
    const count = this.hotspotCount ?? 3 + planRng.int(3);
    this.hotspots = planHotspots(city, planRng, count, APPEAL_TOPIC_LIST.map((t) => t.topic));
    this.context = {
      city,
      rng: this.rng,
      runId: this.runId,
      grids: new WeightedPicker(city.grids, (g) => g.weight),
      hotspotPicker: this.hotspots.length > 0 ? new WeightedPicker(this.hotspots, (h) => h.weight) : null,
      nextId: () => ++this.sequence,
      recentIncidents: [],
    };
  }

  /** Mean events per second at this instant (the Poisson rates each tick draws from). */
  expectedPerSecond(at: Date): { incidents: number; appeals: number; alerts: number } {
    return {
      incidents: (this.rates.incidentsPerMin / 60) * rhythm('incidents', at),
      appeals: (this.rates.appealsPerMin / 60) * rhythm('appeals', at),
      alerts: this.rates.alertsPerHour / 3600,
    };
  }

  /** Hot-spot centres at this instant (after load). */
  hotspotsAt(at: Date): Array<{ id: number; centre: Position; sigmaM: number; topic: string }> {
    return this.hotspots.map((h) => ({ id: h.id, centre: hotspotCentre(h, at), sigmaM: h.sigmaM, topic: h.topic }));
  }

  /** Draws the events of `dtMs` of simulated time ending at `at`, without writing them. */
  generate(at: Date, dtMs = this.tickMs): GeneratedBatch {
    const ctx = this.context;
    if (!ctx) throw new Error('simulator city not loaded: call load() first');
    const seconds = dtMs / 1000;
    const rate = this.expectedPerSecond(at);
    const incidents = this.rng.poisson(rate.incidents * seconds);
    const appeals = this.rng.poisson(rate.appeals * seconds);
    const alerts = this.rng.poisson(rate.alerts * seconds);
    const cases: CaseInput[] = [];
    for (let i = 0; i < incidents; i++) cases.push(makeIncident(ctx, at));
    for (let i = 0; i < appeals; i++) cases.push(makeAppeal(ctx, at));
    return { at, cases, alerts: Array.from({ length: alerts }, () => makeAlert(ctx, at)) };
  }

  /**
   * One step at `now`: draws the events since the previous tick (one tick's
   * worth on the first call) and writes them as one batch. Errors propagate.
   */
  async tick(now: Date = this.clock()): Promise<{ cases: number; alerts: number }> {
    if (!this.context) {
      if (Date.now() - this.lastLoadAttempt < RELOAD_EMPTY_MS) return { cases: 0, alerts: 0 };
      if (!(await this.load())) return { cases: 0, alerts: 0 };
    }
    const elapsed = this.lastTickAt === null ? this.tickMs : now.getTime() - this.lastTickAt;
    this.lastTickAt = now.getTime();
    const batch = this.generate(now, Math.min(MAX_CATCH_UP_MS, Math.max(0, elapsed)));
    for (let i = 0; i < batch.cases.length; i += MAX_BATCH) {
      await this.sink.ingestCases(batch.cases.slice(i, i + MAX_BATCH));
    }
    for (const alert of batch.alerts) await this.sink.ingestAlert(alert);
    await this.loop?.tick(now.getTime());
    await this.duty?.tick(now.getTime());
    this.stats.ticks++;
    this.stats.cases += batch.cases.length;
    this.stats.alerts += batch.alerts.length;
    return { cases: batch.cases.length, alerts: batch.alerts.length };
  }

  /**
   * Writes the traffic of the `hours` before `now`, in 5-minute steps stamped with
   * their own times, so a new demo opens on a city that has been busy all morning
   * rather than on an empty map. Alerts are included only where still in force.
   * With a loop, the command centre works those hours too (in 1-minute steps), so
   * the city opens in its steady state: most of the history handled and closed.
   */
  async backfill(hours: number, now: Date = this.clock()): Promise<{ cases: number; alerts: number; commands: number }> {
    if (!(await this.load())) return { cases: 0, alerts: 0, commands: 0 };
    let cases = 0;
    let alerts = 0;
    let commands = 0;
    const end = now.getTime();
    for (let t = end - hours * 3_600_000 + BACKFILL_STEP_MS; t <= end; t += BACKFILL_STEP_MS) {
      const batch = this.generate(new Date(t), BACKFILL_STEP_MS);
      for (let i = 0; i < batch.cases.length; i += MAX_BATCH) {
        await this.sink.ingestCases(batch.cases.slice(i, i + MAX_BATCH));
      }
      for (const alert of batch.alerts) {
        if (alert.expires && Date.parse(alert.expires) <= end) continue;
        await this.sink.ingestAlert(alert);
        alerts++;
      }
      cases += batch.cases.length;
      for (let l = t; this.loop && l < t + BACKFILL_STEP_MS && l <= end; l += BACKFILL_LOOP_STEP_MS) {
        commands += await this.loop.tick(l, BACKFILL_MAX_COMMANDS);
      }
      // A turn for I/O between steps (PGlite answers on this thread): the server listens and serves meanwhile.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.lastTickAt = end;
    return { cases, alerts, commands };
  }

  /**
   * The longest history, up to `hours` and in 5-minute steps, whose expected work
   * fits `commandBudget` commands: without a loop, all of it (intake is cheap, in
   * batches); with one, each case costs up to COMMANDS_PER_CASE transactions, so a
   * start at the daily peak backfills less than one at night.
   */
  backfillHoursWithin(hours: number, commandBudget: number, now: Date = this.clock()): number {
    const maxSteps = Math.floor((hours * 3_600_000) / BACKFILL_STEP_MS);
    if (!this.loop) return hours;
    let commands = 0;
    let steps = 0;
    while (steps < maxSteps) {
      const rate = this.expectedPerSecond(new Date(now.getTime() - steps * BACKFILL_STEP_MS));
      const ageMinutes = ((steps + 0.5) * BACKFILL_STEP_MS) / 60_000;
      const perCase = COMMANDS_PER_CASE * Math.min(1, ageMinutes / LOOP_MINUTES);
      commands += (rate.incidents + rate.appeals) * (BACKFILL_STEP_MS / 1000) * perCase;
      if (commands > commandBudget && steps > 0) break;
      steps++;
    }
    return (steps * BACKFILL_STEP_MS) / 3_600_000;
  }

  /** Ticks every tickMs in real time until stop(). A tick still writing makes the next one wait its turn. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.inFlight) return; // the next tick's elapsed time covers this one
      this.inFlight = this.tick(this.clock())
        .then(() => undefined)
        .catch((error: unknown) => {
          this.stats.errors++;
          this.log.error({ err: error }, 'simulator tick failed');
        })
        .finally(() => {
          this.inFlight = null;
        });
    }, this.tickMs);
    this.timer.unref();
  }

  /** Stops ticking and waits for the batch being written, if any. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.inFlight;
  }
}

import type { Database } from '../../db/client';
import { pruneFeed } from '../../db/queries/feed';
import { pruneCaseCommands } from '../../db/queries/retention';
import { pruneUnattachedPhotos } from '../../db/queries/photos';
import { compactIndicatorRollups } from '../../db/queries/indicators';
import { pruneSessions } from '../../db/queries/sessions';
import { pruneHotspots } from '../../db/queries/hotspots';
import type { Logger } from '../logger';
import type { CalendarService } from './calendar';
import type { Leadership } from './leader';
import { SlaSweeper } from './sla-sweeps';
import { escalateUnacknowledged, expireAlerts } from './alert-timers';
import { AppealDensityJob } from './appeal-density';
import { DEFAULT_APPEAL_WINDOW_HOURS } from './snapshot';
import { isConnectionError } from '../errors';
import { runHotspots, type HotspotOptions, type HotspotRun } from './hotspots';

export interface SchedulerOptions {
  /** false: this node never runs the timers (another node must); it still reloads the calendar. */
  enabled: boolean;
  /** Pause between the end of one tick and the start of the next (ms). */
  tickMs: number;
  /** Cases per sweep transaction (default 500 on PostgreSQL, 100 on PGlite, whose statements run in the server's thread). */
  batch: number;
  /** Transactions per sweep per tick at most. */
  maxBatches: number;
  /** How often the leader runs the sweeps that read outside an index (repairs, escalation upkeep) (ms). */
  maintenanceMs: number;
  /** How often the leader prunes the feed, ended sessions and old command results (ms). */
  pruneMs: number;
  feedRetentionHours: number;
  /** Idempotency records of case commands are kept this long (a retry after that is a new command). */
  commandRetentionHours: number;
  /** Ended sessions are kept this long (for the socket watch's "why" and for inspection). */
  sessionRetentionHours: number;
  /** How often the leader runs hotspot detection (ms); 0: never. */
  hotspotsMs: number;
  /** Detection, trend and alert tuning (server/services/hotspots.ts). */
  hotspots: Partial<HotspotOptions>;
  /** Ended hotspots and run history are kept this long. */
  hotspotRetentionDays: number;
  /** How often the leader recounts the shared screens' appeal density (ms), over the last `appealWindowHours`. */
  densityMs: number;
  appealWindowHours: number;
  /** The clock the sweeps compare instants with (tests move it). */
  now: () => number;
}

export const DEFAULT_SCHEDULER_OPTIONS: SchedulerOptions = {
  enabled: true,
  tickMs: 5_000,
  batch: 500,
  maxBatches: 100,
  maintenanceMs: 60_000,
  pruneMs: 15 * 60_000,
  feedRetentionHours: 72,
  commandRetentionHours: 7 * 24,
  sessionRetentionHours: 24,
  hotspotsMs: 60_000,
  hotspots: {},
  hotspotRetentionDays: 30,
  densityMs: 30_000,
  appealWindowHours: DEFAULT_APPEAL_WINDOW_HOURS,
  now: () => Date.now(),
};

export interface TickReport {
  leader: boolean;
  /** The calendar was reloaded (an import landed). */
  calendarReloaded: boolean;
  recomputed: number;
  overdue: number;
  warning: number;
  escalated: number;
  /** Alerts that ended at their `expires`, and unacknowledged alerts escalated a level (issue 12). */
  alertsExpired: number;
  alertsEscalated: number;
  /** Maintenance ran: escalations dropped / scheduled without events. */
  maintenance: { cleared: number; scheduled: number } | null;
  /** Hotspot detection ran (issue 11). */
  hotspots: HotspotRun | null;
  pruned: { feed: number; sessions: number; commands: number; photos: number; hotspots: number } | null;
}

export interface SchedulerDeps {
  database: Database;
  calendar: CalendarService;
  leadership: Leadership;
  log: Logger;
  /** After each committed batch that wrote feed rows: wake the publisher (and other nodes). */
  onCommit: () => void;
}

/**
 * Timers that live in the database (issue 7): SLA warnings, overdue marks,
 * escalations, deadline repairs after a calendar import, and pruning. Every node
 * ticks; only the leader (server/services/leader.ts) sweeps, so each timer fires on
 * exactly one node, and every sweep is derived from instants stored in the rows, so
 * the first tick after downtime — run at start — catches up whatever fell due
 * meanwhile. Every node reloads the working calendar on its tick when the table
 * changed, so an import reaches intake everywhere within a tick.
 *
 * Ticks never overlap: the next is scheduled when one ends.
 */
export class Scheduler {
  private readonly options: SchedulerOptions;
  private readonly sweeper: SlaSweeper;
  private readonly density: AppealDensityJob;
  private timer: NodeJS.Timeout | null = null;
  /** Ticks run one after another, never two at once. */
  private chain: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private wasLeader = false;
  private lastMaintenanceAt = Number.NEGATIVE_INFINITY;
  private lastPruneAt = Number.NEGATIVE_INFINITY;
  private lastHotspotsAt = Number.NEGATIVE_INFINITY;
  /** Earliest calendar year changed since the last recompute (kept on followers too, for when they lead). */
  private pendingCalendarYear: number | null = null;
  /** Ticks completed (for health and tests). */
  ticks = 0;
  lastTickAt: Date | null = null;
  lastReport: TickReport | null = null;

  constructor(
    private readonly deps: SchedulerDeps,
    options: Partial<SchedulerOptions> = {},
  ) {
    this.options = { ...DEFAULT_SCHEDULER_OPTIONS, batch: deps.database.kind === 'pglite' ? 100 : DEFAULT_SCHEDULER_OPTIONS.batch, ...options };
    this.sweeper = new SlaSweeper(deps.database, () => deps.calendar.current(), deps.onCommit, {
      batch: this.options.batch,
      maxBatches: this.options.maxBatches,
      stopping: () => this.stopped,
    });
    this.density = new AppealDensityJob(deps.database, { everyMs: this.options.densityMs, windowHours: this.options.appealWindowHours });
  }

  get leading(): boolean {
    return this.options.enabled && this.deps.leadership.leading;
  }

  get enabled(): boolean {
    return this.options.enabled;
  }

  /** First tick at once (catch-up after downtime), then one every `tickMs`. */
  start(): void {
    this.schedule(0);
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick()
        .catch((error: unknown) => {
          if (isConnectionError(error)) this.deps.log.warn({ err: error }, 'scheduler tick failed: database unavailable');
          else this.deps.log.error({ err: error }, 'scheduler tick failed');
        })
        .finally(() => this.schedule(this.options.tickMs));
    }, delay);
    this.timer.unref();
  }

  /** A whole tick that starts after this call (after the one running, if any); resolves with what it did. */
  tick(): Promise<TickReport> {
    const run = this.chain.then(
      () => this.runTick(),
      () => this.runTick(),
    );
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async runTick(): Promise<TickReport> {
    const { calendar, leadership, log } = this.deps;
    const idle: TickReport = { leader: false, calendarReloaded: false, recomputed: 0, overdue: 0, warning: 0, escalated: 0, alertsExpired: 0, alertsEscalated: 0, maintenance: null, hotspots: null, pruned: null };
    if (this.stopped) return idle;
    const change = await calendar.refresh();
    if (change.changed) {
      log.info({ fromYear: change.fromYear, lastYear: calendar.current().lastYear }, 'working calendar reloaded');
      this.pendingCalendarYear = Math.min(this.pendingCalendarYear ?? change.fromYear!, change.fromYear!);
    }
    const report: TickReport = { ...idle, calendarReloaded: change.changed };
    const leader = this.options.enabled && !this.stopped && (await leadership.check());
    report.leader = leader;
    if (leader) await this.sweep(report, !this.wasLeader);
    this.wasLeader = leader;
    this.ticks++;
    this.lastTickAt = new Date();
    this.lastReport = report;
    const changed = report.recomputed + report.overdue + report.warning + report.escalated + report.alertsExpired + report.alertsEscalated;
    if (changed > 0) log.info({ ...report, pruned: undefined, maintenance: undefined }, 'scheduler: SLA changes');
    return report;
  }

  private async sweep(report: TickReport, justElected: boolean): Promise<void> {
    const now = this.options.now();
    const wall = Date.now();
    // Deadlines first, so the state sweeps below see them: missing ones, and after an
    // import (or on taking over, in case the last leader missed one) those it may move.
    const maintain = justElected || wall - this.lastMaintenanceAt >= this.options.maintenanceMs;
    if (maintain) report.recomputed += await this.sweeper.recompute({ kind: 'missing' }, now);
    if (this.pendingCalendarYear !== null || justElected) {
      const year = this.pendingCalendarYear;
      // Only flagged cases when no year is known to have changed; else also everything due from that year's first local midnight.
      const from = year === null ? null : new Date(Date.UTC(year, 0, 1) - this.deps.calendar.current().utcOffsetMs);
      report.recomputed += await this.sweeper.recompute({ kind: 'calendar', from }, now);
      if (this.pendingCalendarYear === year) this.pendingCalendarYear = null;
    }
    // Overdue before warning: a case that passed both while nobody ticked gets one event, not two.
    const due = await this.sweeper.dueWork(now);
    if (due.overdue) report.overdue = await this.sweeper.overdue(now);
    if (due.warning) report.warning = await this.sweeper.warning(now);
    if (maintain) {
      report.maintenance = await this.sweeper.tidyEscalations();
      this.lastMaintenanceAt = wall;
    }
    if (due.escalation || report.overdue > 0 || (report.maintenance?.scheduled ?? 0) > 0) report.escalated = await this.sweeper.escalations(now);
    // Alerts: expiry first, so an alert that ended is never escalated afterwards.
    const expired = await expireAlerts(this.deps.database, now);
    const escalated = await escalateUnacknowledged(this.deps.database, now);
    report.alertsExpired = expired.expired;
    report.alertsEscalated = escalated.escalated;
    if (expired.fed + escalated.fed > 0) this.deps.onCommit();
    if (this.options.hotspotsMs > 0 && wall - this.lastHotspotsAt >= this.options.hotspotsMs) {
      this.lastHotspotsAt = wall;
      report.hotspots = await this.detectHotspots(now);
    }
    // Shared screens' appeal density (issue 11): per-district rows when the counts changed.
    if ((await this.density.maybeRun(wall, justElected)) > 0) this.deps.onCommit();
    if (justElected || wall - this.lastPruneAt >= this.options.pruneMs) {
      report.pruned = await this.prune(now);
      this.lastPruneAt = wall;
    }
  }

  /** One detection run; a failure is logged and skipped (the next run starts afresh), never stopping the other timers. */
  private async detectHotspots(now: number): Promise<HotspotRun | null> {
    try {
      const run = await runHotspots(this.deps.database, new Date(now), this.options.hotspots);
      if (run.fed > 0) this.deps.onCommit();
      if (run.created + run.ended + run.alerts > 0) this.deps.log.info({ ...run }, 'scheduler: hotspots');
      return run;
    } catch (error) {
      if (isConnectionError(error)) throw error;
      this.deps.log.error({ err: error }, 'scheduler: hotspot detection failed');
      return null;
    }
  }

  private async prune(now: number): Promise<TickReport['pruned']> {
    const { database, log } = this.deps;
    const feed = await pruneFeed(database, this.options.feedRetentionHours);
    const sessions = await pruneSessions(database, new Date(now - this.options.sessionRetentionHours * 3_600_000));
    const commands = await pruneCaseCommands(database, new Date(now - this.options.commandRetentionHours * 3_600_000));
    // Photos uploaded for a report or a 处置反馈 that never came (a day is plenty for an offline queue to flush).
    const photos = await pruneUnattachedPhotos(database, 24);
    // Indicator rollups: the shards of days before yesterday (Asia/Shanghai) become one row per key.
    const yesterday = new Date(now + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
    await compactIndicatorRollups(database, yesterday);
    const hotspots = await pruneHotspots(database, new Date(now - this.options.hotspotRetentionDays * 86_400_000));
    if (feed + sessions + commands + photos + hotspots > 0) log.info({ feed, sessions, commands, photos, hotspots }, 'scheduler: pruned');
    return { feed, sessions, commands, photos, hotspots };
  }

  /** Stops ticking, waits for a tick in flight, and gives up leadership. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.chain;
    await this.deps.leadership.close();
  }
}

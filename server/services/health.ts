import { setTimeout as sleep } from 'node:timers/promises';
import { probeDatabase } from '../../db/queries/health';
import type { Database } from '../../db/client';
import { DATABASE_RETRY_AFTER_S, isConnectionError } from '../errors';
import type { Logger } from '../logger';
import { PROTOCOL_VERSION } from '../protocol/wire';

export interface HealthReport {
  status: 'ok' | 'degraded';
  database: Database['kind'];
  /** Reachable now? false while PostgreSQL is away. */
  databaseUp: boolean;
  postgis: string | null;
  feedHead: number;
  sockets: number;
  /** PostgreSQL: is the LISTEN connection open (false while it reconnects); null on PGlite. */
  listening: boolean | null;
  protocol: number;
  uptimeS: number;
  /** How far the working calendar reaches; `stale` (a warning, not a failure) once it ends within 45 days. */
  calendar: CalendarHealth | null;
  /** Does this node run the timers now (null: the scheduler is off here). */
  scheduler: { leader: boolean; ticks: number; lastTickAt: string | null } | null;
  /** Things an operator should act on that do not make the node unhealthy. */
  warnings: string[];
  problem?: string;
}

export interface CalendarHealth {
  lastYear: number;
  endsAt: string;
  daysLeft: number;
  stale: boolean;
  /** Open cases whose running deadline was computed past the calendar (weekends only): flagged. */
  beyondCalendarCases: number | null;
}

export interface HealthSources {
  database: Database;
  log: Logger;
  startedAt: Date;
  feedHead(): number;
  sockets(): number;
  listening(): boolean | null;
  calendar?(): { lastYear: number; endsAt: Date; daysLeft: number; stale: boolean };
  /** Open cases flagged beyond the calendar (a count query). */
  beyondCalendarCases?(): Promise<number>;
  scheduler?(): HealthReport['scheduler'];
}

/** The flagged-case count is a scan of cases: probes (every few seconds from a balancer) reuse it this long (ms). */
const COUNT_CACHE_MS = 30_000;

/** How long the probe may take before the database counts as away (ms). */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * `/api/health`: 200 `ok` when a PostGIS round trip succeeds, 503 `degraded` (with
 * Retry-After) while it does not. Nothing here needs a manual step: the pool opens
 * fresh connections once the database is back, and the next probe says `ok`.
 */
export class HealthService {
  private counted: { at: number; n: number } | null = null;

  constructor(private readonly sources: HealthSources) {}

  async check(): Promise<{ status: 200 | 503; report: HealthReport; retryAfter?: number }> {
    const s = this.sources;
    let postgis: string | null = null;
    let problem: string | undefined;
    const stopTimer = new AbortController();
    try {
      const timeout = sleep(PROBE_TIMEOUT_MS, null, { ref: false, signal: stopTimer.signal }).then(() => {
        throw new Error(`database did not answer within ${PROBE_TIMEOUT_MS} ms`);
      });
      timeout.catch(() => undefined); // settled either way; the race below reports it
      ({ postgis } = await Promise.race([probeDatabase(s.database), timeout]));
    } catch (error) {
      problem = isConnectionError(error) ? 'database unreachable' : (error as Error).message;
      s.log.warn({ err: error }, 'health probe failed');
    } finally {
      stopTimer.abort();
    }
    const up = problem === undefined;
    const calendar = up ? await this.calendarHealth() : null;
    const warnings: string[] = [];
    if (calendar?.stale) {
      warnings.push(
        `working calendar ends ${calendar.endsAt.slice(0, 10)} (${calendar.daysLeft} days left): import ${calendar.lastYear + 1} with npm run calendar -- import <file>`,
      );
    }
    if (calendar?.beyondCalendarCases) warnings.push(`${calendar.beyondCalendarCases} open cases have deadlines computed past the calendar (weekends only)`);
    const report: HealthReport = {
      status: up ? 'ok' : 'degraded',
      database: s.database.kind,
      databaseUp: up,
      postgis,
      feedHead: s.feedHead(),
      sockets: s.sockets(),
      listening: s.listening(),
      protocol: PROTOCOL_VERSION,
      uptimeS: Math.round((Date.now() - s.startedAt.getTime()) / 1000),
      calendar,
      scheduler: s.scheduler?.() ?? null,
      warnings,
      ...(problem ? { problem } : {}),
    };
    return up ? { status: 200, report } : { status: 503, report, retryAfter: DATABASE_RETRY_AFTER_S };
  }

  private async calendarHealth(): Promise<CalendarHealth | null> {
    const s = this.sources;
    if (!s.calendar) return null;
    const h = s.calendar();
    let beyondCalendarCases: number | null = null;
    if (s.beyondCalendarCases) {
      if (!this.counted || Date.now() - this.counted.at > COUNT_CACHE_MS) {
        try {
          const timeout = sleep(PROBE_TIMEOUT_MS, null, { ref: false }).then(() => {
            throw new Error(`counting did not finish within ${PROBE_TIMEOUT_MS} ms`);
          });
          timeout.catch(() => undefined);
          this.counted = { at: Date.now(), n: await Promise.race([s.beyondCalendarCases(), timeout]) };
        } catch (error) {
          s.log.warn({ err: error }, 'health: counting cases beyond the calendar failed');
        }
      }
      beyondCalendarCases = this.counted?.n ?? null;
    }
    return { lastYear: h.lastYear, endsAt: h.endsAt.toISOString(), daysLeft: h.daysLeft, stale: h.stale, beyondCalendarCases };
  }
}

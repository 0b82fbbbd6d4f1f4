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
  problem?: string;
}

export interface HealthSources {
  database: Database;
  log: Logger;
  startedAt: Date;
  feedHead(): number;
  sockets(): number;
  listening(): boolean | null;
}

/** How long the probe may take before the database counts as away (ms). */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * `/api/health`: 200 `ok` when a PostGIS round trip succeeds, 503 `degraded` (with
 * Retry-After) while it does not. Nothing here needs a manual step: the pool opens
 * fresh connections once the database is back, and the next probe says `ok`.
 */
export class HealthService {
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
      ...(problem ? { problem } : {}),
    };
    return up ? { status: 200, report } : { status: 503, report, retryAfter: DATABASE_RETRY_AFTER_S };
  }
}

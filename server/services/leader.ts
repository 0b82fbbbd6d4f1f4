import pg from 'pg';
import type { Database } from '../../db/client';
import { SCHEDULER_LOCK_KEY } from '../../db/locks';
import type { Logger } from '../logger';

/**
 * Which node runs the timers. `check()` is asked before every scheduler tick and
 * answers whether this node leads right now.
 */
export interface Leadership {
  check(): Promise<boolean>;
  readonly leading: boolean;
  close(): Promise<void>;
}

/** One process (PGlite), or a node told to lead alone: always the leader. */
export class SoleLeader implements Leadership {
  private closed = false;
  get leading(): boolean {
    return !this.closed;
  }
  async check(): Promise<boolean> {
    return this.leading;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Reconnect delays of the leader connection: doubling from the first to the last, then steady. */
const BACKOFF = { firstMs: 500, maxMs: 10_000 };
/** A leader connection that does not answer within this is given up (and leadership with it). */
const QUERY_TIMEOUT_MS = 5_000;

/**
 * PostgreSQL: the node holding the session-level advisory lock SCHEDULER_LOCK_KEY
 * on a dedicated connection leads. The lock lives exactly as long as that session,
 * so a crashed or cut-off leader loses it without anyone's help, and the next node
 * to ask takes over. Every check on the leader runs a round trip on that connection:
 * if it answers, the session (and so the lock) is alive; if it fails, this node
 * stops leading before doing any work, and reconnects with backoff.
 *
 * The leader's session asks the server to probe the client every few seconds (TCP
 * keepalives), so a leader that vanishes without closing its socket (a network cut)
 * frees the lock within about half a minute rather than the kernel's two hours.
 *
 * Leadership is an efficiency, not the guarantee: every sweep claims rows with
 * FOR UPDATE SKIP LOCKED and re-checks its condition on the row, so even two nodes
 * that both believed they led would change each case once.
 */
export class AdvisoryLeader implements Leadership {
  private client: pg.Client | null = null;
  private isLeading = false;
  private closed = false;
  private failures = 0;
  private retryAt = 0;

  constructor(
    private readonly url: string,
    private readonly log: Logger,
    private readonly key = SCHEDULER_LOCK_KEY,
  ) {}

  get leading(): boolean {
    return this.isLeading;
  }

  async check(): Promise<boolean> {
    if (this.closed) return false;
    const client = this.client ?? (await this.connect());
    if (!client) return false;
    try {
      if (this.isLeading) {
        await client.query('SELECT 1');
        return true;
      }
      const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [this.key]);
      if (rows[0]?.ok && !this.closed) {
        this.isLeading = true;
        this.log.info('scheduler: this node leads (advisory lock taken)');
      }
      return this.isLeading;
    } catch (error) {
      this.lost(client, error);
      return false;
    }
  }

  private async connect(): Promise<pg.Client | null> {
    if (Date.now() < this.retryAt) return null;
    const client = new pg.Client({
      connectionString: this.url,
      application_name: 'harmony-scheduler-leader',
      keepAlive: true,
      query_timeout: QUERY_TIMEOUT_MS,
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('leader connection ended')));
    try {
      await client.connect();
      await client.query('SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 3');
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.backoff(error);
      return null;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return null;
    }
    this.client = client;
    this.failures = 0;
    return client;
  }

  /** The connection failed: leadership is gone with the session; reconnect after a pause. */
  private lost(client: pg.Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = null;
    const was = this.isLeading;
    this.isLeading = false;
    client.removeAllListeners('end');
    // A timed-out query leaves the socket open: end it, so the server drops the session (and the lock).
    client.end().catch(() => undefined);
    if (this.closed) return;
    if (was) this.log.warn({ err: error }, 'scheduler: leader connection lost; leadership given up');
    this.backoff(error);
  }

  private backoff(error: unknown): void {
    const delay = Math.min(BACKOFF.maxMs, BACKOFF.firstMs * 2 ** this.failures);
    this.failures++;
    this.retryAt = Date.now() + delay;
    if (this.failures === 1 || this.failures % 10 === 0) this.log.warn({ err: error, retryInMs: delay }, 'scheduler: leader connection failed');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.isLeading = false;
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners('end');
      // Ending the session releases the lock: another node takes over at its next tick.
      await client.end().catch((error: unknown) => this.log.warn({ err: error }, 'scheduler: closing the leader connection failed'));
    }
  }
}

/** PostgreSQL with a URL → the advisory-lock leader; PGlite (one process) → always the leader. */
export function createLeadership(database: Database, url: string | undefined, log: Logger): Leadership {
  if (database.kind === 'pglite') return new SoleLeader();
  if (!url) {
    log.warn('scheduler: no DATABASE_URL for a leader connection; this node runs the timers as if alone (each timer still fires once)');
    return new SoleLeader();
  }
  return new AdvisoryLeader(url, log);
}

import pg from 'pg';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import type { Logger } from '../logger';

const CHANNEL = 'hcm_feed';
/** Reconnect delays of the LISTEN connection: doubling from the first to the last, then steady. */
const BACKOFF = { firstMs: 100, maxMs: 5_000 };

/**
 * Cross-process wake-ups on PostgreSQL. Writers call `notify()` after commit; at
 * most one NOTIFY goes out per window however many commits happen (a NOTIFY from
 * a row trigger would serialise every commit on the notification queue). Every
 * process LISTENs on one dedicated connection and wakes its own publisher, which
 * then reads the feed itself. PGlite is single-process, so there it is a no-op.
 *
 * The LISTEN connection is re-opened with backoff whenever it drops (a restart, a
 * terminated backend, a network cut); meanwhile the publisher's 1 s poll delivers,
 * and a wake-up after every reconnect catches up whatever was missed.
 */
export class FeedNotifier {
  private client: pg.Client | null = null;
  private pending: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private closed = false;
  private failures = 0;
  private onWake: () => void = () => undefined;
  /** Other channels carried on the same connection (volatile messages between nodes), by name. */
  private readonly channels = new Map<string, (payload: string) => void>();
  /** LISTEN connections opened since start (1 + reconnects); for health and tests. */
  connects = 0;

  constructor(
    private readonly database: Database,
    private readonly url: string | undefined,
    private readonly log: Logger,
    private readonly windowMs = 50,
  ) {}

  get listening(): boolean {
    return this.client !== null;
  }

  /** Opens the LISTEN connection; if that fails, keeps retrying in the background. */
  async listen(onWake: () => void): Promise<void> {
    if (this.database.kind !== 'postgres' || !this.url) return;
    this.onWake = onWake;
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.url, application_name: 'harmony-feed-listener', keepAlive: true });
    client.on('notification', (message) => {
      if (message.channel === CHANNEL) this.onWake();
      else this.channels.get(message.channel)?.(message.payload ?? '');
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('listener connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      for (const channel of this.channels.keys()) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.lost(client, error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.failures = 0;
    this.connects++;
    if (this.connects > 1) this.log.info({ connects: this.connects }, 'feed listener reconnected');
    // Commits made while nobody listened are in the feed: read them now.
    this.onWake();
  }

  /** The connection failed or ended: forget it and schedule the next attempt (once per loss). */
  private lost(client: pg.Client, error: unknown): void {
    if (this.client === client) this.client = null;
    else if (this.client !== null) return; // a stale client of an earlier attempt
    if (this.closed || this.retry) return;
    const delay = Math.min(BACKOFF.maxMs, BACKOFF.firstMs * 2 ** this.failures);
    this.failures++;
    // The 1 s publisher poll still delivers; a lost listener only costs latency.
    this.log.warn({ err: error, retryInMs: delay }, 'feed listener connection lost; polling until it is back');
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, delay);
    this.retry.unref();
  }

  /**
   * Also listen on `channel` (call before listen()) for messages other nodes
   * `publish`: best effort, like the socket events they carry — a message sent while
   * this node's listener was down is lost, not replayed.
   */
  on(channel: string, handler: (payload: string) => void): void {
    if (!/^[a-z_]+$/.test(channel) || channel === CHANNEL) throw new Error(`bad notify channel ${channel}`);
    this.channels.set(channel, handler);
  }

  /** Sends `payload` (≤ 8000 bytes) to every node listening on `channel`, this one included; a no-op on PGlite. */
  publish(channel: string, payload: string): void {
    if (this.database.kind !== 'postgres' || !this.url || this.closed) return;
    this.database.rows(sql`SELECT pg_notify(${channel}, ${payload})`).catch((error: unknown) => {
      this.log.warn({ err: error, channel }, 'notify failed');
    });
  }

  notify(): void {
    if (this.database.kind !== 'postgres' || this.closed || this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      this.database.rows(sql`SELECT pg_notify(${CHANNEL}, '')`).catch((error: unknown) => {
        this.log.warn({ err: error }, 'feed notify failed');
      });
    }, this.windowMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pending) clearTimeout(this.pending);
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await client?.end().catch((error: unknown) => this.log.warn({ err: error }, 'closing feed listener failed'));
  }
}

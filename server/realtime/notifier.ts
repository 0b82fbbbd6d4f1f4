import pg from 'pg';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import type { Logger } from '../logger';

const CHANNEL = 'hcm_feed';

/**
 * Cross-process wake-ups on PostgreSQL. Writers call `notify()` after commit; at
 * most one NOTIFY goes out per window however many commits happen (a NOTIFY from
 * a row trigger would serialise every commit on the notification queue). Every
 * process LISTENs on one dedicated connection and wakes its own publisher, which
 * then reads the feed itself. PGlite is single-process, so there it is a no-op.
 */
export class FeedNotifier {
  private client: pg.Client | null = null;
  private pending: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly database: Database,
    private readonly url: string | undefined,
    private readonly log: Logger,
    private readonly windowMs = 50,
  ) {}

  async listen(onWake: () => void): Promise<void> {
    if (this.database.kind !== 'postgres' || !this.url) return;
    const client = new pg.Client({ connectionString: this.url, application_name: 'harmony-feed-listener' });
    client.on('notification', () => onWake());
    client.on('error', (error) => {
      // The 1 s publisher poll still delivers; a lost listener only costs latency.
      this.log.warn({ err: error }, 'feed listener connection failed; falling back to polling');
      this.client = null;
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.client = client;
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
    await this.client?.end().catch((error: unknown) => this.log.warn({ err: error }, 'closing feed listener failed'));
    this.client = null;
  }
}

import path from 'node:path';
import { mkdirSync } from 'node:fs';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import * as schema from './schema';
import { STARTUP_LOCK_KEY } from './locks';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  kind: DatabaseKind;
  db: Db;
  /** Runs a statement and returns its rows; the one place raw results are typed. */
  rows<T>(query: SQL): Promise<T[]>;
  /** Runs `work` in one transaction; it commits when `work` resolves and rolls back when it throws. */
  transaction<T>(work: (tx: Runner) => Promise<T>, options?: { isolation?: 'read committed' | 'repeatable read' }): Promise<T>;
  /**
   * Runs `work` while this process holds the session-level advisory lock `key`:
   * across every process on one PostgreSQL, one at a time (the others wait). It is
   * taken on a connection of its own, so `work` may use the pool freely. PGlite is
   * one process: `work` just runs.
   */
  withLock<T>(key: number, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Anything that runs statements: the database or an open transaction. */
export interface Runner {
  rows<T>(query: SQL): Promise<T[]>;
}

function runnerOf(executor: { execute(query: SQL): Promise<unknown> }): Runner {
  return { rows: async <T,>(query: SQL) => ((await executor.execute(query)) as { rows: T[] }).rows };
}

function wrap(kind: DatabaseKind, db: Db, close: () => Promise<void>): Database {
  return {
    kind,
    db,
    ...runnerOf(db as never),
    transaction: (work, options) =>
      db.transaction((tx) => work(runnerOf(tx as never)), options?.isolation ? { isolationLevel: options.isolation } : undefined),
    withLock: (_key, work) => work(),
    close,
  };
}

export interface DatabaseConfig {
  /** postgres:// URL; absent → embedded PGlite. */
  url?: string;
  /** PGlite data folder; `memory://` keeps it in memory (tests). */
  dataDir?: string;
  /** PGlite only: start from this dump of a data folder (`dumpDataDir`) instead of an empty cluster (tests load a migrated template). */
  loadDataDir?: Blob;
  /** Run pending migrations after opening (default true). */
  migrate?: boolean;
  poolSize?: number;
  /** Where connection errors of idle or checked-out pool clients are reported (default: stderr). */
  onConnectionError?: (error: Error) => void;
}

export const MIGRATIONS_FOLDER = path.resolve(import.meta.dirname, 'migrations');
export const DEFAULT_DATA_DIR = path.resolve(process.cwd(), '.data', 'pglite');

export async function openDatabase(config: DatabaseConfig = {}): Promise<Database> {
  const database = config.url
    ? await openPostgres(config.url, config.poolSize, config.onConnectionError)
    : await openPglite(config.dataDir, config.loadDataDir);
  if (config.migrate !== false) {
    try {
      await migrateDatabase(database);
    } catch (error) {
      await database.close();
      throw error;
    }
  }
  return database;
}

const ISOLATION = { 'read committed': 'READ COMMITTED', 'repeatable read': 'REPEATABLE READ' } as const;

/** How long a request waits for a pool connection before it is answered 503 (ms). */
const CONNECT_TIMEOUT_MS = 5_000;

async function openPostgres(
  url: string,
  poolSize = 10,
  onConnectionError: (error: Error) => void = (error) => console.error('postgres connection error', error),
): Promise<Database> {
  const pg = await import('pg');
  // int8 (seq, ids, counts) fits in a double for any realistic feed; numbers beat strings everywhere else.
  pg.default.types.setTypeParser(20, (value: string) => Number(value));
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const pool = new pg.default.Pool({
    connectionString: url,
    max: poolSize,
    application_name: 'harmony-command-map',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
  });
  // pg-pool listens for errors only while a client is idle. A client that is checked
  // out between two statements of a transaction when PostgreSQL terminates it (restart,
  // pg_terminate_backend: 57P01) would emit an unhandled 'error' and end the process.
  // Every client gets its own listener for life; the statement in flight (or the next
  // one) fails with the error instead, and the pool discards the broken client.
  pool.on('connect', (client) => client.on('error', onConnectionError));
  pool.on('error', onConnectionError);
  const db = drizzle(pool, { schema }) as unknown as Db;
  const database = wrap('postgres', db, () => pool.end());
  database.withLock = async (key, work) => {
    // Its own connection, not a pool client: a small pool (or one that `work` fills)
    // can never deadlock against the lock holder. If this connection dies, the lock
    // goes with it; what `work` does is transactional either way.
    const client = new pg.default.Client({ connectionString: url, application_name: 'harmony-command-map-lock' });
    client.on('error', onConnectionError);
    try {
      await client.connect();
      await client.query('SELECT pg_advisory_lock($1::bigint)', [key]);
      return await work();
    } finally {
      // Ending the session releases the lock.
      await client.end().catch(onConnectionError);
    }
  };
  // Our own transaction on a pool client instead of drizzle's: drizzle sends BEGIN
  // outside its try/finally, so a BEGIN that fails on a dead connection (a restart, a
  // terminated backend) never releases the client, and pool.end() then waits forever.
  // Here the client is always released, and destroyed rather than reused after any
  // failure that may have left it broken.
  database.transaction = async (work, options) => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(options?.isolation ? `BEGIN ISOLATION LEVEL ${ISOLATION[options.isolation]}` : 'BEGIN');
      try {
        const result = await work(runnerOf(drizzle(client, { schema }) as never));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          broken = rollbackError as Error;
        });
        throw error;
      }
    } catch (error) {
      // No SQLSTATE (a socket error), or a connection/shutdown one: do not reuse this client.
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string' || code.startsWith('08') || code.startsWith('57P')) broken ??= error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  };
  return database;
}

async function openPglite(dataDir = DEFAULT_DATA_DIR, loadDataDir?: Blob): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { postgis } = await import('@electric-sql/pglite-postgis');
  const { drizzle } = await import('drizzle-orm/pglite');
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create({ dataDir, extensions: { postgis }, loadDataDir });
  const db = drizzle(client, { schema }) as unknown as Db;
  return wrap('pglite', db, () => client.close());
}

/**
 * Applies pending migrations, under the startup lock: several nodes starting at once
 * on a fresh PostgreSQL migrate one after another, and all but the first find
 * nothing left to do (drizzle's migrator alone would run them concurrently).
 */
export async function migrateDatabase(database: Database): Promise<void> {
  await database.withLock(STARTUP_LOCK_KEY, async () => {
    if (database.kind === 'postgres') {
      const { migrate } = await import('drizzle-orm/node-postgres/migrator');
      await migrate(database.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
    } else {
      const { migrate } = await import('drizzle-orm/pglite/migrator');
      await migrate(database.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
    }
  });
}

import path from 'node:path';
import { mkdirSync } from 'node:fs';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type { SQL } from 'drizzle-orm';
import * as schema from './schema';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  kind: DatabaseKind;
  db: Db;
  /** Runs a statement and returns its rows; the one place raw results are typed. */
  rows<T>(query: SQL): Promise<T[]>;
  close(): Promise<void>;
}

export interface DatabaseConfig {
  /** postgres:// URL; absent → embedded PGlite. */
  url?: string;
  /** PGlite data folder; `memory://` keeps it in memory (tests). */
  dataDir?: string;
  /** Run pending migrations after opening (default true). */
  migrate?: boolean;
  poolSize?: number;
}

export const MIGRATIONS_FOLDER = path.resolve(import.meta.dirname, 'migrations');
export const DEFAULT_DATA_DIR = path.resolve(process.cwd(), '.data', 'pglite');

export async function openDatabase(config: DatabaseConfig = {}): Promise<Database> {
  const database = config.url ? await openPostgres(config.url, config.poolSize) : await openPglite(config.dataDir);
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

async function openPostgres(url: string, poolSize = 10): Promise<Database> {
  const pg = await import('pg');
  // int8 (seq, ids, counts) fits in a double for any realistic feed; numbers beat strings everywhere else.
  pg.default.types.setTypeParser(20, (value: string) => Number(value));
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const pool = new pg.default.Pool({ connectionString: url, max: poolSize, application_name: 'harmony-command-map' });
  pool.on('error', (error) => console.error('postgres pool error', error));
  const db = drizzle(pool, { schema }) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    rows: async <T,>(query: SQL) => ((await db.execute(query)) as unknown as { rows: T[] }).rows,
    close: () => pool.end(),
  };
}

async function openPglite(dataDir = DEFAULT_DATA_DIR): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { postgis } = await import('@electric-sql/pglite-postgis');
  const { drizzle } = await import('drizzle-orm/pglite');
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create({ dataDir, extensions: { postgis } });
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    rows: async <T,>(query: SQL) => ((await db.execute(query)) as unknown as { rows: T[] }).rows,
    close: () => client.close(),
  };
}

export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === 'postgres') {
    const { migrate } = await import('drizzle-orm/node-postgres/migrator');
    await migrate(database.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  } else {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(database.db as never, { migrationsFolder: MIGRATIONS_FOLDER });
  }
}

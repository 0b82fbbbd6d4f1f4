import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database, type DatabaseKind } from '../../db/client';
import { pgliteTemplate, postgresTemplate } from './db-templates';

/**
 * Integration tests run against both engines. TEST_DB_KINDS narrows the set for
 * quick local runs (e.g. `TEST_DB_KINDS=pglite`); CI runs both. The PostgreSQL
 * side creates a throwaway database per test file on the server at
 * TEST_PG_ADMIN_URL and drops it afterwards, so files never share state. Both
 * start from a copy of one migrated template (./db-templates.ts).
 */
export const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const DB_KINDS: DatabaseKind[] = (process.env.TEST_DB_KINDS ?? 'pglite,postgres')
  .split(',')
  .map((k) => k.trim())
  .filter((k): k is DatabaseKind => k === 'pglite' || k === 'postgres');

export interface TestDatabase {
  database: Database;
  /** postgres:// URL of the throwaway database (postgres kind only). */
  url?: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(kind: DatabaseKind, options: { poolSize?: number } = {}): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const database = await openDatabase({ dataDir: 'memory://', loadDataDir: await pgliteTemplate() });
    return { database, drop: () => database.close() };
  }
  const name = `hcm_test_${randomBytes(6).toString('hex')}`;
  const template = await postgresTemplate(ADMIN_URL);
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolSize: options.poolSize ?? 5 });
  return {
    database,
    url: url.toString(),
    drop: async () => {
      await database.close();
      const cleanup = new pg.Client({ connectionString: ADMIN_URL });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

import { openDatabase, type Database } from '../client';

/**
 * The database the command-line tools work on: DATABASE_URL (PostgreSQL) when
 * set, else embedded PGlite in DATA_DIR (default .data/pglite). Migrations run on open.
 */
export function openDatabaseFromEnv(): Promise<Database> {
  const url = process.env.DATABASE_URL?.trim();
  if (url) return openDatabase({ url });
  const dataDir = process.env.DATA_DIR?.trim();
  return openDatabase(dataDir ? { dataDir } : {});
}

export function describeTarget(): string {
  if (process.env.DATABASE_URL?.trim()) return 'PostgreSQL (DATABASE_URL)';
  return `PGlite at ${process.env.DATA_DIR?.trim() || '.data/pglite'}`;
}

import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { MIGRATIONS_FOLDER, openDatabase } from '../../db/client';

/**
 * One migrated database per engine, made once and copied for every test file:
 * migrating a fresh PGlite (PostGIS included) takes ~15 s, loading a dump of a
 * migrated one ~4 s; on PostgreSQL a file's database is `CREATE DATABASE … TEMPLATE`
 * of a migrated one. Both are named by a hash of the migrations (and PGlite's
 * versions), so a changed migration makes a new template and never reuses an old one.
 * The files still run the migrator on their copy: it finds nothing to do.
 * `tests/helpers/global-setup.ts` makes both before the workers start.
 */
const TEMPLATE_DIR = path.resolve('tests/artifacts/templates');

function migrationsHash(): string {
  const hash = createHash('sha256');
  const files = readdirSync(MIGRATIONS_FOLDER, { recursive: true, encoding: 'utf8' })
    .filter((file) => statSync(path.join(MIGRATIONS_FOLDER, file)).isFile())
    .sort();
  for (const file of files) hash.update(file).update('\0').update(readFileSync(path.join(MIGRATIONS_FOLDER, file))).update('\0');
  for (const pkg of ['@electric-sql/pglite', '@electric-sql/pglite-postgis']) {
    hash.update(JSON.parse(readFileSync(path.resolve('node_modules', pkg, 'package.json'), 'utf8')).version as string);
  }
  return hash.digest('hex').slice(0, 16);
}

let pgliteDump: Promise<Blob> | null = null;

/** The migrated PGlite data folder as a gzipped dump, from the file if an earlier process made it. */
export function pgliteTemplate(): Promise<Blob> {
  pgliteDump ??= (async () => {
    const file = path.join(TEMPLATE_DIR, `pglite-${migrationsHash()}.tar.gz`);
    try {
      return new Blob([readFileSync(file)]);
    } catch {
      // Not made yet: make it below.
    }
    const database = await openDatabase({ dataDir: 'memory://' });
    let dump: Blob;
    try {
      dump = await (database.db as unknown as { $client: PGlite }).$client.dumpDataDir('gzip');
    } finally {
      await database.close();
    }
    mkdirSync(TEMPLATE_DIR, { recursive: true });
    for (const old of readdirSync(TEMPLATE_DIR)) if (old.startsWith('pglite-')) rmSync(path.join(TEMPLATE_DIR, old), { force: true });
    // Written under a temporary name and renamed: a reader never sees half a file.
    const partial = `${file}.${randomBytes(4).toString('hex')}.partial`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
    return dump;
  })();
  return pgliteDump;
}

let postgresName: Promise<string> | null = null;

/** The name of a migrated PostgreSQL database to copy (`CREATE DATABASE … TEMPLATE`), made if missing. */
export function postgresTemplate(adminUrl: string): Promise<string> {
  postgresName ??= (async () => {
    const name = `hcm_tpl_${migrationsHash()}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (rowCount) return name;
      // Migrated under a temporary name and renamed when complete, so the name alone means "ready".
      const building = `hcm_tpl_build_${randomBytes(6).toString('hex')}`;
      await admin.query(`CREATE DATABASE ${building}`);
      const url = new URL(adminUrl);
      url.pathname = `/${building}`;
      const database = await openDatabase({ url: url.toString(), poolSize: 1 });
      await database.close();
      try {
        await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
      } catch (error) {
        // Another process made it meanwhile (42P04 duplicate_database): use theirs.
        await admin.query(`DROP DATABASE IF EXISTS ${building}`);
        if ((error as { code?: string }).code !== '42P04') throw error;
      }
      // Templates of older migrations are dropped when nobody is copying them.
      const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'hcm\\_tpl\\_%' AND datname NOT LIKE 'hcm\\_tpl\\_build\\_%' AND datname <> $1`, [name]);
      for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname}`).catch(() => undefined);
      return name;
    } finally {
      await admin.end();
    }
  })();
  return postgresName;
}

import pg from 'pg';

/**
 * Drops and recreates the database named in DATABASE_URL on the server at
 * TEST_PG_ADMIN_URL, so the PostgreSQL e2e server starts from nothing, like the
 * embedded one. Refuses any database whose name does not start with hcm_e2e.
 */
const target = new URL(process.env.DATABASE_URL ?? '');
const name = target.pathname.slice(1);
if (!/^hcm_e2e\w*$/.test(name)) throw new Error(`refusing to recreate database "${name}": e2e databases are named hcm_e2e*`);
const admin = new pg.Client({ connectionString: process.env.TEST_PG_ADMIN_URL });
await admin.connect();
try {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
} finally {
  await admin.end();
}

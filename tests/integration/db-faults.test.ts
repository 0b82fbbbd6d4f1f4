import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/client';
import { ADMIN_URL, DB_KINDS, createTestDatabase, type TestDatabase } from '../helpers/db';
import { insertFixtureCity, incident } from '../helpers/fixtures';
import { FeedClient, postJson, startTestServer } from '../helpers/server';
import { PrivateCluster } from '../helpers/private-pg';
import type { AppServer } from '../../server/app';

/**
 * The database goes away under write load (issue 5, PostgreSQL only: PGlite runs in
 * the process and cannot be restarted or have its backends killed). The server must
 * stay up, answer 503 (not 500) while the database is away, say so on /api/health,
 * resume by itself, re-open its LISTEN connection, and lose no acknowledged write.
 */

/** Writers posting single cases as fast as answers come back; every 2xx is remembered. */
class WriteLoad {
  readonly acked = new Set<string>();
  readonly statuses = new Map<number, number>();
  private running = true;
  private readonly loops: Promise<void>[];

  constructor(base: string, writers: number, tag: string) {
    this.loops = Array.from({ length: writers }, (_, w) => this.loop(base, `${tag}-${w}`));
  }

  count(status: number): number {
    return this.statuses.get(status) ?? 0;
  }

  private async loop(base: string, prefix: string): Promise<void> {
    for (let n = 0; this.running; n++) {
      const id = `${prefix}-${n}`;
      let status: number;
      try {
        status = (await postJson(base, '/api/cases', incident(id, 106.601 + (n % 79) * 0.001, 26.501 + (n % 39) * 0.001))).status;
      } catch {
        status = -1; // the connection to our server failed: that would be a crash
      }
      this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
      if (status >= 200 && status < 300) this.acked.add(id);
      // Honour 503 like a well-behaved client, briefly, so the loop does not spin.
      else if (status === 503) await sleep(20);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

async function healthStatus(base: string): Promise<number> {
  const response = await fetch(`${base}/api/health`);
  await response.arrayBuffer();
  return response.status;
}

async function storedOf(database: Database, ids: Set<string>): Promise<number> {
  const [row] = await database.rows<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM cases WHERE external_id = ANY(${`{${[...ids].join(',')}}`}::text[])`);
  return row!.n;
}

const onPostgres = DB_KINDS.includes('postgres');

describe.skipIf(!onPostgres)('PostgreSQL restarted under write load (a private cluster)', () => {
  let cluster: PrivateCluster;
  let database: Database;
  let app: AppServer;
  let base: string;
  const connectionErrors: Error[] = [];

  beforeAll(async () => {
    cluster = await PrivateCluster.create();
    const admin = new pg.Client({ connectionString: cluster.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE hcm_fault');
    await admin.end();
    database = await openDatabase({ url: cluster.url('hcm_fault'), poolSize: 10, onConnectionError: (e) => connectionErrors.push(e) });
    await insertFixtureCity(database);
    ({ app, base } = await startTestServer(database, 0, { databaseUrl: cluster.url('hcm_fault') }));
  });
  afterAll(async () => {
    try {
      // Bounded: a leaked pool client must fail the run, not leave the cluster behind.
      const closed = (async () => {
        await app?.close();
        await database?.close();
      })();
      await Promise.race([closed, sleep(30_000).then(() => Promise.reject(new Error('closing the server and pool took over 30 s')))]);
    } finally {
      await cluster?.destroy();
    }
  });

  it('stays up, answers 503 + Retry-After and health 503 while it is down, resumes alone, loses no acknowledged write', async () => {
    const load = new WriteLoad(base, 8, 'restart');
    try {
      for (const mode of ['fast', 'immediate'] as const) {
        const before = load.acked.size;
        await until('writes before the stop', () => load.acked.size >= before + 100);
        const unavailable = load.count(503);
        await cluster.stop(mode);
        await until('health 503 while the database is down', async () => (await healthStatus(base)) === 503);
        const down = await fetch(`${base}/api/health`);
        expect(down.status).toBe(503);
        expect(down.headers.get('retry-after')).toMatch(/^\d+$/);
        expect(((await down.json()) as { status: string }).status).toBe('degraded');
        await until('intake answering 503', () => load.count(503) > unavailable);
        const refused = await postJson(base, '/api/cases', incident(`probe-${mode}`, 106.61, 26.51));
        expect(refused.status).toBe(503);
        expect(refused.body.error?.code).toBe('UNAVAILABLE');
        await cluster.start();
        await until('health 200 once the database is back', async () => (await healthStatus(base)) === 200);
        const resumedFrom = load.acked.size;
        await until('writes to resume', () => load.acked.size >= resumedFrom + 100);
        await until('LISTEN re-established', () => app.context.notifier.listening);
      }
      // And a restart while writers are mid-transaction, with no pause in between.
      const beforeRestart = load.acked.size;
      await cluster.restart('fast');
      await until('writes after a plain restart', () => load.acked.size >= beforeRestart + 100);
    } finally {
      await load.stop();
    }
    expect(load.count(500)).toBe(0);
    expect(load.count(-1)).toBe(0);
    expect(load.count(503)).toBeGreaterThan(0);
    // Every acknowledged write is in the database.
    expect(await storedOf(database, load.acked)).toBe(load.acked.size);
    expect(app.context.notifier.connects).toBeGreaterThanOrEqual(4);
    expect(await healthStatus(base)).toBe(200);
  });
});

describe.skipIf(!onPostgres)("PostgreSQL terminates the app's backends (shared server, this test's database only)", () => {
  let testDb: TestDatabase;
  let name: string;
  let a: { app: AppServer; base: string };
  let b: { app: AppServer; base: string };
  let second: Database;

  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    name = new URL(testDb.url!).pathname.slice(1);
    await insertFixtureCity(testDb.database);
    // A: its publisher polls only once a minute, so only NOTIFY on its LISTEN connection wakes it quickly.
    a = await startTestServer(testDb.database, 0, { databaseUrl: testDb.url, publisher: { frameMs: 20, pollMs: 60_000 } });
    // B: a second process's worth of server on its own pool, writing to the same database.
    second = await openDatabase({ url: testDb.url, poolSize: 3, migrate: false, onConnectionError: () => undefined });
    b = await startTestServer(second, 0, { databaseUrl: testDb.url });
  });
  afterAll(async () => {
    await b?.app.close();
    await a?.app.close();
    await second?.close().catch(() => undefined);
    await testDb?.drop();
  });

  it('keeps serving, re-opens LISTEN and is woken again by the other process’s NOTIFY', async () => {
    const client = new FeedClient(a.base, { layers: ['incidents'] });
    await client.connected();
    expect((await client.subscribe(null)).ok).toBe(true);
    const load = new WriteLoad(a.base, 6, `term-${randomBytes(3).toString('hex')}`);
    const connectsBefore = a.app.context.notifier.connects;
    try {
      await until('writes before the kill', () => load.acked.size >= 100);
      const admin = new pg.Client({ connectionString: ADMIN_URL });
      await admin.connect();
      try {
        for (let round = 0; round < 3; round++) {
          const killed = await admin.query(
            'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
            [name],
          );
          expect(killed.rowCount).toBeGreaterThan(0);
          const from = load.acked.size;
          await until('writes to resume after the kill', () => load.acked.size >= from + 50);
        }
      } finally {
        await admin.end();
      }
    } finally {
      await load.stop();
    }
    expect(load.count(500)).toBe(0);
    expect(load.count(-1)).toBe(0);
    expect(await storedOf(testDb.database, load.acked)).toBe(load.acked.size);
    await until('A listening again', () => a.app.context.notifier.listening && a.app.context.notifier.connects > connectsBefore);
    // B writes; only A's new LISTEN connection can wake A's publisher within the minute.
    const wakeId = `wake-${randomBytes(3).toString('hex')}`;
    const posted = await postJson(b.base, '/api/cases', incident(wakeId, 106.615, 26.515));
    expect(posted.status).toBe(201);
    const started = Date.now();
    await client.until((events) => events.some((e) => e.topic === 'case.created' && e.payload.title?.endsWith(wakeId)), 10_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    client.close();
  });
});

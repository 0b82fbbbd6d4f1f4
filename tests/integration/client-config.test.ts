import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type AppServer } from '../../server/app';
import { DEMO_DISPLAY_TOKEN, DEMO_USERS } from '../../server/auth/demo-secrets';
import { configFromEnv } from '../../server/config';
import type { ClientConfig } from '../../server/protocol/rest';
import { makeDisplayToken, ensureUser, signIn } from '../helpers/auth';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db';
import { FIXTURE, insertFixtureCity } from '../helpers/fixtures';
import { getJson, startTestServer } from '../helpers/server';

/**
 * GET /api/config opens the wall on the caller's jurisdiction: anonymous callers
 * get the city, a signed-in user or a display its own area (name, code, a point
 * inside, bounds). The demo block (wall link, demo logins) is offered only to
 * anonymous callers of a server that seeded the demo accounts.
 */
describe.each(DB_KINDS)('client config by jurisdiction (%s)', (kind) => {
  let testDb: TestDatabase;
  let app: AppServer;
  let base: string;

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    await insertFixtureCity(testDb.database);
    ({ app, base } = await startTestServer(testDb.database, 0, { signIn: false }));
    await ensureUser(testDb.database, 'west-dispatcher', 'dispatcher', FIXTURE.west);
  });
  afterAll(async () => {
    await app?.close();
    await testDb?.drop();
  });

  const inside = (inner: readonly number[], outer: readonly number[]) =>
    inner[0]! >= outer[0]! - 1e-9 && inner[1]! >= outer[1]! - 1e-9 && inner[2]! <= outer[2]! + 1e-9 && inner[3]! <= outer[3]! + 1e-9;

  it('names the city for an anonymous caller, without a demo block on a non-demo server', async () => {
    const { status, body } = await getJson<ClientConfig>(base, '/api/config');
    expect(status).toBe(200);
    expect(body.rootCode).toBe(FIXTURE.city);
    expect(body.cityName).toBe('测试市');
    expect(body.bounds).toEqual([...FIXTURE.bbox]);
    expect(body.demo).toBeUndefined();
  });

  it('opens on the district of a district dispatcher: its code, name, a point inside and its bounds', async () => {
    const cookie = await signIn(base, 'west-dispatcher');
    const { status, body } = await getJson<ClientConfig>(base, '/api/config', { cookie });
    expect(status).toBe(200);
    expect(body.rootCode).toBe(FIXTURE.west);
    expect(body.cityName).toBe('区1');
    expect(body.bounds).not.toBeNull();
    expect(inside(body.bounds!, FIXTURE.bbox)).toBe(true);
    expect(body.bounds![2]! - body.bounds![0]!).toBeLessThan(FIXTURE.bbox[2] - FIXTURE.bbox[0]);
    expect(inside([body.center[0], body.center[1], body.center[0], body.center[1]], body.bounds!)).toBe(true);
    expect(body.demo).toBeUndefined();
  });

  it('opens on the display token\'s area for a wall display', async () => {
    const token = await makeDisplayToken(testDb.database, 'east wall', FIXTURE.east);
    const exchanged = await fetch(`${base}/api/auth/display`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    expect(exchanged.status).toBe(200);
    const cookie = exchanged.headers.getSetCookie()[0]!.split(';')[0]!;
    const { body } = await getJson<ClientConfig>(base, '/api/config', { cookie });
    expect(body.rootCode).toBe(FIXTURE.east);
    expect(body.cityName).toBe('区2');
  });

  it('offers the demo wall and logins to anonymous callers of a demo server only', async () => {
    // SEED_IF_EMPTY on a database with areas seeds the demo accounts (demo allowed outside production).
    const demo = await createServer({ ...configFromEnv({ LOG_LEVEL: 'silent', SEED_IF_EMPTY: '1' }), next: false, host: '127.0.0.1' }, { database: testDb.database });
    try {
      const demoBase = `http://127.0.0.1:${await demo.listen(0, '127.0.0.1')}`;
      const anonymous = await getJson<ClientConfig>(demoBase, '/api/config');
      expect(anonymous.body.demo?.wallUrl).toBe(`/wall?display=${DEMO_DISPLAY_TOKEN}`);
      expect(anonymous.body.demo?.logins.map((l) => l.login)).toEqual(DEMO_USERS.map((u) => u.login));
      const dispatcher = DEMO_USERS.find((u) => u.role === 'dispatcher')!;
      const cookie = await signIn(demoBase, dispatcher.login, dispatcher.password);
      const signedIn = await getJson<ClientConfig>(demoBase, '/api/config', { cookie });
      expect(signedIn.body.demo).toBeUndefined();
      expect(signedIn.body.rootCode).toBe(FIXTURE.west);
    } finally {
      await demo.close();
    }
  });
});

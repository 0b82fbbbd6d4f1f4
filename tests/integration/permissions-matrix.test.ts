import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISPLAY_COOKIE } from '../../server/auth/authenticate';
import { ACTIONS, type Action } from '../../server/auth/permissions';
import type { ActorRole } from '../../server/auth/actor';
import { ROLES } from '../../db/vocab';
import { PROTOCOL_VERSION } from '../../server/protocol/wire';
import type { AnyRoute } from '../../server/http/route';
import { ROUTES } from '../../server/http/routes';
import { ensureUser, makeApiKey, makeDisplayToken, signIn, TEST_PASSWORD } from '../helpers/auth';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { FIXTURE, incident, insertFixtureCity } from '../helpers/fixtures';
import { startTestServer } from '../helpers/server';

/**
 * The route × principal matrix, generated from the route table and the permission
 * table: every route is called by nobody, by each of the five roles, by a wall
 * display and by an API client, and the answer must match ACTIONS. A route this
 * file does not know how to call, or whose access is not an action, fails here by
 * name — so a new route cannot ship without a rule and a row in this matrix.
 * Engine-independent: PGlite only.
 */
type Principal = { name: string; role: ActorRole | null; headers: Record<string, string> };
type Call = { path: string; body?: unknown };

/** How to call each route with a body that passes validation where that is cheap (keyed `METHOD path`). */
function callsFor(principal: Principal, ids: { caseId: number; spareUserId: number; displayToken: string }): Record<string, () => Call> {
  const tag = `${principal.name}-${Math.random().toString(36).slice(2, 8)}`;
  return {
    'get /api/health': () => ({ path: '/api/health' }),
    'get /api/config': () => ({ path: '/api/config' }),
    'post /api/auth/login': () => ({ path: '/api/auth/login', body: { login: 'matrix-spare', password: TEST_PASSWORD } }),
    'post /api/auth/logout': () => ({ path: '/api/auth/logout' }),
    'get /api/auth/me': () => ({ path: '/api/auth/me' }),
    // An empty body: the matrix must not really change a password (400 is "allowed"; 401/403 are not).
    'post /api/auth/password': () => ({ path: '/api/auth/password', body: {} }),
    'post /api/auth/display': () => ({ path: '/api/auth/display', body: { token: ids.displayToken } }),
    'get /api/areas': () => ({ path: `/api/areas?level=district` }),
    'get /api/snapshot': () => ({ path: '/api/snapshot' }),
    'post /api/cases': () => ({ path: '/api/cases', body: incident(`matrix-${tag}`, 106.605, 26.535) }),
    'post /api/cases/batch': () => ({ path: '/api/cases/batch', body: { cases: [incident(`matrix-b-${tag}`, 106.615, 26.535)] } }),
    'get /api/cases/{id}': () => ({ path: `/api/cases/${ids.caseId}` }),
    'get /api/cases/{id}/suggestions': () => ({ path: `/api/cases/${ids.caseId}/suggestions?k=3` }),
    'get /api/cases/{id}/duplicates': () => ({ path: `/api/cases/${ids.caseId}/duplicates` }),
    // A stale expectedVersion: an allowed role gets 409 VERSION_CONFLICT (the case is never moved by the matrix).
    'post /api/cases/{id}/transitions': () => ({
      path: `/api/cases/${ids.caseId}/transitions`,
      body: { action: 'register', expectedVersion: 999, commandId: `matrix-${tag}` },
    }),
    'get /api/cases/{id}/events': () => ({ path: `/api/cases/${ids.caseId}/events` }),
    'post /api/cases/{id}/contact/reveal': () => ({ path: `/api/cases/${ids.caseId}/contact/reveal`, body: { reason: '核实来电人身份以便回访' } }),
    'get /api/cases/{id}/photos': () => ({ path: `/api/cases/${ids.caseId}/photos` }),
    // A JSON body: refused 415 by an allowed role (the matrix checks access, not uploads; tests/integration/photos.test.ts does).
    'post /api/photos': () => ({ path: '/api/photos', body: {} }),
    // A photo that does not exist: 404 for an allowed role.
    'get /api/photos/{id}': () => ({ path: '/api/photos/00000000-0000-4000-8000-000000000000' }),
    'get /api/dispatch/queue': () => ({ path: '/api/dispatch/queue?tab=register&limit=5' }),
    'get /api/responders': () => ({ path: '/api/responders' }),
    'get /api/me/tasks': () => ({ path: '/api/me/tasks' }),
    // The status the seed gave is unknown: 'busy' is a real change for an allowed (linked) worker, or 404 when unlinked.
    'put /api/me/status': () => ({ path: '/api/me/status', body: { status: 'busy' } }),
    'post /api/alerts': () => ({
      path: '/api/alerts',
      body: {
        source: 'matrix',
        externalId: `a-${tag}`,
        eventType: 'MET_RAINSTORM',
        headline: '测试预警',
        severity: 'Moderate',
        urgency: 'Expected',
        certainty: 'Likely',
        geometry: { type: 'Polygon', coordinates: [[[106.6, 26.5], [106.61, 26.5], [106.61, 26.51], [106.6, 26.51], [106.6, 26.5]]] },
      },
    }),
    // Reads only: an allowed principal gets 200 and nothing is stored.
    'post /api/alerts/preview': () => ({
      path: '/api/alerts/preview',
      body: { geometry: { type: 'Polygon', coordinates: [[[106.6, 26.5], [106.61, 26.5], [106.61, 26.51], [106.6, 26.51], [106.6, 26.5]]] } },
    }),
    // The matrix sends JSON: an allowed principal gets 415 from the XML body check, after the permission check.
    'post /api/cap': () => ({ path: '/api/cap', body: {} }),
    // Ids that do not exist: 404 for an allowed principal, nothing acknowledged.
    'get /api/cap/alerts/{id}': () => ({ path: '/api/cap/alerts/999999' }),
    'get /api/cap/feed.atom': () => ({ path: '/api/cap/feed.atom' }),
    'post /api/alerts/{id}/acknowledgements': () => ({ path: '/api/alerts/999999/acknowledgements', body: {} }),
    'get /api/admin/users': () => ({ path: '/api/admin/users' }),
    'post /api/admin/users': () => ({
      path: '/api/admin/users',
      body: { login: `m-${tag}`, displayName: 'matrix', role: 'leader', areaCode: FIXTURE.west, password: TEST_PASSWORD },
    }),
    'post /api/admin/users/{id}/enabled': () => ({ path: `/api/admin/users/${ids.spareUserId}/enabled`, body: { enabled: true } }),
    // An empty body: do not really reset the spare account's password.
    'post /api/admin/users/{id}/password': () => ({ path: `/api/admin/users/${ids.spareUserId}/password`, body: {} }),
    'get /api/admin/display-tokens': () => ({ path: '/api/admin/display-tokens' }),
    'post /api/admin/display-tokens': () => ({ path: '/api/admin/display-tokens', body: { name: `wall ${tag}`, areaCode: FIXTURE.east } }),
    // An id that does not exist: 404 for an allowed role, without revoking the matrix's own display.
    'post /api/admin/display-tokens/{id}/revoke': () => ({ path: '/api/admin/display-tokens/999999/revoke' }),
    'get /api/admin/api-keys': () => ({ path: '/api/admin/api-keys' }),
    'post /api/admin/api-keys': () => ({ path: '/api/admin/api-keys', body: { name: `key ${tag}`, areaCode: FIXTURE.east, channels: ['sensor'] } }),
    'post /api/admin/api-keys/{id}/enabled': () => ({ path: '/api/admin/api-keys/999999/enabled', body: { enabled: true } }),
    'get /api/admin/audit': () => ({ path: '/api/admin/audit?limit=5' }),
    'get /api/indicators': () => ({ path: '/api/indicators?children=1' }),
    'get /api/indicators/trend': () => ({ path: '/api/indicators/trend' }),
    'get /api/indicators/export.csv': () => ({ path: '/api/indicators/export.csv' }),
    'get /api/indicators/export.xlsx': () => ({ path: '/api/indicators/export.xlsx' }),
    'get /api/handover': () => ({ path: '/api/handover' }),
  };
}

const keyOf = (route: AnyRoute) => `${route.method} ${route.path}`;
/** Logout ends the principal's session: it runs last for each principal. */
const ORDERED = [...ROUTES].sort((a, b) => Number(a.path === '/api/auth/logout') - Number(b.path === '/api/auth/logout'));

describe('route × principal matrix (pglite)', () => {
  let t: TestDatabase;
  let base: string;
  let app: Awaited<ReturnType<typeof startTestServer>>['app'];
  let principals: Principal[];
  let ids: { caseId: number; spareUserId: number; displayToken: string };

  beforeAll(async () => {
    t = await createTestDatabase('pglite');
    await insertFixtureCity(t.database);
    ({ app, base } = await startTestServer(t.database, 0, { signIn: false }));
    principals = [{ name: 'anonymous', role: null, headers: {} }];
    for (const role of ROLES) {
      await ensureUser(t.database, `matrix-${role}`, role, FIXTURE.city);
      principals.push({ name: role, role, headers: { cookie: await signIn(base, `matrix-${role}`) } });
    }
    await ensureUser(t.database, 'matrix-spare', 'leader', FIXTURE.west);
    const displayToken = await makeDisplayToken(t.database, 'matrix wall', FIXTURE.city);
    principals.push({ name: 'display', role: 'display', headers: { cookie: `${DISPLAY_COOKIE}=${displayToken}` } });
    const key = await makeApiKey(t.database, 'matrix client', FIXTURE.city, ['grid_worker', 'sensor']);
    principals.push({ name: 'api_client', role: 'api_client', headers: { authorization: `Bearer ${key}` } });

    // A case with a reporter (for GET and reveal), entered by the admin.
    const admin = principals.find((p) => p.role === 'admin')!;
    const created = await fetch(`${base}/api/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...admin.headers },
      body: JSON.stringify(incident('matrix-seed', 106.605, 26.505, { reporter: { name: '张三', phone: '13812341234' } })),
    });
    expect(created.status).toBe(201);
    const users = (await (await fetch(`${base}/api/admin/users`, { headers: admin.headers })).json()) as { users: Array<{ id: number; login: string }> };
    ids = {
      caseId: ((await created.json()) as { case: { id: number } }).case.id,
      spareUserId: users.users.find((u) => u.login === 'matrix-spare')!.id,
      displayToken,
    };
  });

  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('every route declares public or an action from the permission table, and the matrix knows how to call it', () => {
    const known = callsFor({ name: 'x', role: null, headers: {} }, { caseId: 1, spareUserId: 1, displayToken: 'x' });
    const problems: string[] = [];
    for (const route of ROUTES) {
      if (route.access !== 'public' && !(route.access in ACTIONS)) problems.push(`${keyOf(route)}: access "${route.access}" is not in ACTIONS`);
      if (!known[keyOf(route)]) problems.push(`${keyOf(route)}: the matrix does not know how to call it — add it to callsFor`);
    }
    for (const key of Object.keys(known)) {
      if (!ROUTES.some((r) => keyOf(r) === key)) problems.push(`${key}: in the matrix but not in ROUTES`);
    }
    expect(problems).toEqual([]);
  });

  it('answers every route for every principal as the permission table says', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const principal of principals) {
      const calls = callsFor(principal, ids);
      for (const route of ORDERED) {
        const call = calls[keyOf(route)]?.();
        if (!call) continue; // reported by the test above
        const res = await fetch(base + call.path, {
          method: route.method.toUpperCase(),
          headers: { ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}), ...principal.headers },
          body: call.body !== undefined ? JSON.stringify(call.body) : undefined,
        });
        const text = await res.text();
        const code = res.status >= 400 ? ((JSON.parse(text) as { error?: { code?: string } }).error?.code ?? '?') : '';
        const got = `${res.status} ${code}`.trim();
        const where = `${principal.name} ${keyOf(route)}`;
        checked++;
        if (route.access === 'public') {
          if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' || res.status >= 500) wrong.push(`${where}: public, got ${got}`);
        } else if (principal.role === null) {
          if (got !== '401 UNAUTHENTICATED') wrong.push(`${where}: anonymous expected 401 UNAUTHENTICATED, got ${got}`);
        } else if (!(ACTIONS[route.access as Action] as readonly ActorRole[]).includes(principal.role)) {
          if (got !== '403 FORBIDDEN') wrong.push(`${where}: not allowed, expected 403 FORBIDDEN, got ${got}`);
        } else if (res.status === 401 || res.status === 403 || res.status >= 500) {
          wrong.push(`${where}: allowed, got ${got} ${text.slice(0, 200)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBe(principals.length * ROUTES.length);
  });

  it('refuses every cookie-authenticated write from another site, before any handler runs', async () => {
    const cookie = { cookie: await signIn(base, 'matrix-admin') };
    const writes = ROUTES.filter((r) => r.method !== 'get');
    expect(writes.length).toBeGreaterThan(10);
    const wrong: string[] = [];
    for (const cross of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }] as Array<Record<string, string>>) {
      for (const route of writes) {
        const call = callsFor({ name: 'cross', role: 'admin', headers: cookie }, ids)[keyOf(route)]!();
        const res = await fetch(base + call.path, {
          method: route.method.toUpperCase(),
          headers: { 'content-type': 'application/json', ...cookie, ...cross },
          body: JSON.stringify(call.body ?? {}),
        });
        const body = (await res.json()) as { error?: { code: string; message: string } };
        if (res.status !== 403 || !/cross-origin/.test(body.error?.message ?? '')) wrong.push(`${keyOf(route)} ${JSON.stringify(cross)}: ${res.status} ${JSON.stringify(body).slice(0, 120)}`);
      }
    }
    expect(wrong).toEqual([]);
    // The admin's session survived (logout from another site was refused).
    expect((await fetch(`${base}/api/auth/me`, { headers: cookie })).status).toBe(200);
  });

  it('the appeals layer (individual appeals) over REST and socket: only as appeals.individual says; hotspots for every map reader', async () => {
    const got: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const principal of principals.filter((p) => p.role !== null && (ACTIONS['map.read'] as readonly ActorRole[]).includes(p.role))) {
      const cleared = (ACTIONS['appeals.individual'] as readonly ActorRole[]).includes(principal.role!);
      // Fresh credentials: the route matrix above logged each user out at its end.
      const headers = principal.role === 'display' ? principal.headers : { cookie: await signIn(base, `matrix-${principal.role}`) };
      const rest = async (layers: string) => (await fetch(`${base}/api/snapshot?layers=${layers}`, { headers })).status;
      const socket = connect(base, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: headers });
      const subscribe = async (layers: string[]) => {
        const ack = (await socket.timeout(10_000).emitWithAck('subscribe', { v: PROTOCOL_VERSION, layers, since: null })) as { ok: boolean; code?: string };
        return ack.ok ? 'ok' : (ack.code ?? '?');
      };
      try {
        got[principal.name] = [await rest('appeals'), await rest('hotspots'), await subscribe(['appeals']), await subscribe(['hotspots'])].join(' ');
      } finally {
        socket.close();
      }
      expected[principal.name] = cleared ? '200 200 ok ok' : '403 200 FORBIDDEN ok';
    }
    expect(got).toEqual(expected);
    expect(Object.values(expected).filter((v) => v.startsWith('403')).length).toBeGreaterThanOrEqual(2);
  });

  it('sockets: nobody and an API client are refused at the handshake; every map reader may connect', async () => {
    const outcome = (headers: Record<string, string>) =>
      new Promise<string>((resolve) => {
        const socket = connect(base, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: headers });
        socket.once('connect', () => {
          socket.close();
          resolve('connected');
        });
        socket.once('connect_error', (error: Error & { data?: { code?: string } }) => {
          socket.close();
          resolve(error.data?.code ?? error.message);
        });
      });
    const fresh = await Promise.all(ROLES.map(async (role) => ({ role, cookie: await signIn(base, `matrix-${role}`) })));
    const got: Record<string, string> = { anonymous: await outcome({}) };
    for (const { role, cookie } of fresh) got[role] = await outcome({ cookie });
    got.display = await outcome(principals.find((p) => p.role === 'display')!.headers);
    got.api_client = await outcome(principals.find((p) => p.role === 'api_client')!.headers);
    const expected: Record<string, string> = { anonymous: 'UNAUTHENTICATED' };
    for (const p of principals.filter((p) => p.role !== null)) {
      expected[p.name] = (ACTIONS['map.read'] as readonly ActorRole[]).includes(p.role!) ? 'connected' : 'UNAUTHENTICATED';
    }
    expect(got).toEqual(expected);
  });
});

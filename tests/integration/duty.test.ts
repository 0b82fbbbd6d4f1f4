import { sql } from 'drizzle-orm';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseSuggestions } from '../../server/protocol/rest';
import { PROTOCOL_VERSION, type Ack, type PositionResult, type ResponderStatusEvent } from '../../server/protocol/wire';
import { ensureUser, signIn } from '../helpers/auth';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db';
import { FIXTURE, incident, insertFixtureCity } from '../helpers/fixtures';
import { getJson, postJson, startTestServer } from '../helpers/server';

/**
 * On and off duty (PUT /api/me/status): one transaction changes the worker's
 * responder status and writes an audit row; the desks of the worker's jurisdiction
 * hear `responderStatus` at once (on every node), others do not; off duty, the
 * worker's positions are refused and stored nowhere, and the nearest-available
 * suggestions leave them out until they are back on duty.
 */
const EVERY_MS = 300;
const WEST_GRID = `${FIXTURE.west}001001001`;
const HERE: [number, number] = [106.6051, 26.5351];

class Desk {
  readonly socket: Socket;
  readonly statuses: ResponderStatusEvent[] = [];

  constructor(base: string, cookie: string) {
    this.socket = connect(base, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie } });
    this.socket.on('responderStatus', (event: ResponderStatusEvent) => this.statuses.push(event));
  }

  async connected(): Promise<this> {
    if (!this.socket.connected) {
      await new Promise<void>((resolve, reject) => {
        this.socket.once('connect', () => resolve());
        this.socket.once('connect_error', reject);
      });
    }
    return this;
  }
}

async function until(what: string, holds: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await holds())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(DB_KINDS)('on and off duty (%s)', (kind) => {
  let t: TestDatabase;
  let base: string;
  let app: Awaited<ReturnType<typeof startTestServer>>['app'];
  const cookies: Record<string, string> = {};
  let worker = 0;
  let caseId = 0;
  const sockets: Socket[] = [];

  const put = async (who: string, body: unknown) => {
    const response = await fetch(`${base}/api/me/status`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', cookie: cookies[who]! },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as { responder?: { id: number; status: string; previous: string }; error?: { code: string } } };
  };
  const statusOf = async (id: number) => (await t.database.rows<{ status: string }>(sql`SELECT status FROM responders WHERE id = ${id}`))[0]!.status;
  const audits = async () =>
    t.database.rows<{ actor: string; targetId: string; details: { from: string; to: string } }>(sql`
      SELECT actor, target_id AS "targetId", details FROM audit_log WHERE action = 'responders.status' ORDER BY id`);
  const feedCount = async () => (await t.database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM feed`))[0]!.n;
  const desk = async (who: string, at = base) => {
    const d = await new Desk(at, cookies[who]!).connected();
    sockets.push(d.socket);
    return d;
  };
  const nearest = async () => {
    const { status, body } = await getJson<CaseSuggestions>(base, `/api/cases/${caseId}/suggestions?k=5`, { cookie: cookies.dispatcherWest! });
    expect(status).toBe(200);
    return body.nearest.map((r) => r.id);
  };

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await insertFixtureCity(t.database);
    ({ app, base } = await startTestServer(t.database, 0, { positionEveryMs: EVERY_MS, databaseUrl: t.url }));
    const people: Array<[string, 'grid_worker' | 'dispatcher', string]> = [
      ['worker', 'grid_worker', `${FIXTURE.west}001001`],
      ['unlinked', 'grid_worker', FIXTURE.west],
      ['dispatcherWest', 'dispatcher', FIXTURE.west],
      ['dispatcherEast', 'dispatcher', FIXTURE.east],
    ];
    for (const [login, role, area] of people) {
      await ensureUser(t.database, `duty-${login}`, role, area);
      cookies[login] = await signIn(base, `duty-${login}`);
    }
    // Grid-worker accounts get a responder when made; this test places its own (on duty, at HERE).
    await t.database.rows(sql`DELETE FROM responders WHERE user_id IN (SELECT id FROM users WHERE login LIKE 'duty-%')`);
    const [row] = await t.database.rows<{ id: number }>(sql`
      INSERT INTO responders (code, name, role, status, home_grid_id, user_id, geom, position_at)
      VALUES ('R-duty', '值守网格员', 'grid_worker', 'on_duty', (SELECT id FROM areas WHERE code = ${WEST_GRID}),
              (SELECT id FROM users WHERE login = 'duty-worker'), ST_SetSRID(ST_MakePoint(${HERE[0]}, ${HERE[1]}), 4326), now())
      RETURNING id`);
    worker = row!.id;
    const created = await postJson(base, '/api/cases', incident(`duty-${kind}`, HERE[0] + 0.001, HERE[1]));
    expect(created.status).toBe(201);
    caseId = (created.body.case as { id: number }).id;
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    await app?.close();
    await t?.drop();
  });

  it('off duty: one transaction with its audit row, the desks of the jurisdiction told at once, no feed row', async () => {
    const west = await desk('dispatcherWest');
    const east = await desk('dispatcherEast');
    const feedBefore = await feedCount();
    expect(await nearest()).toContain(worker);

    const off = await put('worker', { status: 'off_duty' });
    expect(off).toMatchObject({ status: 200, body: { responder: { id: worker, status: 'off_duty', previous: 'on_duty' } } });
    expect(await statusOf(worker)).toBe('off_duty');
    expect(await audits()).toEqual([expect.objectContaining({ targetId: String(worker), details: { from: 'on_duty', to: 'off_duty' } })]);
    await until('the west desk to hear it', () => west.statuses.length > 0);
    expect(west.statuses).toEqual([{ v: PROTOCOL_VERSION, id: worker, status: 'off_duty', at: expect.any(String) }]);
    // Nearest available leaves the worker out now (territorial still lists them, with their status).
    expect(await nearest()).not.toContain(worker);
    const { body } = await getJson<CaseSuggestions>(base, `/api/cases/${caseId}/suggestions?k=5`, { cookie: cookies.dispatcherWest! });
    expect(body.territorial.find((r) => r.id === worker)?.status).toBe('off_duty');
    // Saying it again changes nothing: no second audit row, no second notice.
    expect((await put('worker', { status: 'off_duty' })).body.responder).toMatchObject({ status: 'off_duty', previous: 'off_duty' });
    expect(await audits()).toHaveLength(1);
    // The east desk is another jurisdiction: it heard nothing (a later notice to west proves the wire was flushed).
    expect((await put('worker', { status: 'on_duty' })).status).toBe(200);
    await until('the second notice', () => west.statuses.length === 2);
    expect(west.statuses.map((s) => s.status)).toEqual(['off_duty', 'on_duty']);
    expect(east.statuses).toEqual([]);
    expect(await nearest()).toContain(worker);
    expect(await feedCount()).toBe(feedBefore);
  });

  it('off duty, the phone shares nothing: positions are refused and not stored; back on duty they are kept', async () => {
    const phone = connect(base, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie: cookies.worker! } });
    sockets.push(phone);
    await new Promise<void>((resolve) => phone.once('connect', () => resolve()));
    const send = (lng: number, lat: number) =>
      phone.timeout(5000).emitWithAck('position', { v: PROTOCOL_VERSION, lng, lat }) as Promise<Ack<PositionResult>>;
    const where = async () => (await t.database.rows<{ lng: number }>(sql`SELECT ST_X(geom) AS lng FROM responders WHERE id = ${worker}`))[0]!.lng;

    expect((await put('worker', { status: 'off_duty' })).status).toBe(200);
    const refused = await send(106.61, 26.53);
    expect(refused).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(await where()).toBeCloseTo(HERE[0], 6);

    expect((await put('worker', { status: 'on_duty' })).status).toBe(200);
    const kept = await send(106.612, 26.531);
    expect(kept).toEqual({ ok: true, data: { stored: true, retryInMs: EVERY_MS } });
    expect(await where()).toBeCloseTo(106.612, 6);
  });

  it('refuses what is not a duty switch by a linked worker, writing nothing', async () => {
    const before = (await audits()).length;
    expect((await put('unlinked', { status: 'off_duty' })).body.error?.code).toBe('NOT_FOUND');
    expect((await put('worker', { status: 'asleep' })).status).toBe(400);
    expect((await put('worker', { status: 'off_duty', extra: 1 })).status).toBe(400);
    expect((await put('dispatcherWest', { status: 'off_duty' })).status).toBe(403);
    expect(await statusOf(worker)).toBe('on_duty');
    expect(await audits()).toHaveLength(before);
  });

  it.runIf(kind === 'postgres')('reaches the desks connected to another server process on the same database', async () => {
    const other = await startTestServer(t.database, 0, { positionEveryMs: EVERY_MS, databaseUrl: t.url, signIn: false });
    try {
      await until('both nodes listening', () => app.context.notifier.listening && other.app.context.notifier.listening);
      const remote = await desk('dispatcherWest', other.base);
      expect((await put('worker', { status: 'busy' })).status).toBe(200);
      await until('the notice on the other node', () => remote.statuses.length > 0);
      expect(remote.statuses).toEqual([expect.objectContaining({ id: worker, status: 'busy' })]);
    } finally {
      await other.app.close();
      await put('worker', { status: 'on_duty' });
    }
  });
});

import { sql } from 'drizzle-orm';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISPLAY_COOKIE } from '../../server/auth/authenticate';
import { PROTOCOL_VERSION, type Ack, type FeedFrame, type PositionResult, type ResponderPosition } from '../../server/protocol/wire';
import { ensureUser, makeDisplayToken, signIn } from '../helpers/auth';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db';
import { FIXTURE, incident, insertFixtureCity } from '../helpers/fixtures';
import { postJson, startTestServer } from '../helpers/server';

/**
 * Live responder positions: a grid worker's socket reports where they are; one
 * position per interval is kept (the rest dropped), stored on their responder record
 * and sent — volatile, never a feed row — to the desks whose jurisdiction holds the
 * responder's home grid, and to nobody else.
 */
const EVERY_MS = 400;
const WEST_GRID = `${FIXTURE.west}001001001`;
const EAST_GRID = `${FIXTURE.east}001001001`;

class Listener {
  readonly socket: Socket;
  readonly positions: ResponderPosition[] = [];
  readonly frames: FeedFrame[] = [];

  constructor(base: string, cookie: string) {
    this.socket = connect(base, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie } });
    this.socket.on('responderPosition', (event: ResponderPosition) => this.positions.push(event));
    this.socket.on('feed', (frame: FeedFrame) => this.frames.push(frame));
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

  send(report: unknown): Promise<Ack<PositionResult>> {
    return this.socket.timeout(5000).emitWithAck('position', report) as Promise<Ack<PositionResult>>;
  }
}

/** Polls a condition without sleeping blindly: resolves as soon as it holds, fails after `ms`. */
async function until(what: string, holds: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await holds())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(DB_KINDS)('responder positions (%s)', (kind) => {
  let t: TestDatabase;
  let base: string;
  let app: Awaited<ReturnType<typeof startTestServer>>['app'];
  const cookies: Record<string, string> = {};
  const responder: Record<string, number> = {};
  const open: Listener[] = [];
  const listen = async (who: string) => {
    const listener = await new Listener(base, cookies[who]!).connected();
    open.push(listener);
    return listener;
  };
  const feedCount = async () => (await t.database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM feed`))[0]!.n;
  const stored = async (id: number) =>
    (
      await t.database.rows<{ lng: number | null; lat: number | null; accuracy: number | null; at: string | null }>(sql`
        SELECT ST_X(geom) AS lng, ST_Y(geom) AS lat, position_accuracy AS accuracy, position_at::text AS at FROM responders WHERE id = ${id}`)
    )[0]!;
  const v = PROTOCOL_VERSION;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await insertFixtureCity(t.database);
    // With the database URL, PostgreSQL nodes relay positions to each other (LISTEN/NOTIFY).
    ({ app, base } = await startTestServer(t.database, 0, { positionEveryMs: EVERY_MS, databaseUrl: t.url }));
    const people: Array<[string, 'grid_worker' | 'dispatcher' | 'leader' | 'duty_officer', string]> = [
      ['workerWest', 'grid_worker', `${FIXTURE.west}001001`],
      ['workerEast', 'grid_worker', `${FIXTURE.east}001001`],
      ['unlinked', 'grid_worker', FIXTURE.west],
      ['dispatcherWest', 'dispatcher', FIXTURE.west],
      ['dispatcherEast', 'dispatcher', FIXTURE.east],
      ['leader', 'leader', FIXTURE.city],
      ['dutyCommunity', 'duty_officer', `${FIXTURE.west}001001`],
    ];
    for (const [login, role, area] of people) {
      await ensureUser(t.database, `pos-${login}`, role, area);
      cookies[login] = await signIn(base, `pos-${login}`);
    }
    cookies.display = `${DISPLAY_COOKIE}=${await makeDisplayToken(t.database, 'position wall', FIXTURE.city)}`;
    // Grid-worker accounts get a responder when made (server/auth/responder-link.ts); this test places its own.
    await t.database.rows(sql`DELETE FROM responders WHERE user_id IN (SELECT id FROM users WHERE login LIKE 'pos-%')`);
    for (const [who, grid] of [['workerWest', WEST_GRID], ['workerEast', EAST_GRID]] as const) {
      const [row] = await t.database.rows<{ id: number }>(sql`
        INSERT INTO responders (code, name, role, home_grid_id, user_id)
        VALUES (${`R-${who}`}, ${who}, 'grid_worker', (SELECT id FROM areas WHERE code = ${grid}), (SELECT id FROM users WHERE login = ${`pos-${who}`}))
        RETURNING id`);
      responder[who] = row!.id;
    }
    // A unit without a login or home grid: the city's desks see it.
    await t.database.rows(sql`INSERT INTO responders (code, name, role, status) VALUES ('R-unit', 'unit', 'unit', 'busy')`);
  });

  afterAll(async () => {
    for (const l of open) l.socket.close();
    await app?.close();
    await t?.drop();
  });

  it('keeps one position per interval, stores it on the responder, and writes no feed row', async () => {
    const worker = await listen('workerWest');
    const feedBefore = await feedCount();
    const first = await worker.send({ v, lng: 106.6051, lat: 26.5351, accuracy: 12.5 });
    expect(first).toEqual({ ok: true, data: { stored: true, retryInMs: EVERY_MS } });
    // A burst right after: dropped without an error, and not stored.
    const burst = await Promise.all([1, 2, 3].map((k) => worker.send({ v, lng: 106.6 + k / 1000, lat: 26.53 })));
    for (const b of burst) {
      expect(b.ok).toBe(true);
      expect(b.ok && b.data.stored).toBe(false);
      expect(b.ok && b.data.retryInMs).toBeGreaterThan(0);
    }
    expect(await stored(responder.workerWest!)).toMatchObject({ lng: 106.6051, lat: 26.5351, accuracy: 12.5 });
    // Once the interval has passed, the next one is kept.
    let kept: Ack<PositionResult> | undefined;
    await until('the next position to be kept', async () => {
      kept = await worker.send({ v, lng: 106.6077, lat: 26.5377 });
      return kept.ok && kept.data.stored;
    });
    expect(await stored(responder.workerWest!)).toMatchObject({ lng: 106.6077, lat: 26.5377, accuracy: null });
    expect(await feedCount()).toBe(feedBefore);
  });

  it('refuses bad frames, desk roles and workers without a responder record, storing nothing', async () => {
    const before = await stored(responder.workerWest!);
    const worker = await listen('workerWest');
    for (const bad of [{ v, lng: 200, lat: 26.5 }, { v: v + 1, lng: 106.6, lat: 26.5 }, { v, lng: '106.6', lat: 26.5 }, { v, lng: 106.6, lat: 26.5, accuracy: -1 }, { v, lng: 106.6, lat: 26.5, at: 1 }, null]) {
      const ack = await worker.send(bad);
      expect([JSON.stringify(bad), ack.ok ? 'ok' : ack.code]).toEqual([JSON.stringify(bad), 'BAD_FRAME']);
    }
    const dispatcher = await listen('dispatcherWest');
    expect(await dispatcher.send({ v, lng: 106.6, lat: 26.5 })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    const unlinked = await listen('unlinked');
    expect(await unlinked.send({ v, lng: 106.6, lat: 26.5 })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(await stored(responder.workerWest!)).toEqual(before);
  });

  it("reaches the desks whose jurisdiction holds the responder's home grid — not another district's, not a wall display", async () => {
    const desks = {
      dispatcherWest: await listen('dispatcherWest'),
      dispatcherEast: await listen('dispatcherEast'),
      leader: await listen('leader'),
      dutyCommunity: await listen('dutyCommunity'),
      display: await listen('display'),
      otherWorker: await listen('workerEast'),
    };
    const west = await listen('workerWest');
    const east = await listen('workerEast');
    const sent = await west.send({ v, lng: 106.6123, lat: 26.5234, accuracy: 8 });
    expect(sent.ok && sent.data.stored).toBe(true);
    await until('west position at the west desks', () => [desks.dispatcherWest, desks.leader, desks.dutyCommunity].every((d) => d.positions.length > 0));
    expect(desks.dispatcherWest.positions).toEqual([
      { v, id: responder.workerWest, lng: 106.6123, lat: 26.5234, accuracy: 8, at: expect.stringMatching(/Z$/), status: 'on_duty' },
    ]);
    // Fire-and-forget (no ack) works too: the east worker's position reaches the east desk and the city.
    east.socket.emit('position', { v, lng: 106.6623, lat: 26.5234 });
    await until('east position at the east desk', () => desks.dispatcherEast.positions.length > 0 && desks.leader.positions.length > 1);
    // Socket.IO keeps each connection's order, so by now anything misrouted would have arrived.
    expect(desks.dispatcherEast.positions.map((p) => p.id)).toEqual([responder.workerEast]);
    expect(desks.dispatcherWest.positions.map((p) => p.id)).toEqual([responder.workerWest]);
    expect(desks.dutyCommunity.positions.map((p) => p.id)).toEqual([responder.workerWest]);
    expect(desks.leader.positions.map((p) => p.id)).toEqual([responder.workerWest, responder.workerEast]);
    // The wall display and the workers get feed frames but never positions: prove the display is live by a case.
    const ack = (await desks.display.socket.timeout(5000).emitWithAck('subscribe', { v, layers: ['incidents'], since: null })) as Ack<unknown>;
    expect(ack.ok).toBe(true);
    expect((await postJson(base, '/api/cases', incident('pos-marker', 106.655, 26.515))).status).toBe(201);
    await until('the display to get the marker case', () => desks.display.frames.some((f) => f.events.length > 0));
    expect(desks.display.positions).toEqual([]);
    expect(desks.otherWorker.positions).toEqual([]);
    expect(west.positions).toEqual([]);
  });

  it.runIf(kind === 'postgres')('reaches the desks connected to another server process on the same database', async () => {
    const other = await startTestServer(t.database, 0, { positionEveryMs: EVERY_MS, databaseUrl: t.url, signIn: false });
    try {
      await until('both nodes listening', () => app.context.notifier.listening && other.app.context.notifier.listening);
      const remote = new Listener(other.base, cookies.dispatcherWest!);
      open.push(remote);
      await remote.connected();
      const west = await listen('workerWest');
      const sent = await west.send({ v, lng: 106.6111, lat: 26.5222 });
      expect(sent.ok && sent.data.stored).toBe(true);
      await until('the position on the other node', () => remote.positions.length > 0);
      expect(remote.positions).toEqual([expect.objectContaining({ id: responder.workerWest, lng: 106.6111, lat: 26.5222 })]);
    } finally {
      await other.app.close();
    }
  });

  it('GET /api/responders: positions, status and open workload within the jurisdiction', async () => {
    await t.database.rows(sql`
      UPDATE cases SET status = 'in_progress', assignee_id = ${responder.workerEast!}::int WHERE external_id = 'pos-marker'`);
    const get = async (who: string, query = '') => {
      const res = await fetch(`${base}/api/responders${query}`, { headers: { cookie: cookies[who]! } });
      return { status: res.status, body: (await res.json()) as { responders: Array<{ id: number; code: string; lng: number | null; openCases: number; status: string; homeGrid: string | null }> } };
    };
    const city = await get('leader');
    expect(city.body.responders.map((r) => r.code)).toEqual(['R-workerWest', 'R-workerEast', 'R-unit']);
    expect(city.body.responders.find((r) => r.code === 'R-workerEast')).toMatchObject({ lng: 106.6623, openCases: 1, homeGrid: EAST_GRID, status: 'on_duty' });
    expect(city.body.responders.find((r) => r.code === 'R-unit')).toMatchObject({ lng: null, openCases: 0, homeGrid: null, status: 'busy' });
    expect((await get('dispatcherWest')).body.responders.map((r) => r.code)).toEqual(['R-workerWest']);
    expect((await get('dispatcherEast')).body.responders.map((r) => r.code)).toEqual(['R-workerEast']);
    expect((await get('leader', `?area=${FIXTURE.east}`)).body.responders.map((r) => r.code)).toEqual(['R-workerEast']);
    expect((await get('dispatcherWest', `?area=${FIXTURE.east}`)).status).toBe(404);
    expect((await get('workerWest')).status).toBe(403);
    expect((await get('display')).status).toBe(403);
  });
});

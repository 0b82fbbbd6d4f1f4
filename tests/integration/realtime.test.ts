import { sql } from 'drizzle-orm';
import { io as connect } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DB_KINDS, createTestDatabase, type TestDatabase } from '../helpers/db';
import { FIXTURE, appeal, incident, insertFixtureCity } from '../helpers/fixtures';
import { authed, FeedClient, postJson, sessionOf, startTestServer } from '../helpers/server';
import { PROTOCOL_VERSION } from '../../server/protocol/wire';
import type { AppServer } from '../../server/app';
import { LAYERS } from '../../server/protocol/vocab';
import { caseInputSchema } from '../../server/protocol/api';
import { IngestService } from '../../server/services/ingest';

const ALL = [...LAYERS];
const westPoint = (i: number): [number, number] => [106.601 + (i % 30) * 0.001, 26.501 + (i % 7) * 0.005];
const eastPoint = (i: number): [number, number] => [106.641 + (i % 30) * 0.001, 26.501 + (i % 7) * 0.005];

for (const kind of DB_KINDS) {
  describe(`realtime feed on ${kind}`, () => {
    let testDb: TestDatabase;
    let app: AppServer;
    let base: string;
    let port: number;
    const clients: FeedClient[] = [];
    const client = (subscription: ConstructorParameters<typeof FeedClient>[1]) => {
      const c = new FeedClient(base, subscription);
      clients.push(c);
      return c;
    };
    const head = async () => (await testDb.database.rows<{ seq: number }>(sql`SELECT coalesce(max(seq), 0)::int AS seq FROM feed`))[0]!.seq;

    beforeAll(async () => {
      testDb = await createTestDatabase(kind);
      await insertFixtureCity(testDb.database);
      ({ app, base, port } = await startTestServer(testDb.database));
    });
    afterAll(async () => {
      await app?.close();
      await testDb?.drop();
    });
    // The feed is never truncated: seqs only grow, as in production. Tests count from `start`.
    let start = 0;
    beforeEach(async () => {
      await testDb.database.rows(sql`TRUNCATE cases, case_events, alerts CASCADE`);
      await app.context.publisher.flush();
      start = await head();
    });
    afterEach(() => {
      for (const c of clients.splice(0)) c.close();
    });

    it('pushes a posted case to two subscribed clients, each event once and in order', async () => {
      const a = client({ layers: ALL });
      const b = client({ layers: ALL });
      await Promise.all([a.connected(), b.connected()]);
      expect(await a.subscribe(null)).toMatchObject({ ok: true, data: { mode: 'live' } });
      expect(await b.subscribe(null)).toMatchObject({ ok: true, data: { mode: 'live' } });
      const res = await postJson(base, '/api/cases', incident('live-1', 106.605, 26.535));
      expect(res.status).toBe(201);
      await Promise.all([a.until((e) => e.length === 1), b.until((e) => e.length === 1)]);
      for (const c of [a, b]) {
        expect(c.applied[0]).toMatchObject({ topic: 'case.created', layer: 'incidents', payload: { grid: `${FIXTURE.west}001001001` } });
        expect(c.applied[0]!.areaCodes).toContain(FIXTURE.west);
      }
      const batch = Array.from({ length: 300 }, (_, i) => incident(`burst-${i}`, ...westPoint(i)));
      await postJson(base, '/api/cases/batch', { cases: batch });
      await Promise.all([a.until((e) => e.length === 301), b.until((e) => e.length === 301)]);
      for (const c of [a, b]) {
        expect(c.duplicates).toBe(0);
        expect(c.outOfOrder).toBe(0);
        expect(c.applied.map((e) => e.seq)).toEqual(Array.from({ length: 301 }, (_, i) => start + i + 1));
      }
    });

    it('replays exactly the missed events after a disconnect, like a client that never left', async () => {
      const steady = client({ layers: ALL });
      const flaky = client({ layers: ALL });
      await Promise.all([steady.connected(), flaky.connected()]);
      await steady.subscribe(null);
      await flaky.subscribe(null);
      await postJson(base, '/api/cases/batch', { cases: Array.from({ length: 20 }, (_, i) => incident(`pre-${i}`, ...westPoint(i))) });
      await flaky.until((e) => e.length === 20);
      flaky.socket.disconnect();
      // While it is away: cases, appeals and an alert, in several transactions.
      for (let round = 0; round < 5; round++) {
        await postJson(base, '/api/cases/batch', {
          cases: [incident(`gap-${round}`, ...westPoint(round)), appeal(`gap-a-${round}`, ...eastPoint(round))],
        });
      }
      await postJson(base, '/api/alerts', {
        externalId: 'gap-alert',
        eventType: 'MET_RAINSTORM',
        headline: '暴雨预警',
        severity: 'Severe',
        urgency: 'Immediate',
        certainty: 'Observed',
        geometry: { type: 'Polygon', coordinates: [[[106.6, 26.5], [106.62, 26.5], [106.62, 26.52], [106.6, 26.52], [106.6, 26.5]]] },
      });
      await steady.until((e) => e.length === 31);
      flaky.socket.connect();
      await flaky.connected();
      const ack = await flaky.subscribe(flaky.lastSeq);
      expect(ack).toMatchObject({ ok: true, data: { mode: 'replay', replayed: 11 } });
      await flaky.until((e) => e.length === 31);
      expect(flaky.applied.map((e) => e.seq)).toEqual(steady.applied.map((e) => e.seq));
      expect(flaky.duplicates + flaky.outOfOrder).toBe(0);
      // And it is live again afterwards.
      await postJson(base, '/api/cases', incident('after', 106.61, 26.51));
      await Promise.all([flaky.until((e) => e.length === 32), steady.until((e) => e.length === 32)]);
    });

    it('scopes a subscription to its area and layers', async () => {
      const west = client({ area: FIXTURE.west, layers: ALL });
      const eastAppeals = client({ area: FIXTURE.east, layers: ['appeals'] });
      const city = client({ layers: ALL });
      await Promise.all([west.connected(), eastAppeals.connected(), city.connected()]);
      await Promise.all([west.subscribe(null), eastAppeals.subscribe(null), city.subscribe(null)]);
      await postJson(base, '/api/cases/batch', {
        cases: [
          incident('w1', ...westPoint(1)),
          incident('e1', ...eastPoint(1)),
          appeal('w2', ...westPoint(2)),
          appeal('e2', ...eastPoint(2)),
          incident('out', 107.9, 27.9),
        ],
      });
      await city.until((e) => e.length === 5);
      await west.until((e) => e.length === 2);
      await eastAppeals.until((e) => e.length === 1);
      // A later event proves nothing else was on its way to the scoped clients.
      await postJson(base, '/api/cases/batch', { cases: [incident('w3', ...westPoint(3)), appeal('e3', ...eastPoint(3))] });
      await west.until((e) => e.length === 3);
      await eastAppeals.until((e) => e.length === 2);
      expect(west.applied.every((e) => e.areaCodes.includes(FIXTURE.west))).toBe(true);
      expect(eastAppeals.applied.every((e) => e.layer === 'appeals' && e.areaCodes.includes(FIXTURE.east))).toBe(true);
      const outside = city.applied.find((e) => e.topic === 'case.created' && e.payload.grid === null);
      expect(outside?.areaCodes).toEqual([FIXTURE.city]);
    });

    it('asks for a resync when the gap is older than the feed keeps, or from another feed', async () => {
      await postJson(base, '/api/cases/batch', { cases: Array.from({ length: 10 }, (_, i) => incident(`old-${i}`, ...westPoint(i))) });
      await app.context.publisher.flush();
      await testDb.database.rows(sql`DELETE FROM feed WHERE seq <= ${start + 5}`);
      const c = client({ layers: ALL });
      await c.connected();
      expect(await c.subscribe(start + 2)).toMatchObject({ ok: true, data: { mode: 'resync' } });
      expect(await c.subscribe((await head()) + 100)).toMatchObject({ ok: true, data: { mode: 'resync' } });
      expect(await c.subscribe(start + 5)).toMatchObject({ ok: true, data: { mode: 'replay', replayed: 5 } });
      await c.until((e) => e.length === 5);
    });

    it('tells clients to resync when the feed is reset under a running server, then carries on', async () => {
      const c = client({ layers: ALL });
      await c.connected();
      await c.subscribe(null);
      await postJson(base, '/api/cases', incident('before-reset', 106.61, 26.51));
      await c.until((e) => e.length === 1);
      const notice = new Promise<{ reason: string; head: number }>((resolve) => c.socket.once('resync', resolve));
      await testDb.database.rows(sql`TRUNCATE feed RESTART IDENTITY`);
      expect(await notice).toMatchObject({ reason: 'feed-reset', head: 0 });
      // As the browser does: reload the snapshot, subscribe from its seq.
      const snapshot = (await (await authed(base, `${base}/api/snapshot`)).json()) as { seq: number };
      expect(snapshot.seq).toBe(0);
      const fresh = client({ layers: ALL });
      await fresh.connected();
      expect(await fresh.subscribe(snapshot.seq)).toMatchObject({ ok: true, data: { mode: 'live', head: 0 } });
      await postJson(base, '/api/cases', incident('after-reset', 106.62, 26.52));
      await fresh.until((e) => e.length === 1);
      expect(fresh.applied[0]!.seq).toBe(1);
    });

    it('answers bad socket frames with BAD_FRAME or FORBIDDEN and stays up', async () => {
      const socket = connect(base, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: sessionOf(base) });
      try {
        await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
        const ask = (event: string, payload: unknown) => socket.timeout(5000).emitWithAck(event, payload);
        expect(await ask('subscribe', 'garbage')).toMatchObject({ ok: false, code: 'BAD_FRAME' });
        expect(await ask('subscribe', { v: 99, layers: ALL, since: null })).toMatchObject({ ok: false, code: 'BAD_FRAME' });
        expect(await ask('subscribe', { v: PROTOCOL_VERSION, layers: ['weather'], since: null })).toMatchObject({ ok: false, code: 'BAD_FRAME' });
        expect(await ask('subscribe', { v: PROTOCOL_VERSION, layers: ALL, since: -3 })).toMatchObject({ ok: false, code: 'BAD_FRAME' });
        // Unknown and outside the jurisdiction answer alike: codes beyond it do not leak.
        expect(await ask('subscribe', { v: PROTOCOL_VERSION, area: '999999', layers: ALL, since: null })).toMatchObject({ ok: false, code: 'FORBIDDEN' });
        expect(await ask('launch', {})).toMatchObject({ ok: false, code: 'BAD_FRAME' });
        // An oversize frame costs the sender its connection, nobody else's.
        const closed = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
        socket.emit('subscribe', { v: PROTOCOL_VERSION, layers: ALL, since: null, pad: 'x'.repeat(100_000) }, () => undefined);
        expect(await closed).toBe('transport close');
      } finally {
        socket.close();
      }
      const health = await authed(base, `${base}/api/health`);
      expect(health.status).toBe(200);
      const c = client({ layers: ALL });
      await c.connected();
      expect(await c.subscribe(null)).toMatchObject({ ok: true });
    });

    // PostgreSQL only: PGlite is one process by construction, so there is nothing to wake.
    if (kind === 'postgres') it('wakes a second process through coalesced NOTIFY, not its poll', async () => {
      const other = await startTestServer(testDb.database, 0, {
        databaseUrl: testDb.url,
        publisher: { frameMs: 20, pollMs: 600_000 },
      });
      try {
        const watcher = new FeedClient(other.base, { layers: ALL });
        clients.push(watcher);
        await watcher.connected();
        await watcher.subscribe(null);
        // Posted to the first process; the second process's poll is ten minutes away.
        await postJson(base, '/api/cases', incident('cross-process', 106.61, 26.51));
        await watcher.until((e) => e.length === 1, 5_000);
        expect(watcher.applied[0]!.seq).toBe(start + 1);
      } finally {
        await other.app.close();
      }
    });

    it('refuses a socket from a foreign browser origin and admits the site itself', async () => {
      const attempt = (origin: string) =>
        new Promise<string>((resolve) => {
          const socket = connect(base, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { origin, ...sessionOf(base) } });
          socket.once('connect', () => {
            socket.close();
            resolve('connected');
          });
          socket.once('connect_error', () => {
            socket.close();
            resolve('refused');
          });
        });
      expect(await attempt('https://evil.example')).toBe('refused');
      expect(await attempt(base)).toBe('connected');
    });

    it('loses nothing across a server restart: a reconnecting client replays from the feed', async () => {
      const c = new FeedClient(base, { layers: ALL });
      await c.connected();
      await c.subscribe(null);
      await postJson(base, '/api/cases', incident('before-restart', 106.61, 26.51));
      await c.until((e) => e.length === 1);
      await app.close();
      c.close();
      // Written while no server runs (e.g. by another process): the feed is the truth.
      const offline = new IngestService(testDb.database, () => undefined);
      await offline.ingestCases([caseInputSchema.parse(incident('during-1', 106.62, 26.52)), caseInputSchema.parse(appeal('during-2', 106.63, 26.53))]);
      ({ app, base } = await startTestServer(testDb.database, port));
      const again = new FeedClient(base, { layers: ALL });
      clients.push(again);
      again.lastSeq = c.lastSeq;
      again.applied.push(...c.applied);
      await again.connected();
      expect(await again.subscribe(again.lastSeq)).toMatchObject({ ok: true, data: { mode: 'replay', replayed: 2 } });
      await again.until((e) => e.length === 3);
      expect(again.applied.map((e) => e.seq)).toEqual([start + 1, start + 2, start + 3]);
    });
  });
}

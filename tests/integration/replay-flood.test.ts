import { randomBytes } from 'node:crypto';
import type { Socket as NetSocket } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFeed, type NewFeedRow } from '../../db/queries/feed';
import { DB_KINDS, createTestDatabase, type TestDatabase } from '../helpers/db';
import { FIXTURE, incident, insertFixtureCity } from '../helpers/fixtures';
import { FeedClient, postJson, startTestServer } from '../helpers/server';
import { PROTOCOL_VERSION, type Ack, type SubscribeResult } from '../../server/protocol/wire';
import type { AppServer } from '../../server/app';
import { REPORTED_LIFECYCLE } from '../../db/records';

/**
 * Replays and slow readers (issue 5): a replay must never hold up live delivery to
 * everyone else, a client that stops reading must be cut off before its buffers
 * grow without bound, and a crowd of clients reconnecting at once must all be
 * served while live latency stays under a second.
 */
const HISTORY = 3_000;
const BUFFER_CAP = 256 * 1024;
const LIVE_BOUND_MS = 1_000;

/** Feed rows shaped like real case events (≈ 350 bytes each on the wire). */
function history(count: number, tag: string): NewFeedRow[] {
  return Array.from({ length: count }, (_, i) => ({
    topic: 'case.created',
    layer: 'incidents',
    areaCodes: [FIXTURE.city, FIXTURE.west],
    payload: {
      id: i + 1,
      kind: 'incident',
      channel: 'grid_worker',
      category: '0102',
      topic: null,
      severity: 'Moderate',
      status: 'reported',
      lng: 106.61,
      lat: 26.51,
      grid: null,
      title: `历史事件 ${tag} ${i} ${'·'.repeat(60)}`,
      reportedAt: '2026-01-01T00:00:00.000Z',
      ...REPORTED_LIFECYCLE,
    },
  }));
}

/** Posts `count` cases one after another and measures commit → arrival at `watcher`, per case (ms). */
async function liveLatencies(base: string, watcher: FeedClient, count: number, tag: string): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const id = `${tag}-${i}`;
    const started = performance.now();
    const res = await postJson(base, '/api/cases', incident(id, 106.612, 26.512, { title: id }));
    expect(res.status).toBe(201);
    await watcher.until((events) => events.some((e) => e.topic === 'case.created' && e.payload.title === id), 15_000);
    latencies.push(performance.now() - started);
  }
  return latencies;
}

function rawSocketOf(client: FeedClient): NetSocket {
  const transport = (client.socket.io.engine as unknown as { transport: { ws?: { _socket?: NetSocket } } }).transport;
  const raw = transport.ws?._socket;
  if (!raw) throw new Error('expected a websocket transport with a raw socket');
  return raw;
}

for (const kind of DB_KINDS) {
  describe(`replays and slow readers on ${kind}`, () => {
    let testDb: TestDatabase;
    let app: AppServer;
    let base: string;

    beforeAll(async () => {
      testDb = await createTestDatabase(kind);
      await insertFixtureCity(testDb.database);
      await testDb.database.transaction((tx) => appendFeed(tx, history(HISTORY, kind)));
      ({ app, base } = await startTestServer(testDb.database, 0, {
        // Chunks of 1,000 on both engines, so a stalled replayer fills its kernel buffers quickly.
        // maxReplay raised so the client that comes back after the live rounds still replays.
        publisher: { frameMs: 20, pollMs: 200, maxSocketBuffer: BUFFER_CAP, replayChunk: 1000, maxReplay: 100_000 },
      }));
    });
    afterAll(async () => {
      await app?.close();
      await testDb?.drop();
    });

    it('keeps live latency under a second while one socket floods replay requests', async () => {
      const live = new FeedClient(base, { layers: ['incidents'] });
      const flooder = new FeedClient(base, { layers: ['incidents'] });
      await Promise.all([live.connected(), flooder.connected()]);
      expect((await live.subscribe(null)).ok).toBe(true);
      // Idle baseline (and warm-up of the intake path) before the flood starts.
      await liveLatencies(base, live, 3, `idle-${kind}`);
      // 100 replays of the whole history, sent at once, never awaited one by one.
      const acks: Array<Promise<Ack<SubscribeResult>>> = [];
      for (let i = 0; i < 100; i++) {
        acks.push(
          flooder.socket.timeout(60_000).emitWithAck('subscribe', { v: PROTOCOL_VERSION, layers: ['incidents'], since: 0 }) as Promise<
            Ack<SubscribeResult>
          >,
        );
      }
      const latencies = await liveLatencies(base, live, 15, `flood-${kind}`);
      const answers = await Promise.all(acks);
      expect(Math.max(...latencies)).toBeLessThan(LIVE_BOUND_MS);
      // Every frame was answered; the flood was mostly refused or superseded, not queued.
      const codes = answers.map((a) => (a.ok ? a.data.mode : a.code));
      expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(80);
      expect(live.duplicates + live.outOfOrder).toBe(0);
      live.close();
      flooder.close();
    });

    it('cuts off clients that stop reading (asking for replays, or just live), keeps buffers bounded, and a client comes back with no gap', async () => {
      const serverSockets = () => app.io.of('/').sockets.size;
      const headNow = async () => (await testDb.database.rows<{ head: number }>(sql`SELECT max(seq)::int AS head FROM feed`))[0]!.head;
      const rssBefore = process.memoryUsage().rss;
      const cutBefore = app.context.publisher.slowConsumersCut;
      // A asks for replays of the whole history and stops reading; B is live and stops reading.
      const replayer = new FeedClient(base, { layers: ['incidents'] });
      const stalled = new FeedClient(base, { layers: ['incidents'] });
      await Promise.all([replayer.connected(), stalled.connected()]);
      const since = await headNow();
      expect((await stalled.subscribe(since)).ok).toBe(true);
      stalled.lastSeq = since;
      for (const client of [replayer, stalled]) {
        // Stop reading: the kernel buffers fill, then the server's own buffers would grow.
        // (ws resumes its socket whenever its parser drains; keep it paused.)
        const raw = rawSocketOf(client);
        raw.pause();
        raw.resume = () => raw;
      }
      for (let i = 0; i < 3; i++) replayer.socket.emit('subscribe', { v: PROTOCOL_VERSION, layers: ['incidents'], since: 0 }, () => undefined);
      const watcher = new FeedClient(base, { layers: ['incidents'] });
      await watcher.connected();
      expect((await watcher.subscribe(null)).ok).toBe(true);
      // Live traffic for everyone, 500 events a round, until the server has given up on
      // both (well before Socket.IO's own 18 s ping timeout would).
      const deadline = Date.now() + 15_000;
      for (let round = 0; serverSockets() > 1; round++) {
        if (Date.now() > deadline) throw new Error(`non-reading clients still connected: ${serverSockets() - 1}`);
        const seqs = await testDb.database.transaction((tx) => appendFeed(tx, history(500, `live-${round}`)));
        app.context.publisher.wake();
        await watcher.until(() => watcher.lastSeq >= seqs.at(-1)!, 10_000);
      }
      expect(app.context.publisher.slowConsumersCut - cutBefore).toBe(2);
      // Bounded: never more than the hard cap (4 × the cap) plus one frame queued for a socket.
      expect(app.context.publisher.maxBufferSeen).toBeLessThanOrEqual(4 * BUFFER_CAP + 1024 * 1024);
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
      replayer.close();
      stalled.close();

      // B comes back from the last seq it applied and receives everything after it, once, in order.
      const head = await headNow();
      const back = new FeedClient(base, { layers: ['incidents'] });
      back.lastSeq = since;
      await back.connected();
      const again = await back.subscribe(since);
      expect(again.ok && again.data.mode).toBe('replay');
      await back.until(() => back.lastSeq >= head);
      const seqs = back.applied.map((e) => e.seq);
      expect(seqs[0]).toBe(since + 1);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs.filter((q) => q <= head)).size).toBe(head - since);
      back.close();
      watcher.close();
    });

    it('serves a reconnect storm (clients × 1,000 events each) while live latency stays under a second', async () => {
      // Clients run in this process: their decoding shares the server's thread (PGlite's too).
      const CLIENTS = kind === 'postgres' ? 20 : 10;
      const EVENTS = 1_000;
      const live = new FeedClient(base, { layers: ['incidents'] });
      await live.connected();
      expect((await live.subscribe(null)).ok).toBe(true);
      const head = (await testDb.database.rows<{ head: number }>(sql`SELECT max(seq)::int AS head FROM feed`))[0]!.head;
      const since = head! - EVENTS;
      const storm = Array.from({ length: CLIENTS }, () => new FeedClient(base, { layers: ['incidents'] }));
      const started = performance.now();
      const served = Promise.all(
        storm.map(async (client) => {
          client.lastSeq = since;
          await client.connected();
          const ack = await client.subscribe(since);
          if (!ack.ok || ack.data.mode !== 'replay') throw new Error(`storm client got ${JSON.stringify(ack)}`);
          await client.until(() => client.lastSeq >= head!, 60_000);
          // Live cases posted meanwhile arrive too; the replay is what lies at or below head.
          return client.applied.filter((e) => e.seq <= head!).length;
        }),
      );
      const latencies = await liveLatencies(base, live, 10, `storm-${kind}-${randomBytes(2).toString('hex')}`);
      const counts = await served;
      const stormMs = performance.now() - started;
      expect(counts.every((c) => c === EVENTS)).toBe(true);
      expect(Math.max(...latencies)).toBeLessThan(LIVE_BOUND_MS);
      expect(stormMs).toBeLessThan(60_000);
      for (const client of storm) client.close();
      live.close();
    });
  });
}

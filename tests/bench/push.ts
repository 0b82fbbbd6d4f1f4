import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { DatabaseKind } from '../../db/client';
import { createServer } from '../../server/app';
import { configFromEnv } from '../../server/config';
import type { CaseInput } from '../../server/protocol/api';
import { LAYERS } from '../../server/protocol/vocab';
import { PROTOCOL_VERSION, type FeedFrame } from '../../server/protocol/wire';
import { createTestDatabase } from '../helpers/db';
import { closeClients, connectClients, LatencyRecorder, paced, titleOf } from './clients';
import { distribution, type Distribution } from './stats';
import { insertSyntheticCity, syntheticCitySpecs } from './synthetic-city';
import { REPORTED_LIFECYCLE } from '../../db/records';

export interface PushOptions {
  clients: number;
  perSecond: number;
  seconds: number;
}

export interface PushResult {
  target: string;
  clients: number;
  events: number;
  expected: number;
  delivered: number;
  connectMs: number;
  /** Duration of the send call itself (ingest transaction, or the bare emit). */
  sendMs: Distribution;
  latencyMs: Distribution;
}

const CITY = { gridsPerCommunity: 2 };
const GRIDS = syntheticCitySpecs(CITY)[4]!;
const SETTLE_MS = 10_000;
const WARM_UP = 30;

function benchCase(i: number): CaseInput {
  const grid = GRIDS[i % GRIDS.length]!;
  return {
    kind: 'incident',
    channel: 'sensor',
    externalId: `bench-${i}`,
    category: '0503',
    severity: 'Moderate',
    title: titleOf(i),
    location: { type: 'Point', coordinates: [(grid.w + grid.e) / 2, (grid.s + grid.n) / 2] },
  };
}

function result(target: string, options: PushOptions, events: number, recorder: LatencyRecorder, connectMs: number): PushResult {
  return {
    target,
    clients: options.clients,
    events,
    expected: events * options.clients,
    delivered: recorder.received,
    connectMs: Math.round(connectMs),
    sendMs: distribution(recorder.sendTimes),
    latencyMs: distribution(recorder.samples),
  };
}

/** The real path: ingest (PostGIS grid assignment + feed row) → publisher frame → Socket.IO room. */
export async function benchServerPush(engine: DatabaseKind, frameMs: number, options: PushOptions): Promise<PushResult> {
  const test = await createTestDatabase(engine);
  await insertSyntheticCity(test.database, CITY);
  const server = await createServer(
    { ...configFromEnv({}), next: false, logLevel: 'warn' },
    // databaseUrl turns on the LISTEN/NOTIFY notifier on PostgreSQL, as in production.
    { database: test.database, databaseUrl: test.url, publisher: { frameMs } },
  );
  try {
    const port = await server.listen(0, '127.0.0.1');
    // Warm-up (untimed): the first statements on a fresh engine plan and JIT; measure the steady state.
    for (let i = 0; i < WARM_UP; i++) await server.context.ingest.ingestCases([{ ...benchCase(i), externalId: `warm-${i}`, title: 'warm-up' }]);
    await server.context.publisher.flush();
    const events = options.perSecond * options.seconds;
    const recorder = new LatencyRecorder(events);
    const connectStart = performance.now();
    const request = { v: PROTOCOL_VERSION, layers: [...LAYERS], since: server.context.publisher.feedHead };
    const clients = await connectClients(`http://127.0.0.1:${port}`, options.clients, request, recorder);
    const connectMs = performance.now() - connectStart;
    try {
      await paced(events, options.perSecond, async (i) => {
        const sent = (recorder.sent[i] = performance.now());
        await server.context.ingest.ingestCases([benchCase(i)]);
        recorder.sendTimes.push(performance.now() - sent);
      });
      await recorder.settle(events * options.clients, SETTLE_MS);
    } finally {
      closeClients(clients);
    }
    return result(`server ${engine} frame ${frameMs} ms`, options, events, recorder, connectMs);
  } finally {
    await server.close();
    await test.drop();
  }
}

/** The floor: a bare Socket.IO server broadcasting a frame of the same shape to one room, no database. */
export async function benchBarePush(options: PushOptions): Promise<PushResult> {
  const httpServer = http.createServer();
  const io = new Server(httpServer, { serveClient: false });
  const room = 'sub:*:incidents,appeals,alerts';
  io.on('connection', (socket) => {
    socket.on('subscribe', (_request: unknown, ack: (result: unknown) => void) => {
      void socket.join(room);
      ack({ ok: true, data: { mode: 'live', head: 0, replayed: 0, area: null } });
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  try {
    const events = options.perSecond * options.seconds;
    const recorder = new LatencyRecorder(events);
    const connectStart = performance.now();
    const clients = await connectClients(`http://127.0.0.1:${port}`, options.clients, {}, recorder);
    const connectMs = performance.now() - connectStart;
    try {
      await paced(events, options.perSecond, (i) => {
        const input = benchCase(i);
        const [lng, lat] = input.location.coordinates;
        const grid = GRIDS[i % GRIDS.length]!;
        const frame: FeedFrame = {
          v: PROTOCOL_VERSION,
          from: i,
          to: i + 1,
          replay: false,
          events: [
            {
              seq: i + 1,
              at: new Date().toISOString(),
              topic: 'case.created',
              layer: 'incidents',
              areaCodes: ['520100', grid.code.slice(0, 6), grid.code.slice(0, 9), grid.code.slice(0, 12), grid.code],
              payload: {
                id: i + 1, kind: 'incident', channel: input.channel, category: input.category, topic: null,
                severity: input.severity, status: 'reported', lng, lat, grid: grid.code, title: titleOf(i),
                reportedAt: new Date().toISOString(), ...REPORTED_LIFECYCLE,
              },
            },
          ],
        };
        const sent = (recorder.sent[i] = performance.now());
        io.to(room).emit('feed', frame);
        recorder.sendTimes.push(performance.now() - sent);
      });
      await recorder.settle(events * options.clients, SETTLE_MS);
    } finally {
      closeClients(clients);
    }
    return result('bare socket.io', options, events, recorder, connectMs);
  } finally {
    io.disconnectSockets(true);
    await new Promise<void>((resolve) => io.close(() => resolve()));
  }
}

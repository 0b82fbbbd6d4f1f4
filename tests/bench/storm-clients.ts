import { parseArgs } from 'node:util';
import { io as connect, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type FeedFrame } from '../../server/protocol/wire';

/**
 * The reconnect storm's clients, in their own process (so their decoding does not
 * share the server's thread): `count` sockets each subscribe with `since` and wait
 * until they have applied every event up to `head`. Prints one JSON line when all
 * are served, then exits. Used by tests/bench/replay-flood.ts.
 */
const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    cookie: { type: 'string', default: '' },
    count: { type: 'string', default: '1000' },
    since: { type: 'string', default: '0' },
    head: { type: 'string', default: '0' },
  },
});
const count = Number(values.count);
const since = Number(values.since);
const head = Number(values.head);
const started = performance.now();
let served = 0;
let events = 0;
const sockets: Socket[] = [];

await Promise.all(
  Array.from({ length: count }, () => {
    const socket = connect(values.base!, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: values.cookie ? { cookie: values.cookie } : {} });
    sockets.push(socket);
    return new Promise<void>((resolve, reject) => {
      let last = since;
      socket.on('feed', (frame: FeedFrame) => {
        for (const event of frame.events) if (event.seq > last) events++;
        last = Math.max(last, frame.to);
        if (last >= head) resolve();
      });
      socket.once('connect_error', reject);
      socket.once('connect', () => {
        socket
          .timeout(300_000)
          .emitWithAck('subscribe', { v: PROTOCOL_VERSION, layers: ['incidents'], since })
          .then((ack: { ok: boolean; data?: { mode: string } }) => {
            if (!ack.ok || ack.data?.mode === 'resync') reject(new Error(`subscribe answered ${JSON.stringify(ack)}`));
            if (last >= head) resolve();
          }, reject);
      });
    }).then(() => {
      served++;
    });
  }),
);
console.log(JSON.stringify({ clients: count, served, events, ms: Math.round(performance.now() - started) }));
for (const socket of sockets) socket.close();
process.exit(0);

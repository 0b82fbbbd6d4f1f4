import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, FeedFrame, ServerToClientEvents } from '../../server/protocol/wire';
import { sleep } from './stats';

export type BenchClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Titles carry the send index, so a receiver can look up when its event was sent. */
export const titleOf = (i: number) => `bench#${i}`;
const indexOf = (title: string | null): number => (title?.startsWith('bench#') ? Number(title.slice(6)) : -1);

/**
 * Send times and receive latencies for one run. Senders and receivers share
 * this process, so one monotonic clock (performance.now) measures both ends.
 */
export class LatencyRecorder {
  readonly sent: Float64Array;
  readonly samples: number[] = [];
  /** How long each send call took (ingest, or emit for the bare server): tells server stalls from delivery spread. */
  readonly sendTimes: number[] = [];
  received = 0;

  constructor(readonly events: number) {
    this.sent = new Float64Array(events).fill(NaN);
  }

  onFrame(frame: FeedFrame): void {
    const now = performance.now();
    for (const event of frame.events) {
      if (event.topic !== 'case.created') continue;
      const i = indexOf(event.payload.title);
      const at = this.sent[i];
      if (at === undefined || Number.isNaN(at)) continue;
      this.samples.push(now - at);
      this.received++;
    }
  }

  /** Resolves once `expected` deliveries arrived, or after `timeoutMs` (a shortfall is reported, not hidden). */
  async settle(expected: number, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.received < expected && performance.now() < deadline) await sleep(20);
  }
}

const WAVE = 100;

/**
 * Connects `count` websocket-only clients in waves (a thousand simultaneous
 * handshakes on two cores time out), each subscribed with `request`.
 */
export async function connectClients(url: string, count: number, request: object, recorder: LatencyRecorder): Promise<BenchClient[]> {
  const clients: BenchClient[] = [];
  for (let start = 0; start < count; start += WAVE) {
    const wave = Array.from({ length: Math.min(WAVE, count - start) }, () => {
      // forceNew: otherwise every io(url) shares one multiplexed connection.
      const socket: BenchClient = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 20_000 });
      socket.on('feed', (frame) => recorder.onFrame(frame));
      clients.push(socket);
      return socket;
    });
    await Promise.all(
      wave.map(async (socket) => {
        const ack = await socket.timeout(30_000).emitWithAck('subscribe', request);
        if (!ack.ok) throw new Error(`subscribe refused: ${ack.code} ${ack.message}`);
      }),
    );
  }
  return clients;
}

export function closeClients(clients: BenchClient[]): void {
  for (const socket of clients) socket.close();
}

/** Calls `send(i)` for i < count at `perSecond`, on an absolute schedule so slow sends do not stretch the run. */
export async function paced(count: number, perSecond: number, send: (i: number) => Promise<void> | void): Promise<void> {
  const interval = 1000 / perSecond;
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const wait = t0 + i * interval - performance.now();
    if (wait > 0) await sleep(wait);
    await send(i);
  }
}

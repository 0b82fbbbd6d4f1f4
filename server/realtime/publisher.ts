import { setTimeout as sleep } from 'node:timers/promises';
import type { AppIo, AppSocket } from './io';
import type { Database } from '../../db/client';
import { countFeedRange, feedBounds, readFeedAfter, readFeedRange, type FeedRow } from '../../db/queries/feed';
import { AppError, isConnectionError } from '../errors';
import { Budget } from '../services/budget';
import type { Logger } from '../logger';
import { LAYERS, type Layer } from '../protocol/vocab';
import { PROTOCOL_VERSION, type FeedEvent, type FeedFrame, type SubscribeRequest, type SubscribeResult } from '../protocol/wire';

export interface PublisherOptions {
  /** Frames are coalesced over this window after a wake-up (ms). */
  frameMs: number;
  /** Safety-net poll for rows written by other processes (ms). */
  pollMs: number;
  /** Rows read per pass. */
  batch: number;
  /** A replay longer than this becomes a resync. */
  maxReplay: number;
  /** Events per replay frame: a replay is read and sent in chunks of this size. */
  replayChunk: number;
  /** Replay reads in flight at once on this node (each holds a pool connection). */
  replayReads: number;
  /**
   * Bytes a socket may have queued and unsent (engine.io write buffer + WebSocket
   * send buffer). A client that stops reading is cut off past this; it replays or
   * resyncs when it comes back.
   */
  maxSocketBuffer: number;
}

const DEFAULTS: PublisherOptions = {
  frameMs: 100,
  pollMs: 1000,
  batch: 5000,
  maxReplay: 10_000,
  replayChunk: 1000,
  replayReads: 2,
  maxSocketBuffer: 4 * 1024 * 1024,
};
/** Replay chunks kept for sharing between replays of the same range. */
const CHUNK_CACHE_ENTRIES = 16;
/** A socket may stay over the buffer cap this long before it is cut (ms)… */
const OVER_CAP_GRACE_MS = 2_000;
/** …and never go over this many times the cap. */
const HARD_CAP_FACTOR = 4;
/** How long a replay waits for a socket to drain before it cuts the socket off (ms). */
const DRAIN_WAIT_MS = 2_000;
const ROOM_PREFIX = 'sub:';
const WHOLE_CITY = '*';

interface Subscription {
  area: string | null;
  layers: Layer[];
}

/** Room for one subscription shape: `sub:<area|*>:<layers in canonical order>`. */
export function roomOf(sub: Subscription): string {
  const layers = LAYERS.filter((l) => sub.layers.includes(l)).join(',');
  return `${ROOM_PREFIX}${sub.area ?? WHOLE_CITY}:${layers}`;
}

function parseRoom(room: string): Subscription | null {
  if (!room.startsWith(ROOM_PREFIX)) return null;
  const [area, layers] = room.slice(ROOM_PREFIX.length).split(':');
  if (!area || !layers) return null;
  return { area: area === WHOLE_CITY ? null : area, layers: layers.split(',') as Layer[] };
}

/** A stored feed row is already the wire event (one shape, one set of names: db/records.ts). */
export function toFeedEvent(row: FeedRow): FeedEvent {
  return row;
}

/**
 * Reads committed feed rows past `head` and emits them, one frame per room per
 * pass, to this process's sockets only (every process runs its own publisher over
 * the shared feed).
 *
 * Replays run *outside* the publishing lock, in chunks of `replayChunk` events read
 * against a snapshot of the head (rows at or below the head are committed and never
 * change). Only the last step — the replay has caught up with the current head,
 * join the room — takes the lock, so it is atomic with publishing: the replay covers
 * exactly (since, head] and live frames start at head + 1. Live delivery to everyone
 * else never waits for a replay, and no client sees a gap, a duplicate or an event
 * out of order.
 */
export class FeedPublisher {
  private readonly options: PublisherOptions;
  private head = 0;
  private lock: Promise<unknown> = Promise.resolve();
  private frameTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private lastPassAt = 0;
  /** The latest subscribe of each socket; an older one still replaying stops at its next chunk. */
  private readonly epochs = new WeakMap<AppSocket, number>();
  private readonly replayReads: Budget;
  private readonly replayDutyCycle: boolean;
  private readonly chunks = new Map<string, Promise<{ events: FeedEvent[]; upTo: number }>>();
  /** When each socket was first seen over the buffer cap (and has not come back under since). */
  private readonly overSince = new WeakMap<AppSocket, number>();
  /** Frames emitted since start (for health and benchmarks). */
  framesSent = 0;
  /** Sockets cut off because they stopped reading (for health, tests and benchmarks). */
  slowConsumersCut = 0;
  /** Largest unsent buffer seen on any socket when checked (bytes). */
  maxBufferSeen = 0;

  constructor(
    private readonly database: Database,
    private readonly io: AppIo,
    private readonly log: Logger,
    options: Partial<PublisherOptions> = {},
  ) {
    // PGlite runs in this thread: a 1,000-row read blocks the event loop for 100+ ms,
    // so replays there go in smaller chunks, interleaving more often with live work.
    // There is one connection, too: one replay read at a time, and each read is followed
    // by an equal pause (below), so replays take at most half of the database's time
    // and intake and live publishing always get their turn.
    const pglite = database.kind === 'pglite';
    this.options = { ...DEFAULTS, replayChunk: pglite ? 250 : DEFAULTS.replayChunk, replayReads: pglite ? 1 : DEFAULTS.replayReads, ...options };
    this.replayDutyCycle = pglite;
    this.replayReads = new Budget('replay', this.options.replayReads, 100_000);
  }

  get feedHead(): number {
    return this.head;
  }

  async start(): Promise<void> {
    this.head = (await feedBounds(this.database)).head;
    this.pollTimer = setInterval(() => {
      this.wake();
      this.sweep();
      void this.exclusive(() => this.checkRewind()).catch((error: unknown) => this.log.warn({ err: error }, 'feed rewind check failed'));
    }, this.options.pollMs);
    // Pruning the feed is a timer of the cluster, not of each node: the scheduler's leader does it.
    this.pollTimer.unref();
  }

  /**
   * Called after a commit. Throttled, not debounced: a wake-up after a quiet spell
   * publishes at once (a lone event is not held back a whole window), and wake-ups
   * during a burst coalesce into at most one pass per frame window.
   */
  wake(): void {
    if (this.stopped || this.frameTimer) return;
    const wait = Math.max(0, this.lastPassAt + this.options.frameMs - Date.now());
    this.frameTimer = setTimeout(() => {
      this.frameTimer = null;
      this.lastPassAt = Date.now();
      void this.exclusive(() => this.publish()).catch((error: unknown) => {
        // While the database is away the poll keeps trying; the head only moves on success.
        if (isConnectionError(error)) this.log.warn({ err: error }, 'publish failed: database unavailable');
        else this.log.error({ err: error }, 'publish failed');
      });
    }, wait);
  }

  /** Publishes whatever is committed now; resolves once it is emitted (tests, shutdown). */
  flush(): Promise<void> {
    return this.exclusive(() => this.publish());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of [this.frameTimer, this.pollTimer]) if (timer) clearTimeout(timer);
    await this.flush().catch((error: unknown) => this.log.warn({ err: error }, 'final flush failed'));
  }

  async subscribe(socket: AppSocket, request: SubscribeRequest): Promise<SubscribeResult> {
    const epoch = (this.epochs.get(socket) ?? 0) + 1;
    this.epochs.set(socket, epoch);
    const sub: Subscription = { area: request.area ?? null, layers: request.layers };
    const result = (mode: SubscribeResult['mode'], head: number, replayed = 0): SubscribeResult => ({
      mode,
      head,
      replayed,
      area: sub.area,
    });
    // Step 1 (locked, no I/O): leave the old rooms; live when there is no gap.
    const start = await this.exclusive(async () => {
      for (const room of socket.rooms) if (room.startsWith(ROOM_PREFIX)) await socket.leave(room);
      if (request.since === null || request.since === this.head) {
        await socket.join(roomOf(sub));
        return result('live', this.head);
      }
      return request.since > this.head ? result('resync', this.head) : null;
    });
    if (start) return start;
    // Outside the lock: nothing here may hold up live publishing, not even a short query.
    const { tail } = await feedBounds(this.database);
    if (tail !== null && request.since! < tail - 1) return result('resync', this.head);
    // A gap longer than a replay may be is a resync, decided before any frame is sent.
    // Counting (no payloads) is cheap, and only needed when the seq span is long.
    if (this.head - request.since! > this.options.maxReplay) {
      const selected = await this.replayReads.run(() =>
        countFeedRange(this.database, { after: request.since!, upTo: this.head, layers: sub.layers, area: sub.area, cap: this.options.maxReplay + 1 }),
      );
      if (selected > this.options.maxReplay) return result('resync', this.head);
    }

    // Step 2 (unlocked): replay in chunks, each up to the head of its moment, until caught up.
    let cursor = request.since!;
    let frameFrom = cursor;
    let replayed = 0;
    for (;;) {
      this.assertCurrent(socket, epoch);
      if (cursor >= this.head) {
        // Step 3 (locked, no I/O): nothing new since the last chunk → join; otherwise read on.
        const joined = await this.exclusive(async () => {
          this.assertCurrent(socket, epoch);
          if (cursor < this.head) return false;
          await socket.join(roomOf(sub));
          return true;
        });
        if (joined) return result('replay', cursor, replayed);
        continue;
      }
      const chunk = await this.readChunk(cursor, sub);
      this.assertCurrent(socket, epoch);
      const events = chunk.events;
      const to = events.length < this.options.replayChunk ? chunk.upTo : events.at(-1)!.seq;
      replayed += events.length;
      if (replayed > this.options.maxReplay) return result('resync', this.head);
      if (events.length > 0) {
        const frame: FeedFrame = { v: PROTOCOL_VERSION, from: frameFrom, to, replay: true, events };
        socket.emit('feed', frame);
        frameFrom = to;
        await this.waitForDrain(socket);
      }
      cursor = to;
    }
  }

  /**
   * The next chunk of a replay after `after`, read up to the head of the moment and
   * shared by every replay that reaches the same seq: rows at or below a head never
   * change, so a chunk read once serves every later reader (a full chunk is the same
   * whatever the head; a partial one covers (after, upTo] and the reader reads on
   * from upTo). A reconnect storm — every wall back after a restart from about the
   * same seq — then costs one read per chunk, not one per client. Few entries, oldest
   * dropped first: memory stays bounded.
   */
  private readChunk(after: number, sub: Subscription): Promise<{ events: FeedEvent[]; upTo: number }> {
    const layers = LAYERS.filter((l) => sub.layers.includes(l));
    const key = `${after}:${sub.area ?? WHOLE_CITY}:${layers.join(',')}`;
    let chunk = this.chunks.get(key);
    if (!chunk) {
      const upTo = this.head;
      chunk = this.replayReads.run(async () => {
        const started = performance.now();
        const rows = await readFeedRange(this.database, { after, upTo, layers, area: sub.area, limit: this.options.replayChunk });
        // Hold the replay slot idle as long as the read took: live work runs meanwhile.
        if (this.replayDutyCycle) await sleep(performance.now() - started);
        return { events: rows.map(toFeedEvent), upTo };
      });
      chunk.catch(() => this.chunks.delete(key));
      this.chunks.set(key, chunk);
      if (this.chunks.size > CHUNK_CACHE_ENTRIES) this.chunks.delete(this.chunks.keys().next().value!);
    }
    return chunk;
  }

  /** Stops a replay whose socket has gone or has sent a newer subscribe. */
  private assertCurrent(socket: AppSocket, epoch: number): void {
    if (socket.disconnected) throw new AppError('CONFLICT', 'socket disconnected during replay');
    if (this.epochs.get(socket) !== epoch) throw new AppError('CONFLICT', 'superseded by a newer subscribe');
  }

  /**
   * Back-pressure for replays: past half the buffer cap, wait for the socket to
   * drain before the next chunk; a socket that does not drain in time, or is over
   * the cap, is cut off.
   */
  private async waitForDrain(socket: AppSocket): Promise<void> {
    if (this.cutIfOverflowing(socket)) throw new AppError('CONFLICT', 'socket cut off: not reading');
    if (bufferedBytes(socket) <= this.options.maxSocketBuffer / 2) return;
    const drained = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(false), DRAIN_WAIT_MS);
      const done = (ok: boolean) => {
        clearTimeout(timer);
        socket.conn.off('drain', onDrain);
        socket.off('disconnect', onGone);
        resolve(ok);
      };
      const onDrain = () => {
        if (bufferedBytes(socket) <= this.options.maxSocketBuffer / 2) done(true);
      };
      const onGone = () => done(false);
      socket.conn.on('drain', onDrain);
      socket.once('disconnect', onGone);
    });
    if (!drained) {
      this.cut(socket, bufferedBytes(socket));
      throw new AppError('CONFLICT', 'socket cut off: not reading');
    }
  }

  /**
   * Cuts a socket that is not keeping up; true when it did. Over the cap for longer
   * than OVER_CAP_GRACE_MS (a reader on a slow link catches up within that), or over
   * HARD_CAP_FACTOR × the cap at any moment: per-socket memory never exceeds that
   * plus one frame.
   */
  private cutIfOverflowing(socket: AppSocket): boolean {
    const buffered = bufferedBytes(socket);
    if (buffered > this.maxBufferSeen) this.maxBufferSeen = buffered;
    if (buffered <= this.options.maxSocketBuffer) {
      this.overSince.delete(socket);
      return false;
    }
    const now = Date.now();
    const since = this.overSince.get(socket);
    if (since === undefined) this.overSince.set(socket, now);
    if (buffered > this.options.maxSocketBuffer * HARD_CAP_FACTOR || (since !== undefined && now - since > OVER_CAP_GRACE_MS)) {
      this.cut(socket, buffered);
      return true;
    }
    return false;
  }

  /**
   * Drops the connection and its buffers at once (a polite close would wait for the
   * buffer to drain, which a non-reading client never does). The client's socket.io
   * sees a transport close, reconnects, and subscribes from its last seq: it replays
   * what it missed, or resyncs from the snapshot when the gap is too long.
   */
  private cut(socket: AppSocket, buffered: number): void {
    if (socket.disconnected) return;
    this.slowConsumersCut++;
    this.log.warn({ socket: socket.id, buffered, cap: this.options.maxSocketBuffer }, 'slow consumer: socket cut off (reason: outgoing buffer over cap)');
    const conn = socket.conn as unknown as { close(discard?: boolean): void; transport?: { socket?: { terminate?: () => void } } };
    conn.transport?.socket?.terminate?.();
    conn.close(true);
  }

  /**
   * A feed whose newest seq is below our head was reset or restored from a backup
   * under a running server. Adopt its head and tell every client to reload its
   * snapshot: their seqs belong to the old feed.
   */
  private async checkRewind(): Promise<void> {
    const { head } = await feedBounds(this.database);
    if (head >= this.head) return;
    this.log.warn({ was: this.head, now: head }, 'feed went backwards: clients resync');
    this.head = head;
    this.chunks.clear(); // cached replay chunks belong to the old feed
    this.io.local.emit('resync', { v: PROTOCOL_VERSION, reason: 'feed-reset', head });
  }

  private async publish(): Promise<void> {
    for (;;) {
      const rows = await readFeedAfter(this.database, this.head, this.options.batch);
      if (rows.length === 0) return;
      const from = this.head;
      const to = rows.at(-1)!.seq;
      this.emitFrames(rows, from, to);
      this.head = to;
      if (rows.length < this.options.batch) return;
    }
  }

  private emitFrames(rows: FeedRow[], from: number, to: number): void {
    const events = rows.map(toFeedEvent);
    // Index once by area code so each room takes its share without scanning every event.
    const byArea = new Map<string, FeedEvent[]>();
    for (const event of events) {
      for (const code of event.areaCodes) {
        let list = byArea.get(code);
        if (!list) byArea.set(code, (list = []));
        list.push(event);
      }
    }
    for (const room of this.io.of('/').adapter.rooms.keys()) {
      const sub = parseRoom(room);
      if (!sub) continue;
      const candidates = sub.area === null ? events : (byArea.get(sub.area) ?? []);
      const selected = candidates.filter((e) => sub.layers.includes(e.layer));
      if (selected.length === 0) continue;
      const frame: FeedFrame = { v: PROTOCOL_VERSION, from, to, replay: false, events: selected };
      this.io.local.to(room).emit('feed', frame);
      this.framesSent++;
    }
    // Memory stays bounded: any socket that has stopped reading is cut off here.
    for (const socket of this.io.of('/').sockets.values()) this.cutIfOverflowing(socket);
  }

  /** Between publish passes too: a quiet feed must not keep a stalled socket's buffers alive. */
  private sweep(): void {
    for (const socket of this.io.of('/').sockets.values()) this.cutIfOverflowing(socket);
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work, work);
    this.lock = run.catch(() => undefined);
    return run;
  }
}

/** Bytes queued for a socket and not yet handed to the kernel: engine.io's buffer plus the WebSocket's. */
export function bufferedBytes(socket: AppSocket): number {
  const conn = socket.conn as unknown as {
    writeBuffer?: Array<{ data?: unknown }>;
    transport?: { socket?: { bufferedAmount?: number } };
  };
  let bytes = 0;
  for (const packet of conn.writeBuffer ?? []) {
    const data = packet.data;
    if (typeof data === 'string') bytes += data.length;
    else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) bytes += data.byteLength;
  }
  const ws = conn.transport?.socket?.bufferedAmount;
  return bytes + (typeof ws === 'number' ? ws : 0);
}

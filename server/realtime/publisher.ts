import type { Server, Socket } from 'socket.io';
import type { Database } from '../../db/client';
import { feedBounds, pruneFeed, readFeedAfter, readFeedRange, type FeedRow } from '../../db/queries/feed';
import { AppError } from '../errors';
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
  retentionHours: number;
}

const DEFAULTS: PublisherOptions = { frameMs: 100, pollMs: 1000, batch: 5000, maxReplay: 10_000, retentionHours: 72 };
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

export function toFeedEvent(row: FeedRow): FeedEvent {
  return { seq: row.seq, at: row.at, topic: row.topic, layer: row.layer, areas: row.area_codes, data: row.payload } as FeedEvent;
}

/**
 * Reads committed feed rows past `head` and emits them, one frame per room per
 * pass, to this process's sockets only (every process runs its own publisher over
 * the shared feed). Publishing and subscribing run under one lock: a subscriber's
 * replay covers exactly (since, head] and live frames start at head + 1, so no
 * client ever sees a gap, a duplicate or an event out of order.
 */
export class FeedPublisher {
  private readonly options: PublisherOptions;
  private head = 0;
  private lock: Promise<unknown> = Promise.resolve();
  private frameTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private lastPassAt = 0;
  /** Frames emitted since start (for health and benchmarks). */
  framesSent = 0;

  constructor(
    private readonly database: Database,
    private readonly io: Server,
    private readonly log: Logger,
    options: Partial<PublisherOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  get feedHead(): number {
    return this.head;
  }

  async start(): Promise<void> {
    this.head = (await feedBounds(this.database)).head;
    this.pollTimer = setInterval(() => {
      this.wake();
      void this.exclusive(() => this.checkRewind()).catch((error: unknown) => this.log.warn({ err: error }, 'feed rewind check failed'));
    }, this.options.pollMs);
    this.pruneTimer = setInterval(() => void this.prune(), 15 * 60_000);
    this.pollTimer.unref();
    this.pruneTimer.unref();
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
      void this.exclusive(() => this.publish()).catch((error: unknown) => this.log.error({ err: error }, 'publish failed'));
    }, wait);
  }

  /** Publishes whatever is committed now; resolves once it is emitted (tests, shutdown). */
  flush(): Promise<void> {
    return this.exclusive(() => this.publish());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of [this.frameTimer, this.pollTimer, this.pruneTimer]) if (timer) clearTimeout(timer);
    await this.flush().catch((error: unknown) => this.log.warn({ err: error }, 'final flush failed'));
  }

  async subscribe(socket: Socket, request: SubscribeRequest): Promise<SubscribeResult> {
    return this.exclusive(async () => {
      const sub: Subscription = { area: request.area ?? null, layers: request.layers };
      for (const room of socket.rooms) if (room.startsWith(ROOM_PREFIX)) await socket.leave(room);
      const result = (mode: SubscribeResult['mode'], replayed = 0): SubscribeResult => ({
        mode,
        head: this.head,
        replayed,
        area: sub.area,
      });
      if (request.since !== null) {
        const { tail } = await feedBounds(this.database);
        const tooOld = request.since > this.head || (tail !== null && request.since < tail - 1);
        if (tooOld) return result('resync');
        if (request.since < this.head) {
          const rows = await readFeedRange(this.database, {
            after: request.since,
            upTo: this.head,
            layers: sub.layers,
            area: sub.area,
            limit: this.options.maxReplay + 1,
          });
          if (rows.length > this.options.maxReplay) return result('resync');
          if (rows.length > 0) {
            const frame: FeedFrame = { v: PROTOCOL_VERSION, from: request.since, to: this.head, replay: true, events: rows.map(toFeedEvent) };
            socket.emit('feed', frame);
          }
          await socket.join(roomOf(sub));
          return result('replay', rows.length);
        }
      }
      await socket.join(roomOf(sub));
      return result('live');
    });
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
      for (const code of event.areas) {
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
  }

  private async prune(): Promise<void> {
    try {
      const removed = await pruneFeed(this.database, this.options.retentionHours);
      if (removed > 0) this.log.info({ removed }, 'feed pruned');
    } catch (error) {
      this.log.warn({ err: error }, 'feed prune failed');
    }
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work, work);
    this.lock = run.catch(() => undefined);
    return run;
  }
}

export function assertKnownArea(known: boolean, code: string): void {
  if (!known) throw new AppError('UNKNOWN_AREA', `unknown area code ${code}`);
}

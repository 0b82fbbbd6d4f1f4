import { attemptDelivery, isDue, retryNow, sendOrder, type CaseLike, type OutboxApi, type OutboxItem } from './outbox';

/** Where the queue lives (IndexedDB in the browser, a Map in tests). */
export interface OutboxStorage {
  list(login: string): Promise<OutboxItem[]>;
  put(item: OutboxItem): Promise<void>;
  remove(login: string, id: string): Promise<void>;
}

/** What the worker's screen learns about one item. */
export type OutboxOutcome =
  | { kind: 'delivered'; item: OutboxItem; case: CaseLike }
  | { kind: 'queued'; item: OutboxItem }
  | { kind: 'failed'; item: OutboxItem };

export interface RunnerOptions {
  now?: () => number;
  random?: () => number;
  /** Runs `work` holding a lock shared by every tab of this worker (navigator.locks); default: none. */
  lock?: <T>(work: () => Promise<T>) => Promise<T>;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

/**
 * Sends the queue, oldest first, one item at a time, and keeps it in storage until
 * each item is delivered or refused. A flush stops at the first item that gets no
 * answer (the network is down: the rest would fail too) and comes back when its
 * backoff is up, when `kick` is called (a new item, the browser's `online` event) or
 * when `kick(true)` forces every pending item due now. Flushes never overlap: a kick
 * during one runs another right after it.
 */
export class OutboxRunner {
  private items: OutboxItem[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly outcomeListeners = new Set<(outcome: OutboxOutcome) => void>();
  private running: Promise<void> | null = null;
  private again = false;
  private force = false;
  private timer: unknown = null;
  private stopped = false;
  /** The item being sent right now (shown as "sending"). */
  sending: string | null = null;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly lock: <T>(work: () => Promise<T>) => Promise<T>;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;

  constructor(
    private readonly storage: OutboxStorage,
    private readonly api: OutboxApi,
    readonly login: string,
    options: RunnerOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.lock = options.lock ?? ((work) => work());
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  }

  /** The queue as last read, in send order. */
  getItems = (): OutboxItem[] => this.items;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  onOutcome(listener: (outcome: OutboxOutcome) => void): () => void {
    this.outcomeListeners.add(listener);
    return () => this.outcomeListeners.delete(listener);
  }

  async load(): Promise<void> {
    this.publish(await this.storage.list(this.login));
  }

  /** Stores the item (nothing is lost from here on) and starts sending. */
  async enqueue(item: OutboxItem): Promise<void> {
    await this.storage.put(item);
    this.publish([...this.items.filter((i) => i.id !== item.id), item]);
    this.kick();
  }

  /**
   * Enqueues and waits for the first answer about this item: delivered, refused, or
   * still queued (no network). The caller tells the worker which.
   */
  async submit(item: OutboxItem): Promise<OutboxOutcome> {
    const outcome = new Promise<OutboxOutcome>((resolve) => {
      const off = this.onOutcome((o) => {
        if (o.item.id !== item.id) return;
        off();
        resolve(o);
      });
    });
    await this.enqueue(item);
    return outcome;
  }

  /** A refused item goes back in the queue (the worker fixed what was wrong, or wants another try). */
  async retry(id: string): Promise<void> {
    const item = this.items.find((i) => i.id === id);
    if (!item) return;
    const again = retryNow(item, this.now());
    await this.storage.put(again);
    this.publish(this.items.map((i) => (i.id === id ? again : i)));
    this.kick(true);
  }

  /** Drops a refused item for good (pending ones are on their way and cannot be recalled). */
  async discard(id: string): Promise<void> {
    const item = this.items.find((i) => i.id === id);
    if (!item || item.state !== 'failed') return;
    await this.storage.remove(this.login, id);
    this.publish(this.items.filter((i) => i.id !== id));
  }

  /** Asks for a flush; `force` sends pending items now, ignoring their backoff (the network is back). */
  kick(force = false): void {
    if (this.stopped) return;
    if (force) this.force = true;
    this.again = true;
    this.running ??= this.runLoop();
  }

  /** Resolves when no flush is running (tests, and the page before it reports "all sent"). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Sending resumes (after `stop`); the page calls it when it mounts. */
  start(): void {
    this.stopped = false;
    this.kick(true);
  }

  /** No more sending or timers until `start`; the queue stays in storage. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }

  // --- the loop ------------------------------------------------------------------------

  private async runLoop(): Promise<void> {
    // Always asynchronous, so `running` is set before the loop can end; between the last
    // check of `again` and clearing `running` nothing awaits, so no kick is lost.
    await Promise.resolve();
    try {
      while (this.again && !this.stopped) {
        this.again = false;
        const force = this.force;
        this.force = false;
        try {
          await this.lock(() => this.flushOnce(force));
        } catch {
          // Storage failed (private mode quota, the database was deleted): try again on the next kick or timer.
          this.schedule(this.now() + 5_000);
        }
      }
    } finally {
      this.running = null;
    }
  }

  private async flushOnce(force: boolean): Promise<void> {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    // Another tab may have sent or added items: start from what storage holds.
    let items = await this.storage.list(this.login);
    if (force) items = items.map((i) => (i.state === 'pending' ? { ...i, nextAttemptAt: Math.min(i.nextAttemptAt, this.now()) } : i));
    this.publish(items);
    const order = sendOrder(items);
    for (const [index, queued] of order.entries()) {
      if (this.stopped) return;
      let item = queued;
      // Re-based or re-dated items go again at once; anything else ends this item's turn.
      while (isDue(item, this.now())) {
        this.sending = item.id;
        this.emit();
        const delivery = await attemptDelivery(item, this.api, (saved) => this.save(saved), { now: this.now, random: this.random });
        this.sending = null;
        if (delivery.kind === 'delivered') {
          await this.storage.remove(this.login, item.id);
          this.publish(this.items.filter((i) => i.id !== item.id));
          this.notify({ kind: 'delivered', item: delivery.item, case: delivery.case });
          break;
        }
        item = delivery.item;
        await this.save(item);
        if (delivery.kind === 'failed') {
          this.notify({ kind: 'failed', item });
          break;
        }
        if (item.nextAttemptAt > this.now()) {
          // No answer, or "later" (the network is down, the server busy, the session over): the rest waits too.
          for (const waiting of [item, ...order.slice(index + 1).filter((i) => i.state === 'pending')]) this.notify({ kind: 'queued', item: waiting });
          this.scheduleNext();
          return;
        }
      }
    }
    this.scheduleNext();
  }

  private async save(item: OutboxItem): Promise<void> {
    await this.storage.put(item);
    this.publish(this.items.some((i) => i.id === item.id) ? this.items.map((i) => (i.id === item.id ? item : i)) : [...this.items, item]);
  }

  private scheduleNext(): void {
    const next = this.items.filter((i) => i.state === 'pending').reduce((min, i) => Math.min(min, i.nextAttemptAt), Infinity);
    if (Number.isFinite(next)) this.schedule(next);
  }

  private schedule(at: number): void {
    if (this.stopped) return;
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = this.setTimer(
      () => {
        this.timer = null;
        this.kick();
      },
      Math.max(0, at - this.now()),
    );
  }

  private publish(items: OutboxItem[]): void {
    this.items = sendOrder(items);
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }

  private notify(outcome: OutboxOutcome): void {
    for (const listener of [...this.outcomeListeners]) listener(outcome);
  }
}

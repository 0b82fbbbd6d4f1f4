import { AppError } from '../errors';

/**
 * A counting semaphore with a bounded queue: at most `slots` pieces of one kind of
 * expensive work (alert geometry, snapshots, replays) hold database connections at
 * once, so they cannot take the whole pool from intake. A full queue is refused at
 * once with 503 + Retry-After instead of piling up memory and latency.
 */
export class Budget {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly name: string,
    private readonly slots: number,
    private readonly maxQueue: number,
  ) {}

  get inUse(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.slots) {
      if (this.waiting.length >= this.maxQueue) {
        throw new AppError('UNAVAILABLE', `too many ${this.name} requests in progress; retry shortly`, { reason: 'busy', budget: this.name }, 1);
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `active` stays counted.
      if (next) next();
      else this.active--;
    }
  }
}

/**
 * Budgets per kind of work. The PostgreSQL pool has POOL_SIZE connections; alerts,
 * snapshots, replays and socket handshakes together may hold at most 2 + 2 + 2 + 2 of them, leaving the rest
 * for intake and the publisher. On PGlite there is one connection and every statement
 * is serialised anyway: the budgets there bound queue length and memory, and the
 * statement timeout bounds how long one request may hold the connection.
 */
export interface Budgets {
  alerts: Budget;
  snapshots: Budget;
  replays: Budget;
  /** Socket handshakes look up their credential: a reconnect storm must not take the pool from intake. */
  handshakes: Budget;
}

export function createBudgets(): Budgets {
  return {
    alerts: new Budget('alert', 2, 16),
    snapshots: new Budget('snapshot', 2, 16),
    replays: new Budget('replay', 2, 10_000),
    handshakes: new Budget('handshake', 2, 10_000),
  };
}

import { setTimeout as sleep } from 'node:timers/promises';
import { isConnectionError, isTransactionConflict } from '../errors';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Delay before the second attempt (ms); doubles each time, with jitter. */
  baseMs: number;
  /** Give up once this much time has passed since the first attempt (ms). */
  budgetMs: number;
}

/**
 * Idempotent intake (ON CONFLICT on the natural key) may simply run again when
 * PostgreSQL rolled it back (deadlock, serialization failure) or the connection
 * dropped under it: if the first attempt did commit, the second finds the rows and
 * reports them as duplicates. Anything else is not retried. Bounded in count and
 * time, so a real outage still ends in 503 quickly.
 */
export const INTAKE_RETRY: RetryPolicy = { attempts: 5, baseMs: 50, budgetMs: 4_000 };

export async function withRetry<T>(work: () => Promise<T>, policy: RetryPolicy = INTAKE_RETRY): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const retryable = isTransactionConflict(error) || isConnectionError(error);
      const delay = policy.baseMs * 2 ** (attempt - 1) * (0.5 + Math.random());
      if (!retryable || attempt >= policy.attempts || Date.now() - started + delay > policy.budgetMs) throw error;
      await sleep(delay);
    }
  }
}

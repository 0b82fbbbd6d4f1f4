import { z } from 'zod';
import type { Database } from '../../db/client';
import { readSnapshot, type SnapshotCursor } from '../../db/queries/snapshot';
import type { Scope } from '../../db/scope';
import { AppError } from '../errors';
import type { Snapshot } from '../protocol/rest';
import type { Layer } from '../protocol/vocab';
import type { Budget } from './budget';
import { withRetry } from './retry';

/** The wall's appeal window (hours): its heat layer, and the density rows it is fed. */
export const DEFAULT_APPEAL_WINDOW_HOURS = 24;

/** Cases per list and page: the wall's own limit, so one page is the whole default view. */
export const SNAPSHOT_MAX_LIMIT = 20_000;

const pageKey = z.tuple([z.number().finite(), z.number().int().positive()]).nullable();
const cursorSchema = z.object({ incidents: pageKey, appeals: pageKey }).strict();

export function encodeCursor(cursor: SnapshotCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeCursor(text: string): SnapshotCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const result = cursorSchema.safeParse(parsed);
  if (!result.success) throw new AppError('BAD_QUERY', 'cursor is not one this server handed out', [{ path: 'cursor', message: 'unreadable cursor' }]);
  return result.data;
}

/**
 * Snapshots are the heaviest anonymous read: each is bounded in rows (paged past
 * SNAPSHOT_MAX_LIMIT), in time (statement timeout) and in concurrency (a budget of
 * pool connections, queue bounded → 503 + Retry-After), and retried when the
 * connection drops under it (a read is always safe to repeat).
 */
export class SnapshotService {
  constructor(
    private readonly database: Database,
    private readonly budget: Budget,
    private readonly statementTimeoutMs: number,
    /** The shared screens' appeal window (hours): the density rows of snapshots, as the density job counts them. */
    private readonly densityHours: number = DEFAULT_APPEAL_WINDOW_HOURS,
  ) {}

  async read(
    scope: Scope,
    query: { layers: readonly Layer[]; appealCounts: 'exact' | 'k-suppressed'; appealHours: number; limit: number; cursor?: string },
  ): Promise<Snapshot> {
    const cursor = query.cursor ? decodeCursor(query.cursor) : null;
    const limit = Math.min(query.limit, SNAPSHOT_MAX_LIMIT);
    const snapshot = await this.budget.run(() =>
      withRetry(() => readSnapshot(this.database, scope, { ...query, densityHours: this.densityHours, limit, cursor, statementTimeoutMs: this.statementTimeoutMs })),
    );
    return { ...snapshot, next: snapshot.next ? encodeCursor(snapshot.next) : null };
  }
}

import type { Database } from '../../db/client';
import { alertsOfShift, casesWithEventInShift, overdueNow, shiftCounts, type HandoverAlert, type HandoverCase, type Shift, type ShiftCounts } from '../../db/queries/handover';
import { findIndicatorAreas, readOpenNow } from '../../db/queries/indicators';
import { limitStatementTime } from '../../db/queries/session';
import type { Scope } from '../../db/scope';
import { AppError } from '../errors';
import type { AreaRef } from './indicators';
import { withRetry } from './retry';

/** Longest shift a handover report covers, and the most cases or alerts it lists per section. */
export const MAX_SHIFT_HOURS = 72;
export const HANDOVER_LIST_LIMIT = 200;

/** GET /api/handover: one printable page (交接班报告). */
export interface Handover {
  area: AreaRef & { path: string[] };
  shift: { from: string; to: string };
  generatedAt: string;
  /** Lifecycle steps during the shift, the alerts of the shift, and what stands open now. */
  summary: ShiftCounts & { alerts: number; openNow: number; overdueNow: number; warningNow: number };
  /** Each list is newest (or most overdue) first, at most HANDOVER_LIST_LIMIT long; `total` is the full count. */
  received: { total: number; cases: HandoverCase[] };
  closed: { total: number; cases: HandoverCase[] };
  overdue: { total: number; cases: HandoverCase[] };
  alerts: { total: number; alerts: HandoverAlert[] };
}

export async function readHandover(database: Database, scope: Scope, shift: Shift, options: { statementTimeoutMs: number }): Promise<Handover> {
  return withRetry(() =>
    database.transaction(
      async (tx) => {
        await limitStatementTime(tx, options.statementTimeoutMs);
        const found = await findIndicatorAreas(tx, scope);
        if (!found) throw new AppError('NOT_FOUND', `no area ${scope.code}`, { path: 'area' });
        const { code, name, nameEn, level, path } = found.area;
        const counts = await shiftCounts(tx, scope, shift);
        const open = await readOpenNow(tx, code);
        const received = await casesWithEventInShift(tx, scope, shift, 'reported', HANDOVER_LIST_LIMIT);
        const closed = await casesWithEventInShift(tx, scope, shift, 'close', HANDOVER_LIST_LIMIT);
        const overdue = await overdueNow(tx, scope, HANDOVER_LIST_LIMIT);
        const alerts = await alertsOfShift(tx, scope, shift, HANDOVER_LIST_LIMIT);
        return {
          area: { code, name, nameEn, level, path },
          shift: { from: shift.from.toISOString(), to: shift.to.toISOString() },
          generatedAt: new Date().toISOString(),
          summary: { ...counts, alerts: alerts.total, openNow: open.open, overdueNow: open.overdue, warningNow: open.warning },
          received,
          closed,
          overdue,
          alerts,
        };
      },
      // One snapshot: the lists and the counts agree with each other.
      { isolation: 'repeatable read' },
    ),
  );
}

import type { Database, Runner } from '../../db/client';
import { appendFeed, type NewFeedRow } from '../../db/queries/feed';
import {
  applyEscalations,
  applyRecompute,
  claimDueEscalations,
  claimRecompute,
  clearStaleEscalations,
  findDueWork,
  markSlaState,
  scheduleMissingEscalations,
  type RecomputeScope,
  type RecomputeWrite,
  type SweptCase,
} from '../../db/queries/sla-sweeps';
import { layerOfKind, type SlaState } from '../../db/vocab';
import { escalate, slaColumns, type StageClock, type WorkingCalendar } from '../domain/sla';

export interface SweepOptions {
  /** Cases per transaction. */
  batch: number;
  /** Transactions per sweep per tick at most; what is left waits for the next tick. */
  maxBatches: number;
  /** Checked between batches: a shutdown does not wait for a long catch-up (the rest is done at the next start). */
  stopping?: () => boolean;
}

const RANK: Record<SlaState, number> = { normal: 0, warning: 1, overdue: 2 };

/**
 * The SLA sweeps, each a loop of bounded transactions: claim a batch, change it,
 * write its case_events rows, and its feed rows last (appendFeed), then wake the
 * publisher once the batch has committed. Everything is derived from the instants in
 * the rows, so a sweep after downtime catches up exactly what was missed.
 */
export class SlaSweeper {
  constructor(
    private readonly database: Database,
    private readonly calendar: () => WorkingCalendar,
    private readonly onCommit: () => void,
    private readonly options: SweepOptions,
  ) {}

  /** Which of the state and escalation sweeps have anything to do now (one cheap read). */
  dueWork(now: number) {
    return findDueWork(this.database, new Date(now));
  }

  /** normal/warning → overdue for every running case past its deadline; schedules the first escalation. */
  overdue(now: number): Promise<number> {
    return this.loop(async (tx) => {
      const cases = await markSlaState(tx, 'overdue', new Date(now), this.options.batch);
      return { claimed: cases.length, feed: cases.map((c) => updatedRow(c, 'sla_overdue')) };
    });
  }

  /** normal → warning for every running case with ≤ the warning share of its stage left. */
  warning(now: number): Promise<number> {
    return this.loop(async (tx) => {
      const cases = await markSlaState(tx, 'warning', new Date(now), this.options.batch);
      return { claimed: cases.length, feed: cases.map((c) => updatedRow(c, 'sla_warning')) };
    });
  }

  /** Up a level for each overdue case whose escalation is due (several at once when catching up downtime). */
  escalations(now: number): Promise<number> {
    return this.loop(async (tx) => {
      const claimed = await claimDueEscalations(tx, new Date(now), this.options.batch);
      const calendar = this.calendar();
      const steps = claimed.map((c) => ({
        id: c.id,
        fromLevel: c.level,
        ...escalate({ level: c.level, areaCodes: c.areaCodes, dueAt: c.escalationDueAt, clock: c.clock as StageClock, case: c }, now, calendar),
      }));
      const escalated = await applyEscalations(tx, steps.map((s) => ({ id: s.id, fromLevel: s.fromLevel, level: s.level, to: s.to, nextAt: s.nextAt })));
      return {
        claimed: claimed.length,
        feed: escalated.map(({ areaCodes, ...payload }) => ({ topic: 'case.escalated', layer: layerOfKind(payload.kind), areaCodes, payload }) satisfies NewFeedRow),
      };
    });
  }

  /**
   * Recomputes the SLA columns of running cases from their clocks on the current
   * calendar: `missing` deadlines (migration 0003 backfills clocks only), or after an
   * import, every case flagged beyond the calendar or due on or after the changed year.
   * A state is only ever lowered here (a deadline that moved later); raising it is left
   * to the overdue and warning sweeps, so those transitions always get their events.
   */
  recompute(which: RecomputeScope, now: number): Promise<number> {
    let afterId = 0;
    return this.loop(async (tx) => {
      const claimed = await claimRecompute(tx, which, afterId, this.options.batch);
      afterId = claimed.at(-1)?.id ?? afterId;
      const calendar = this.calendar();
      const writes: RecomputeWrite[] = [];
      for (const c of claimed) {
        const cols = slaColumns(c.clock as StageClock, c, calendar, now);
        if (cols.slaDueAt === null) continue; // a paused clock on a case that is not suspended: nothing to derive
        const state = RANK[cols.slaState] < RANK[c.state] ? cols.slaState : c.state;
        const dueAt = cols.slaDueAt.toISOString();
        const warnAt = cols.slaWarnAt?.toISOString() ?? null;
        if (dueAt === c.dueAt && warnAt === c.warnAt && state === c.state && cols.slaBeyondCalendar === c.beyondCalendar) continue;
        writes.push({ id: c.id, dueAt, warnAt, state, beyondCalendar: cols.slaBeyondCalendar, previousDueAt: c.dueAt });
      }
      const changed = await applyRecompute(tx, writes);
      return { claimed: claimed.length, feed: changed.map((c) => updatedRow(c, 'sla_recomputed')) };
    });
  }

  /** Drops escalations that no longer apply and schedules missing ones (no events: nothing visible changes). */
  async tidyEscalations(): Promise<{ cleared: number; scheduled: number }> {
    const cleared = await this.database.transaction((tx) => clearStaleEscalations(tx));
    let scheduled = 0;
    for (let i = 0; i < this.options.maxBatches; i++) {
      const n = await this.database.transaction((tx) => scheduleMissingEscalations(tx, this.options.batch));
      scheduled += n;
      if (n < this.options.batch || this.options.stopping?.()) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { cleared, scheduled };
  }

  /**
   * Runs batches until one comes back short; returns how many cases changed. Between
   * batches it yields, so intake and publishing interleave with a long catch-up (on
   * PGlite every statement runs in this thread).
   */
  private async loop(step: (tx: Runner) => Promise<{ claimed: number; feed: NewFeedRow[] }>): Promise<number> {
    let changed = 0;
    for (let i = 0; i < this.options.maxBatches; i++) {
      const result = await this.database.transaction(async (tx) => {
        const r = await step(tx);
        await appendFeed(tx, r.feed);
        return r;
      });
      if (result.feed.length > 0) this.onCommit();
      changed += result.feed.length;
      if (result.claimed < this.options.batch || this.options.stopping?.()) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return changed;
  }
}

function updatedRow({ areaCodes, ...payload }: SweptCase, action: string): NewFeedRow {
  return { topic: 'case.updated', layer: layerOfKind(payload.kind), areaCodes, payload: { ...payload, action } };
}

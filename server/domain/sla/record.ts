import type { CaseStatus, SlaState } from '../../../db/vocab';
import type { WorkingCalendar } from './calendar';
import { slaView, stageInstants, type StageClock } from './clock';
import { SLA_RULES, stageLimit, type CaseForLimits } from './limits';

/**
 * The SLA columns of a case row (db/schema/cases.ts), derived from its stage clock:
 * what intake, commands and the scheduler write, so one rule computes them all.
 * A finished case (no clock) has none; a suspended one has no deadline.
 */
export interface SlaColumns {
  slaClock: StageClock | null;
  slaStage: StageClock['stage'] | null;
  slaDueAt: Date | null;
  slaWarnAt: Date | null;
  slaState: SlaState;
  slaBeyondCalendar: boolean;
}

export function slaColumns(clock: StageClock | null, c: CaseForLimits, calendar: WorkingCalendar, now: number): SlaColumns {
  if (!clock) return { slaClock: null, slaStage: null, slaDueAt: null, slaWarnAt: null, slaState: 'normal', slaBeyondCalendar: false };
  const limit = stageLimit(clock.stage, c);
  const instants = stageInstants(clock, limit, calendar, SLA_RULES.warningShare);
  const view = slaView(clock, limit, now, calendar, SLA_RULES.warningShare);
  return {
    slaClock: clock,
    slaStage: clock.stage,
    slaDueAt: instants.dueAt,
    slaWarnAt: instants.warnAt,
    slaState: view.state,
    slaBeyondCalendar: instants.beyondCalendar || view.beyondCalendar,
  };
}

/** A new case's clock: the 立案 stage, running from the report. */
export function reportedClock(reportedAt: number): StageClock {
  return { stage: 'register', startedAt: reportedAt, pauses: [], extensions: [] };
}

/** Statuses in which the clock is paused and the scheduler leaves the case alone. */
export const PAUSED_STATUSES: ReadonlySet<CaseStatus> = new Set(['suspended']);

import type { WorkingCalendar } from './calendar';
import type { SlaStage, SlaState } from '../../../db/vocab';
import { isClockLimit, limitLengthMs, type TimeLimit } from './time-limit';
import { addWorkingMs, workingTimeBetween } from './working-time';

/**
 * One stage's SLA clock as the state machine records it: when the stage started,
 * the suspensions (挂账) inside it and the extensions (延期) granted to it. Plain
 * epoch-ms numbers so it serialises as it is (a jsonb column later).
 */
export interface StageClock {
  stage: SlaStage;
  startedAt: number;
  /** Suspensions in order; `to` is null while suspended. */
  pauses: Array<{ from: number; to: number | null }>;
  extensions: TimeLimit[];
}

export { SLA_STATES, type SlaState } from '../../../db/vocab';

export interface SlaView {
  stage: SlaStage;
  /** Limit plus extensions, in the stage's measure (wall ms for clock-hour limits, working ms otherwise). */
  budgetMs: number;
  /** Counted time so far: suspended time is not counted. */
  elapsedMs: number;
  remainingMs: number;
  /** Null while suspended: the deadline is not known until the case resumes. */
  deadline: Date | null;
  paused: boolean;
  state: SlaState;
  /** Some of the arithmetic ran past the calendar's last year: weekends only, to be flagged. */
  beyondCalendar: boolean;
}

interface Measure {
  between(a: number, b: number): { ms: number; beyondCalendar: boolean };
  add(start: number, amount: number): { at: number; beyondCalendar: boolean };
}

const wallMeasure: Measure = {
  between: (a, b) => ({ ms: b - a, beyondCalendar: false }),
  add: (start, amount) => ({ at: start + amount, beyondCalendar: false }),
};

function measureOf(limit: TimeLimit, calendar: WorkingCalendar): Measure {
  if (isClockLimit(limit)) return wallMeasure;
  return {
    between: (a, b) => workingTimeBetween(a, b, calendar),
    add: (start, amount) => addWorkingMs(start, amount, calendar),
  };
}

/**
 * Where a stage stands at `now`: remaining time, deadline, normal → warning
 * (≤ warningShare of the budget left) → overdue (past the deadline).
 */
export function slaView(clock: StageClock, limit: TimeLimit, now: number, calendar: WorkingCalendar, warningShare = 0.2): SlaView {
  const measure = measureOf(limit, calendar);
  const budgetMs = clock.extensions.reduce((sum, e) => sum + limitLengthMs(e, calendar.workingDayMs), limitLengthMs(limit, calendar.workingDayMs));
  let beyondCalendar = false;
  const count = (a: number, b: number) => {
    if (b <= a) return 0;
    const r = measure.between(a, b);
    beyondCalendar ||= r.beyondCalendar;
    return r.ms;
  };

  // Counted time: running segments between pauses, up to now.
  let elapsedMs = 0;
  let cursor = clock.startedAt;
  let paused = false;
  for (const p of clock.pauses) {
    elapsedMs += count(cursor, Math.min(p.from, now));
    if (p.to === null || p.to > now) {
      paused = p.from <= now;
      cursor = Number.POSITIVE_INFINITY;
      break;
    }
    cursor = Math.max(cursor, p.to);
  }
  if (cursor < now) elapsedMs += count(cursor, now);

  const reached = instantOf(clock, budgetMs, measure);
  beyondCalendar ||= reached.beyondCalendar;
  const deadline = reached.at;

  const remainingMs = budgetMs - elapsedMs;
  const overdue = deadline !== null ? now > deadline : remainingMs <= 0;
  const state: SlaState = overdue ? 'overdue' : remainingMs <= warningShare * budgetMs ? 'warning' : 'normal';
  return { stage: clock.stage, budgetMs, elapsedMs, remainingMs, deadline: deadline === null ? null : new Date(deadline), paused, state, beyondCalendar };
}

/**
 * The instant the clock's counted time reaches `amountMs` (walking the running
 * segments between pauses); null when a pause that is still open comes first.
 */
function instantOf(clock: StageClock, amountMs: number, measure: Measure): { at: number | null; beyondCalendar: boolean } {
  let beyondCalendar = false;
  let left = amountMs;
  let cursor = clock.startedAt;
  for (const p of clock.pauses) {
    const available = p.from > cursor ? measure.between(cursor, p.from) : { ms: 0, beyondCalendar: false };
    beyondCalendar ||= available.beyondCalendar;
    if (available.ms >= left) break;
    left -= available.ms;
    if (p.to === null) return { at: null, beyondCalendar };
    cursor = Math.max(cursor, p.to);
  }
  const r = measure.add(cursor, left);
  return { at: r.at, beyondCalendar: beyondCalendar || r.beyondCalendar };
}

/** When a running stage turns `warning` and when it is due: what the scheduler sweeps on. */
export interface StageInstants {
  warnAt: Date | null;
  dueAt: Date | null;
  beyondCalendar: boolean;
}

/** The warning and deadline instants of a stage clock (null while suspended). */
export function stageInstants(clock: StageClock, limit: TimeLimit, calendar: WorkingCalendar, warningShare = 0.2): StageInstants {
  const measure = measureOf(limit, calendar);
  const budgetMs = clock.extensions.reduce((sum, e) => sum + limitLengthMs(e, calendar.workingDayMs), limitLengthMs(limit, calendar.workingDayMs));
  const due = instantOf(clock, budgetMs, measure);
  const warn = instantOf(clock, budgetMs * (1 - warningShare), measure);
  return {
    warnAt: warn.at === null ? null : new Date(warn.at),
    dueAt: due.at === null ? null : new Date(due.at),
    beyondCalendar: due.beyondCalendar || warn.beyondCalendar,
  };
}

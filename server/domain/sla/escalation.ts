import type { WorkingCalendar } from './calendar';
import type { StageClock } from './clock';
import { stageLimit, type CaseForLimits } from './limits';
import { isClockLimit, limitLengthMs } from './time-limit';
import { addWorkingMs } from './working-time';

/**
 * Escalation of an overdue case (督办升级), as pure rules the scheduler applies.
 *
 * A case is answerable at the deepest area of its path (`areaCodes`, root first: its
 * grid, or its community … where there are no grids). Level n means it has been
 * escalated n levels above that: to `areaCodes[len - 1 - n]`, never past the root.
 *
 * When: the first escalation is due the moment the stage goes overdue (its deadline);
 * each next one a further stage budget later (the stage's limit plus its approved
 * extensions, in the stage's own measure: working time on the calendar, or clock
 * hours for round-the-clock limits), chained from the instant the previous one was
 * due, not from when it ran, so the levels do not drift with the tick. A scheduler
 * catching up after downtime puts the case straight at the level it would have
 * reached by now (one event), not one event per missed level. At the root there is
 * no next one.
 * A case that lies at the root itself (outside every area) is never escalated.
 */
export function maxEscalationLevel(areaCodes: readonly string[]): number {
  return Math.max(0, areaCodes.length - 1);
}

/** The area code answerable at escalation `level` (0: the case's own area). */
export function escalationTarget(areaCodes: readonly string[], level: number): string {
  if (areaCodes.length === 0) throw new RangeError('a case has at least its root area code');
  return areaCodes[Math.max(0, areaCodes.length - 1 - level)]!;
}

/** One stage budget after `from`, in the stage's measure. */
export function budgetAfter(from: number, clock: StageClock, c: CaseForLimits, calendar: WorkingCalendar): { at: number; beyondCalendar: boolean } {
  const limit = stageLimit(clock.stage, c);
  const budgetMs = clock.extensions.reduce((sum, e) => sum + limitLengthMs(e, calendar.workingDayMs), limitLengthMs(limit, calendar.workingDayMs));
  if (isClockLimit(limit)) return { at: from + budgetMs, beyondCalendar: false };
  return addWorkingMs(from, budgetMs, calendar);
}

export interface EscalationStep {
  /** The new level. */
  level: number;
  /** Area code now answerable. */
  to: string;
  /** When the next escalation is due; null once the root is reached. */
  nextAt: number | null;
}

/**
 * The escalation that fell due at `dueAt` for a case now at `level`, and every later
 * one already due by `now` (a scheduler catching up after downtime lands the case at
 * the level it would have reached, in one step, rather than replaying each level).
 */
export function escalate(
  current: { level: number; areaCodes: readonly string[]; dueAt: number; clock: StageClock; case: CaseForLimits },
  now: number,
  calendar: WorkingCalendar,
): EscalationStep {
  const max = maxEscalationLevel(current.areaCodes);
  if (current.level >= max) throw new RangeError(`case is already escalated to the root (level ${current.level})`);
  let level = current.level;
  let dueAt = current.dueAt;
  let nextAt: number | null;
  do {
    level++;
    nextAt = level >= max ? null : budgetAfter(dueAt, current.clock, current.case, calendar).at;
    if (nextAt !== null) dueAt = nextAt;
  } while (nextAt !== null && nextAt <= now);
  return { level, to: escalationTarget(current.areaCodes, level), nextAt };
}

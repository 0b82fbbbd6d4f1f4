import { dayKind, DAY_MS, type WorkingCalendar } from './calendar';
import { HOUR_MS, limitLengthMs, type TimeLimit } from './time-limit';

/**
 * Working-time arithmetic on a calendar. Instants are epoch ms (or Dates);
 * working time is counted only inside office spans on working days. Every
 * answer says whether it relied on days the calendar does not cover
 * (beyondCalendar: computed with weekends only, to be flagged on the case).
 */
export interface Deadline {
  at: Date;
  beyondCalendar: boolean;
}

export interface Span {
  ms: number;
  beyondCalendar: boolean;
}

const ms = (t: Date | number) => (typeof t === 'number' ? t : t.getTime());

/** The instant at which `amountMs` of working time has passed since `start`. */
export function addWorkingMs(start: Date | number, amountMs: number, calendar: WorkingCalendar): { at: number; beyondCalendar: boolean } {
  const t0 = ms(start);
  if (!Number.isFinite(t0) || !Number.isFinite(amountMs) || amountMs < 0) throw new RangeError('addWorkingMs: a finite start and a non-negative amount');
  if (amountMs === 0) return { at: t0, beyondCalendar: false };
  const local = t0 + calendar.utcOffsetMs;
  let day = Math.floor(local / DAY_MS);
  let into = local - day * DAY_MS;
  let remaining = amountMs;
  let beyondCalendar = false;
  // Terminates: at least five of every seven uncovered days are working, and spans are non-empty.
  for (;;) {
    const kind = dayKind(calendar, day);
    if (!kind.covered) beyondCalendar = true;
    if (kind.working) {
      for (const [from, to] of calendar.spans) {
        const a = from > into ? from : into;
        if (a >= to) continue;
        const available = to - a;
        if (available >= remaining) return { at: day * DAY_MS - calendar.utcOffsetMs + a + remaining, beyondCalendar };
        remaining -= available;
      }
    }
    day++;
    into = 0;
  }
}

/** Deadline = start + a time limit: clock hours on the wall clock, working hours/days on the calendar. */
export function addWorkingTime(start: Date | number, limit: TimeLimit, calendar: WorkingCalendar): Deadline {
  if ('hours' in limit) return { at: new Date(ms(start) + limit.hours * HOUR_MS), beyondCalendar: false };
  const r = addWorkingMs(start, limitLengthMs(limit, calendar.workingDayMs), calendar);
  return { at: new Date(r.at), beyondCalendar: r.beyondCalendar };
}

/** Working ms between two instants; negative when b is before a. */
export function workingTimeBetween(a: Date | number, b: Date | number, calendar: WorkingCalendar): Span {
  const ta = ms(a);
  const tb = ms(b);
  if (tb < ta) {
    const r = workingTimeBetween(tb, ta, calendar);
    return { ms: -r.ms, beyondCalendar: r.beyondCalendar };
  }
  const la = ta + calendar.utcOffsetMs;
  const lb = tb + calendar.utcOffsetMs;
  const firstDay = Math.floor(la / DAY_MS);
  const lastDay = Math.floor(lb / DAY_MS);
  let total = 0;
  let beyondCalendar = false;
  for (let day = firstDay; day <= lastDay; day++) {
    const kind = dayKind(calendar, day);
    if (!kind.covered) beyondCalendar = true;
    if (!kind.working) continue;
    const base = day * DAY_MS;
    for (const [from, to] of calendar.spans) {
      const s = Math.max(base + from, la);
      const e = Math.min(base + to, lb);
      if (e > s) total += e - s;
    }
  }
  return { ms: total, beyondCalendar };
}

/** Working time left until a deadline (negative once past it). */
export function remainingWorkingTime(now: Date | number, deadline: Date | number, calendar: WorkingCalendar): Span {
  return workingTimeBetween(now, deadline, calendar);
}

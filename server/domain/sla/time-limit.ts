import { z } from 'zod';

/**
 * A time limit is exactly one of: clock hours (round the clock, for emergencies),
 * working hours (工作时) or working days (工作日). One working day is the length of
 * the calendar's office day (7 h with the default 08:30–12:00 + 14:00–17:30), so a
 * case reported at 10:00 with one working day is due at 10:00 on the next working day.
 */
export const timeLimitSchema = z.union([
  z.strictObject({ hours: z.number().positive().max(24 * 366) }),
  z.strictObject({ workHours: z.number().positive().max(8 * 366) }),
  z.strictObject({ workDays: z.number().positive().max(366) }),
]);
export type TimeLimit = z.infer<typeof timeLimitSchema>;

export const HOUR_MS = 3_600_000;

/** True when the limit runs on the wall clock rather than on office hours. */
export function isClockLimit(limit: TimeLimit): limit is { hours: number } {
  return 'hours' in limit;
}

/** The limit's length in ms of its own measure (wall time for `hours`, working time otherwise). */
export function limitLengthMs(limit: TimeLimit, workingDayMs: number): number {
  if ('hours' in limit) return limit.hours * HOUR_MS;
  if ('workHours' in limit) return limit.workHours * HOUR_MS;
  return limit.workDays * workingDayMs;
}

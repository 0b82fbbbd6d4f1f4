import { z } from 'zod';

/**
 * The working calendar as a value: which dates are off (statutory holidays,
 * including the weekend days inside a holiday block) and which weekend dates are
 * worked (调休 make-up days), per covered year, plus office hours. Everything
 * outside the covered years falls back to "Monday–Friday" and is flagged by the
 * arithmetic (beyondCalendar), never silently trusted.
 */
export interface CalendarYear {
  year: number;
  /** Off days, YYYY-MM-DD (local dates). */
  holidays: string[];
  /** Weekend days that are worked (调休), YYYY-MM-DD. */
  workdays: string[];
}

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM');
export const officeHoursSchema = z
  .array(z.tuple([hhmm, hhmm]))
  .min(1)
  .superRefine((spans, ctx) => {
    let last = -1;
    for (const [i, [from, to]] of spans.entries()) {
      const a = minutes(from);
      const b = minutes(to);
      if (b <= a) ctx.addIssue({ code: 'custom', path: [i], message: `office span ${from}–${to} ends before it starts` });
      if (a < last) ctx.addIssue({ code: 'custom', path: [i], message: `office span ${from}–${to} overlaps or is out of order` });
      last = b;
    }
  });
export type OfficeHours = z.infer<typeof officeHoursSchema>;

export const DEFAULT_OFFICE_HOURS: OfficeHours = [
  ['08:30', '12:00'],
  ['14:00', '17:30'],
];
/** Asia/Shanghai: UTC+8 all year (China has had no DST since 1991). */
export const CHINA_UTC_OFFSET_MINUTES = 480;

export interface CalendarOptions {
  officeHours?: OfficeHours;
  utcOffsetMinutes?: number;
}

export interface WorkingCalendar {
  readonly firstYear: number;
  /** The last year with announced holidays; deadlines beyond it are flagged. */
  readonly lastYear: number;
  readonly utcOffsetMs: number;
  /** Office spans as [from, to) ms after local midnight. */
  readonly spans: ReadonlyArray<readonly [number, number]>;
  /** Working ms in one office day: the length of a working day (工作日). */
  readonly workingDayMs: number;
  /** Local day index (days since 1970-01-01 local) of the first covered day. */
  readonly firstDay: number;
  /** Per covered day from firstDay: 0 = not covered (a gap year), 1 = off, 2 = working. */
  readonly days: Uint8Array;
}

export const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

function minutes(text: string): number {
  const [h, m] = text.split(':').map(Number);
  return h! * 60 + m!;
}

/** Local day index of a YYYY-MM-DD date. */
export function dayIndexOf(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** 0 = Sunday … 6 = Saturday, for a local day index (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function buildCalendar(years: readonly CalendarYear[], options: CalendarOptions = {}): WorkingCalendar {
  if (years.length === 0) throw new Error('a working calendar needs at least one year of data');
  const officeHours = officeHoursSchema.parse(options.officeHours ?? DEFAULT_OFFICE_HOURS);
  const spans = officeHours.map(([a, b]) => [minutes(a) * MINUTE_MS, minutes(b) * MINUTE_MS] as const);
  const sorted = [...years].sort((a, b) => a.year - b.year);
  const firstYear = sorted[0]!.year;
  const lastYear = sorted.at(-1)!.year;
  const firstDay = dayIndexOf(`${firstYear}-01-01`);
  const days = new Uint8Array(dayIndexOf(`${lastYear + 1}-01-01`) - firstDay);
  for (const y of sorted) {
    const from = dayIndexOf(`${y.year}-01-01`);
    const to = dayIndexOf(`${y.year + 1}-01-01`);
    for (let d = from; d < to; d++) days[d - firstDay] = weekdayOf(d) === 0 || weekdayOf(d) === 6 ? 1 : 2;
    const mark = (date: string, value: 1 | 2) => {
      const d = dayIndexOf(date);
      if (!(d >= from && d < to)) throw new Error(`calendar ${y.year}: ${date} is not a date of that year`);
      days[d - firstDay] = value;
    };
    for (const h of y.holidays) mark(h, 1);
    for (const w of y.workdays) mark(w, 2);
  }
  return {
    firstYear,
    lastYear,
    utcOffsetMs: (options.utcOffsetMinutes ?? CHINA_UTC_OFFSET_MINUTES) * MINUTE_MS,
    spans,
    workingDayMs: spans.reduce((sum, [a, b]) => sum + (b - a), 0),
    firstDay,
    days,
  };
}

/** Whether a local day is worked, and whether the calendar data covers it. */
export function dayKind(calendar: WorkingCalendar, day: number): { working: boolean; covered: boolean } {
  const i = day - calendar.firstDay;
  const v = i >= 0 && i < calendar.days.length ? calendar.days[i]! : 0;
  if (v === 0) {
    const w = weekdayOf(day);
    return { working: w !== 0 && w !== 6, covered: false };
  }
  return { working: v === 2, covered: true };
}

/**
 * How far the calendar reaches from `now`: for /api/health and the admin screen.
 * The reach is the run of covered days from today, so a later year imported over a
 * gap (2031 with 2027–2030 missing) does not hide that next year is missing.
 * `stale` once fewer than `warnDays` remain before it ends (the State Council
 * usually announces the next year in November).
 */
export function calendarHorizon(calendar: WorkingCalendar, now: Date | number, warnDays = 45): { lastYear: number; endsAt: Date; daysLeft: number; stale: boolean } {
  const t = typeof now === 'number' ? now : now.getTime();
  const today = Math.floor((t + calendar.utcOffsetMs) / DAY_MS);
  let i = today - calendar.firstDay;
  if (i < 0 || i >= calendar.days.length) i = calendar.days.length;
  else if (calendar.days[i] !== 0) while (i < calendar.days.length && calendar.days[i] !== 0) i++;
  else while (i > 0 && calendar.days[i - 1] === 0) i--; // today lies in a gap: the reach ended where it began
  const endDay = calendar.firstDay + i;
  const endsAt = new Date(endDay * DAY_MS - calendar.utcOffsetMs);
  const lastYear = new Date((endDay - 1) * DAY_MS).getUTCFullYear();
  const daysLeft = Math.floor((endsAt.getTime() - t) / DAY_MS);
  return { lastYear, endsAt, daysLeft, stale: daysLeft < warnDays };
}

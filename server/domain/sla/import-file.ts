import { z } from 'zod';
import type { CalendarYear } from './calendar';
import { dayIndexOf, weekdayOf } from './calendar';

/**
 * The file an admin imports when the State Council announces the next year
 * (`npm run calendar -- import <file>`, later): one year or a list of years,
 * e.g. { "year": 2027, "holidays": ["2027-01-01", …], "workdays": ["2027-02-06", …] }.
 * `holidays` are all off days of each holiday block (weekend days inside the
 * block may be listed or not); `workdays` are the weekend days that are worked.
 */
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

export const calendarYearSchema = z
  .strictObject({
    year: z.number().int().min(2000).max(2100),
    holidays: z.array(isoDate),
    workdays: z.array(isoDate),
  })
  .superRefine((y, ctx) => {
    const check = (list: 'holidays' | 'workdays') =>
      y[list].forEach((date, i) => {
        const t = Date.parse(`${date}T00:00:00Z`);
        if (!Number.isFinite(t) || new Date(t).toISOString().slice(0, 10) !== date) {
          ctx.addIssue({ code: 'custom', path: [list, i], message: `${date} is not a calendar date` });
        } else if (Number(date.slice(0, 4)) !== y.year) {
          ctx.addIssue({ code: 'custom', path: [list, i], message: `${date} is not in ${y.year}` });
        } else if (list === 'workdays' && weekdayOf(dayIndexOf(date)) % 6 !== 0) {
          ctx.addIssue({ code: 'custom', path: [list, i], message: `${date} is a weekday: only weekend days can be make-up working days` });
        }
      });
    check('holidays');
    check('workdays');
    const off = new Set(y.holidays);
    y.workdays.forEach((date, i) => {
      if (off.has(date)) ctx.addIssue({ code: 'custom', path: ['workdays', i], message: `${date} is listed both as a holiday and as a working day` });
    });
  });

export const calendarFileSchema = z.union([calendarYearSchema, z.array(calendarYearSchema).min(1)]).superRefine((v, ctx) => {
  const years = Array.isArray(v) ? v.map((y) => y.year) : [v.year];
  if (new Set(years).size !== years.length) ctx.addIssue({ code: 'custom', message: 'a year appears twice in the file' });
});

export type CalendarImport =
  | { ok: true; years: CalendarYear[] }
  | { ok: false; issues: Array<{ path: string; message: string }> };

/** Parse an import file's text; never throws on bad input. */
export function parseCalendarFile(text: string): CalendarImport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, issues: [{ path: '', message: `not JSON: ${(error as Error).message}` }] };
  }
  const r = calendarFileSchema.safeParse(json);
  if (!r.success) return { ok: false, issues: r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
  return { ok: true, years: Array.isArray(r.data) ? r.data : [r.data] };
}

/** Years from an import replace the same years of the base data (a corrected notice wins). */
export function mergeCalendarYears(base: readonly CalendarYear[], imported: readonly CalendarYear[]): CalendarYear[] {
  const byYear = new Map(base.map((y) => [y.year, y]));
  for (const y of imported) byYear.set(y.year, y);
  return [...byYear.values()].sort((a, b) => a.year - b.year);
}

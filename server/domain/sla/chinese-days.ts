import data from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import type { CalendarYear } from './calendar';

/**
 * China's announced holidays and 调休 make-up days from the `chinese-days`
 * package (State Council notices, 2004 through the last year it ships: 2026 in
 * 1.5.7). Its `holidays` map holds every off day of a holiday block (weekend days
 * included) and `workdays` the worked weekend days; ordinary weekends are implied.
 * Read as data (the package's JSON), not through its date API, so the calendar
 * stays a plain value that an admin import can extend.
 */
export function chineseDaysYears(): CalendarYear[] {
  const byYear = new Map<number, CalendarYear>();
  const yearOf = (date: string) => {
    const year = Number(date.slice(0, 4));
    let y = byYear.get(year);
    if (!y) byYear.set(year, (y = { year, holidays: [], workdays: [] }));
    return y;
  };
  for (const date of Object.keys(data.holidays)) yearOf(date).holidays.push(date);
  for (const date of Object.keys(data.workdays)) yearOf(date).workdays.push(date);
  return [...byYear.values()].sort((a, b) => a.year - b.year);
}

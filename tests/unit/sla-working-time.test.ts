import { describe, expect, it } from 'vitest';
import chineseDays from 'chinese-days';
import {
  addWorkingTime,
  buildCalendar,
  calendarHorizon,
  chineseDaysYears,
  mergeCalendarYears,
  parseCalendarFile,
  remainingWorkingTime,
  workingTimeBetween,
} from '../../server/domain/sla';

/** Beijing wall time → Date. */
const bj = (text: string) => new Date(`${text.replace(' ', 'T')}:00+08:00`);
const HOUR = 3_600_000;
const calendar = buildCalendar(chineseDaysYears());

describe('the calendar from chinese-days', () => {
  it('covers 2004 through 2026 and agrees with the package, day by day, for 2025–2026', () => {
    expect([calendar.firstYear, calendar.lastYear]).toEqual([2004, 2026]);
    // Any day the package calls a workday must take working time; any other day none.
    for (let t = Date.parse('2025-01-01T00:00:00+08:00'); t < Date.parse('2027-01-01T00:00:00+08:00'); t += 24 * HOUR) {
      const date = new Date(t + 8 * HOUR).toISOString().slice(0, 10);
      const worked = workingTimeBetween(t, t + 24 * HOUR, calendar).ms;
      expect(worked, date).toBe(chineseDays.isWorkday(date) ? 7 * HOUR : 0);
    }
  });
});

describe('calendarHorizon', () => {
  it('says when the calendar runs out, to warn before it does', () => {
    expect(calendarHorizon(calendar, bj('2026-06-30 12:00'))).toEqual({ lastYear: 2026, endsAt: bj('2027-01-01 00:00'), daysLeft: 184, stale: false });
    expect(calendarHorizon(calendar, bj('2026-11-30 12:00'))).toMatchObject({ daysLeft: 31, stale: true });
    expect(calendarHorizon(calendar, bj('2027-01-02 12:00'))).toMatchObject({ daysLeft: -2, stale: true });
  });
});

describe('addWorkingTime', () => {
  it('skips a weekend', () => {
    // Fri 6 Mar 2026 16:00: 1.5 h left that day, the other 0.5 h on Monday morning.
    expect(addWorkingTime(bj('2026-03-06 16:00'), { workHours: 2 }, calendar)).toEqual({ at: bj('2026-03-09 09:00'), beyondCalendar: false });
  });
  it('counts the make-up Saturday before the 2026 Spring Festival and skips 15–23 Feb', () => {
    // Fri 13 Feb 16:00 + 1 working day (7 h): 1.5 h Friday, 5.5 h on Sat 14 Feb (worked).
    expect(addWorkingTime(bj('2026-02-13 16:00'), { workDays: 1 }, calendar).at).toEqual(bj('2026-02-14 16:00'));
    // Sat 14 Feb 16:00 + 1 working day: 1.5 h Saturday, then nothing until Tue 24 Feb.
    expect(addWorkingTime(bj('2026-02-14 16:00'), { workDays: 1 }, calendar).at).toEqual(bj('2026-02-24 16:00'));
    // Fri 27 Feb 16:00 + 2 h: Sat 28 Feb is worked.
    expect(addWorkingTime(bj('2026-02-27 16:00'), { workHours: 2 }, calendar).at).toEqual(bj('2026-02-28 09:00'));
  });
  it('works Sun 20 Sep and Sat 10 Oct and skips 1–7 Oct 2026', () => {
    expect(addWorkingTime(bj('2026-09-18 16:00'), { workHours: 2 }, calendar).at).toEqual(bj('2026-09-20 09:00'));
    // Wed 30 Sep 10:00 + 3 working days (21 h): 5.5 h + (1–7 Oct off) 7 h Thu 8 + 7 h Fri 9 + 1.5 h Sat 10.
    expect(addWorkingTime(bj('2026-09-30 10:00'), { workDays: 3 }, calendar).at).toEqual(bj('2026-10-10 10:00'));
  });
  it('starts the clock next working morning for a report after hours, and does not count lunch', () => {
    expect(addWorkingTime(bj('2026-03-10 17:45'), { workHours: 1 }, calendar).at).toEqual(bj('2026-03-11 09:30'));
    expect(addWorkingTime(bj('2026-03-06 17:45'), { workHours: 1 }, calendar).at).toEqual(bj('2026-03-09 09:30'));
    expect(addWorkingTime(bj('2026-03-10 07:00'), { workHours: 1 }, calendar).at).toEqual(bj('2026-03-10 09:30'));
    expect(addWorkingTime(bj('2026-03-10 11:30'), { workHours: 1 }, calendar).at).toEqual(bj('2026-03-10 14:30'));
    expect(addWorkingTime(bj('2026-03-10 12:30'), { workHours: 1 }, calendar).at).toEqual(bj('2026-03-10 15:00'));
    // Exactly used up at the end of the morning: due at 12:00, not 14:00.
    expect(addWorkingTime(bj('2026-03-10 11:00'), { workHours: 1 }, calendar).at).toEqual(bj('2026-03-10 12:00'));
  });
  it('runs clock-hour limits round the clock', () => {
    expect(addWorkingTime(bj('2026-02-16 23:00'), { hours: 2 }, calendar)).toEqual({ at: bj('2026-02-17 01:00'), beyondCalendar: false });
  });
  it('flags a deadline past the last year with data, computed on weekends only', () => {
    // Thu 31 Dec 2026 10:00 + 2 working days: 5.5 h, then Fri 1 Jan 2027 is taken as a working day (unknown), 1.5 h on Mon 4 Jan.
    expect(addWorkingTime(bj('2026-12-31 10:00'), { workDays: 2 }, calendar)).toEqual({ at: bj('2027-01-04 10:00'), beyondCalendar: true });
    expect(addWorkingTime(bj('2026-12-30 10:00'), { workDays: 1 }, calendar).beyondCalendar).toBe(false);
  });
  it('uses an imported year once it is loaded, and is no longer flagged', () => {
    const file = JSON.stringify({ year: 2027, holidays: ['2027-01-01', '2027-01-02', '2027-01-03'], workdays: [] });
    const parsed = parseCalendarFile(file);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const extended = buildCalendar(mergeCalendarYears(chineseDaysYears(), parsed.years));
    expect(extended.lastYear).toBe(2027);
    expect(addWorkingTime(bj('2026-12-31 10:00'), { workDays: 2 }, extended)).toEqual({ at: bj('2027-01-05 10:00'), beyondCalendar: false });
  });
  it('honours configured office hours', () => {
    const longDay = buildCalendar(chineseDaysYears(), { officeHours: [['09:00', '18:00']] });
    expect(longDay.workingDayMs).toBe(9 * HOUR);
    expect(addWorkingTime(bj('2026-03-10 17:00'), { workHours: 2 }, longDay).at).toEqual(bj('2026-03-11 10:00'));
    expect(() => buildCalendar(chineseDaysYears(), { officeHours: [['14:00', '12:00']] })).toThrow(/ends before it starts/);
  });
});

describe('workingTimeBetween', () => {
  it('counts only office hours on working days', () => {
    expect(workingTimeBetween(bj('2026-03-10 11:00'), bj('2026-03-10 15:00'), calendar).ms).toBe(2 * HOUR);
    expect(workingTimeBetween(bj('2026-03-06 17:00'), bj('2026-03-09 09:00'), calendar).ms).toBe(HOUR);
    // 14–28 Feb 2026: Sat 14, Tue 24 – Fri 27, Sat 28 are worked: 6 days.
    expect(workingTimeBetween(bj('2026-02-14 00:00'), bj('2026-03-01 00:00'), calendar).ms).toBe(6 * 7 * HOUR);
    // 1–10 Oct 2026: Thu 8, Fri 9, Sat 10.
    expect(workingTimeBetween(bj('2026-10-01 00:00'), bj('2026-10-11 00:00'), calendar).ms).toBe(3 * 7 * HOUR);
  });
  it('is the inverse of addWorkingTime and negative backwards', () => {
    const start = bj('2026-02-12 10:17');
    const due = addWorkingTime(start, { workDays: 4 }, calendar).at;
    expect(workingTimeBetween(start, due, calendar).ms).toBe(28 * HOUR);
    expect(workingTimeBetween(due, start, calendar).ms).toBe(-28 * HOUR);
    // Thu 12 → Fri 13 → Sat 14 (worked) → Tue 24: three working days gone.
    expect(remainingWorkingTime(bj('2026-02-24 10:17'), due, calendar).ms).toBe(28 * HOUR - 3 * 7 * HOUR);
  });
  it('flags spans beyond the calendar', () => {
    expect(workingTimeBetween(bj('2026-12-31 09:00'), bj('2027-01-01 09:00'), calendar).beyondCalendar).toBe(true);
    expect(workingTimeBetween(bj('2026-12-30 09:00'), bj('2026-12-31 09:00'), calendar).beyondCalendar).toBe(false);
  });
});

describe('parseCalendarFile', () => {
  it('accepts one year or a list', () => {
    const one = parseCalendarFile('{"year":2027,"holidays":["2027-01-01"],"workdays":["2027-02-06"]}');
    expect(one).toEqual({ ok: true, years: [{ year: 2027, holidays: ['2027-01-01'], workdays: ['2027-02-06'] }] });
    const two = parseCalendarFile('[{"year":2027,"holidays":[],"workdays":[]},{"year":2028,"holidays":[],"workdays":[]}]');
    expect(two.ok && two.years.map((y) => y.year)).toEqual([2027, 2028]);
  });
  it('names every problem', () => {
    const bad = (text: string) => {
      const r = parseCalendarFile(text);
      if (r.ok) throw new Error(`accepted ${text}`);
      return r.issues.map((i) => `${i.path} ${i.message}`).join(' | ');
    };
    expect(bad('{"year":2027')).toMatch(/not JSON/);
    expect(bad('{"year":2027,"holidays":["2027-02-30"],"workdays":[]}')).toMatch(/holidays\.0 2027-02-30 is not a calendar date/);
    expect(bad('{"year":2027,"holidays":["2028-01-01"],"workdays":[]}')).toMatch(/not in 2027/);
    expect(bad('{"year":2027,"holidays":[],"workdays":["2027-02-08"]}')).toMatch(/workdays\.0 .*weekday/);
    expect(bad('{"year":2027,"holidays":["2027-02-06"],"workdays":["2027-02-06"]}')).toMatch(/both as a holiday and as a working day/);
    expect(bad('{"year":2027,"holidays":[],"workdays":[],"extra":1}')).toMatch(/extra/);
    expect(bad('[{"year":2027,"holidays":[],"workdays":[]},{"year":2027,"holidays":[],"workdays":[]}]')).toMatch(/appears twice/);
  });
});

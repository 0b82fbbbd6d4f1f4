import { describe, expect, it } from 'vitest';
import {
  budgetAfter,
  buildCalendar,
  calendarHorizon,
  chineseDaysYears,
  escalate,
  escalationTarget,
  maxEscalationLevel,
  slaColumns,
  type StageClock,
} from '../../server/domain/sla';

/** Beijing wall time → epoch ms. */
const bj = (text: string) => new Date(`${text.replace(' ', 'T')}:00+08:00`).getTime();
const calendar = buildCalendar(chineseDaysYears());
const PATH = ['520100', '520102', '520102001', '520102001001', '520102001001001'];
const incident = { kind: 'incident', category: '0102', severity: 'Moderate' } as const;
const clock = (over: Partial<StageClock> = {}): StageClock => ({ stage: 'register', startedAt: bj('2026-03-09 09:00'), pauses: [], extensions: [], ...over });

describe('escalation targets', () => {
  it('climbs one area per level from the case’s own area and stops at the root', () => {
    expect(maxEscalationLevel(PATH)).toBe(4);
    expect([0, 1, 2, 3, 4].map((level) => escalationTarget(PATH, level))).toEqual([...PATH].reverse());
    expect(escalationTarget(PATH, 9)).toBe('520100');
    // A case outside every area lies at the root already: it has nowhere to climb.
    expect(maxEscalationLevel(['520100'])).toBe(0);
  });
});

describe('escalate', () => {
  it('the first escalation is due at the deadline, each next one a stage budget later on the working calendar', () => {
    // 立案 1 working hour: overdue Mon 09:00 +1 h = 10:00; then 11:00, 12:00 → (lunch) 15:00.
    const due = bj('2026-03-09 10:00');
    const first = escalate({ level: 0, areaCodes: PATH, dueAt: due, clock: clock(), case: incident }, due, calendar);
    expect(first).toEqual({ level: 1, to: PATH[3], nextAt: bj('2026-03-09 11:00') });
    const second = escalate({ level: 1, areaCodes: PATH, dueAt: first.nextAt!, clock: clock(), case: incident }, first.nextAt!, calendar);
    expect(second).toEqual({ level: 2, to: PATH[2], nextAt: bj('2026-03-09 12:00') });
    const third = escalate({ level: 2, areaCodes: PATH, dueAt: second.nextAt!, clock: clock(), case: incident }, second.nextAt! + 1, calendar);
    expect(third).toEqual({ level: 3, to: PATH[1], nextAt: bj('2026-03-09 15:00') });
    const last = escalate({ level: 3, areaCodes: PATH, dueAt: third.nextAt!, clock: clock(), case: incident }, third.nextAt!, calendar);
    expect(last).toEqual({ level: 4, to: PATH[0], nextAt: null });
    expect(() => escalate({ level: 4, areaCodes: PATH, dueAt: due, clock: clock(), case: incident }, due, calendar)).toThrow(/root/);
  });

  it('after downtime lands at the level due by now, in one step', () => {
    const due = bj('2026-03-09 10:00');
    const at = (now: string, level = 0) => escalate({ level, areaCodes: PATH, dueAt: due, clock: clock(), case: incident }, bj(now), calendar);
    expect(at('2026-03-09 11:30')).toEqual({ level: 2, to: PATH[2], nextAt: bj('2026-03-09 12:00') });
    expect(at('2026-03-09 14:59')).toEqual({ level: 3, to: PATH[1], nextAt: bj('2026-03-09 15:00') });
    expect(at('2026-04-09 10:00')).toEqual({ level: 4, to: PATH[0], nextAt: null });
  });

  it('waits out the Spring Festival between levels of a working-day stage', () => {
    // 处置 of category 0102 (sla: its own limit) with an extension: the gap between levels is the whole budget.
    const handle = clock({ stage: 'handle', startedAt: bj('2026-02-10 09:00'), extensions: [{ workDays: 1 }] });
    const step = budgetAfter(bj('2026-02-13 16:00'), handle, { ...incident, category: '0104' }, calendar);
    // 0104: 5 working hours + 1 working day = 12 h: 1.5 h Fri 13, 7 h Sat 14 (worked), then Tue 24 Feb 08:30 + 3.5 h.
    expect(step).toEqual({ at: bj('2026-02-24 12:00'), beyondCalendar: false });
  });

  it('runs round the clock for clock-hour limits (an Extreme case is escalated every 2 h, nights and holidays too)', () => {
    const extreme = { ...incident, severity: 'Extreme' } as const;
    const step = budgetAfter(bj('2026-10-01 23:00'), clock({ stage: 'handle' }), extreme, calendar);
    expect(step).toEqual({ at: bj('2026-10-02 01:00'), beyondCalendar: false });
  });
});

describe('slaColumns (what the scheduler sweeps on)', () => {
  it('sets the warning at 80 % and the deadline across a weekend', () => {
    // Fri 6 Mar 16:45 + 1 working hour: 45 min on Friday, 15 min on Monday morning; the warning after 48 min.
    const cols = slaColumns(clock({ startedAt: bj('2026-03-06 16:45') }), incident, calendar, bj('2026-03-06 16:45'));
    expect(cols).toMatchObject({ slaStage: 'register', slaDueAt: new Date(bj('2026-03-09 08:45')), slaState: 'normal', slaBeyondCalendar: false });
    expect(cols.slaWarnAt).toEqual(new Date(bj('2026-03-09 08:33')));
  });

  it('counts the worked Saturdays around the 2026 Spring Festival', () => {
    // 5 working days (35 h) from Fri 13 Feb 10:00: 5.5 h Fri, 7 h Sat 14, 15–23 off, 7 h each Tue 24–Thu 26, 1.5 h Fri 27.
    const cols = slaColumns(clock({ stage: 'handle', startedAt: bj('2026-02-13 10:00') }), { kind: 'appeal', category: 'TS', severity: 'Moderate' }, calendar, bj('2026-02-13 10:00'));
    expect(cols.slaDueAt).toEqual(new Date(bj('2026-02-27 10:00')));
  });

  it('counts Sun 20 Sep and Sat 10 Oct 2026 and skips National Day', () => {
    // 5 working days from Fri 18 Sep 14:00: 3.5 h Fri 18, 7 h Sun 20, Mon 21 … Wed 30 (8 days), so it is due before the holiday.
    const cols = slaColumns(clock({ stage: 'handle', startedAt: bj('2026-09-18 14:00') }), { kind: 'appeal', category: 'TS', severity: 'Moderate' }, calendar, bj('2026-09-18 14:00'));
    // 35 h: 3.5 Fri 18 + 7 Sun 20 + 7 Mon 21 + 7 Tue 22 + 7 Wed 23 = 31.5, 3.5 h on Thu 24 → 12:00.
    expect(cols.slaDueAt).toEqual(new Date(bj('2026-09-24 12:00')));
    const late = slaColumns(clock({ stage: 'handle', startedAt: bj('2026-09-29 14:00') }), { kind: 'appeal', category: 'TS', severity: 'Moderate' }, calendar, bj('2026-09-29 14:00'));
    // 3.5 Tue 29 + 7 Wed 30, 1–7 Oct off, 7 Thu 8 + 7 Fri 9 + 7 Sat 10 = 31.5, 3.5 h on Mon 12 → 12:00.
    expect(late.slaDueAt).toEqual(new Date(bj('2026-10-12 12:00')));
  });

  it('has no deadline while suspended, and a later one after the suspension and after an extension', () => {
    const running = slaColumns(clock(), incident, calendar, bj('2026-03-09 09:10'));
    expect(running.slaDueAt).toEqual(new Date(bj('2026-03-09 10:00')));
    const suspended = slaColumns(clock({ pauses: [{ from: bj('2026-03-09 09:30'), to: null }] }), incident, calendar, bj('2026-03-10 09:00'));
    expect(suspended).toMatchObject({ slaDueAt: null, slaWarnAt: null });
    const resumed = slaColumns(clock({ pauses: [{ from: bj('2026-03-09 09:30'), to: bj('2026-03-10 14:00') }] }), incident, calendar, bj('2026-03-10 14:00'));
    expect(resumed.slaDueAt).toEqual(new Date(bj('2026-03-10 14:30')));
    // 1 h + an extension of 2 working hours from Mon 09:00: 12:00; one more hour runs past lunch to 15:00.
    const extended = slaColumns(clock({ extensions: [{ workHours: 2 }] }), incident, calendar, bj('2026-03-09 09:10'));
    expect(extended.slaDueAt).toEqual(new Date(bj('2026-03-09 12:00')));
    const twice = slaColumns(clock({ extensions: [{ workHours: 2 }, { workHours: 1 }] }), incident, calendar, bj('2026-03-09 09:10'));
    expect(twice.slaDueAt).toEqual(new Date(bj('2026-03-09 15:00')));
  });

  it('flags a deadline past the last year with data', () => {
    const cols = slaColumns(clock({ stage: 'handle', startedAt: bj('2026-12-28 09:00') }), { kind: 'appeal', category: 'TS', severity: 'Moderate' }, calendar, bj('2026-12-28 09:00'));
    expect(cols.slaBeyondCalendar).toBe(true);
    // 35 h from Mon 28 Dec 09:00: 6.5 + 7 + 7 + 7 to Thu 31, 7 h on Fri 1 Jan 2027 (not announced yet: taken
    // as a working day), 0.5 h on Mon 4 Jan.
    expect(cols.slaDueAt).toEqual(new Date(bj('2027-01-04 09:00')));
  });
});

describe('calendarHorizon with a gap', () => {
  it('reaches only as far as the covered days run from today', () => {
    const withGap = buildCalendar([...chineseDaysYears(), { year: 2031, holidays: ['2031-01-01'], workdays: [] }]);
    expect(withGap.lastYear).toBe(2031);
    expect(calendarHorizon(withGap, bj('2026-11-30 12:00'))).toMatchObject({ lastYear: 2026, daysLeft: 31, stale: true });
    expect(calendarHorizon(withGap, bj('2031-06-01 12:00'))).toMatchObject({ lastYear: 2031, stale: false });
    // Inside the gap: it ended when the gap began.
    expect(calendarHorizon(withGap, bj('2028-01-01 12:00'))).toMatchObject({ lastYear: 2026, stale: true });
  });
});

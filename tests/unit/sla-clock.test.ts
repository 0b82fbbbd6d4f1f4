import { describe, expect, it } from 'vitest';
import { buildCalendar, chineseDaysYears, slaView, stageLimit, SLA_RULES, type StageClock } from '../../server/domain/sla';

const bj = (text: string) => new Date(`${text.replace(' ', 'T')}:00+08:00`).getTime();
const HOUR = 3_600_000;
const calendar = buildCalendar(chineseDaysYears());
const clock = (over: Partial<StageClock> = {}): StageClock => ({ stage: 'handle', startedAt: bj('2026-03-09 09:00'), pauses: [], extensions: [], ...over });

describe('slaView', () => {
  it('goes normal → warning (≤ 20 % left) → overdue', () => {
    // 4 working hours from Mon 09:00: due 15:00 (lunch not counted).
    const at = (t: string) => slaView(clock(), { workHours: 4 }, bj(t), calendar);
    expect(at('2026-03-09 10:00')).toMatchObject({ state: 'normal', remainingMs: 3 * HOUR, deadline: new Date(bj('2026-03-09 15:00')) });
    expect(at('2026-03-09 14:11').state).toBe('normal'); // 49 min left
    expect(at('2026-03-09 14:12').state).toBe('warning'); // 48 min = 20 %
    expect(at('2026-03-09 15:00').state).toBe('warning'); // due now, not yet past
    expect(at('2026-03-09 15:01')).toMatchObject({ state: 'overdue', remainingMs: -60_000 });
  });

  it('does not count suspended time, and has no deadline while suspended', () => {
    // 1 working day from Mon 09:00, suspended Mon 10:00 → Wed 10:00.
    const suspended = clock({ pauses: [{ from: bj('2026-03-09 10:00'), to: null }] });
    const during = slaView(suspended, { workDays: 1 }, bj('2026-03-10 16:00'), calendar);
    expect(during).toMatchObject({ paused: true, deadline: null, elapsedMs: HOUR, remainingMs: 6 * HOUR, state: 'normal' });
    const resumed = clock({ pauses: [{ from: bj('2026-03-09 10:00'), to: bj('2026-03-11 10:00') }] });
    // 6 h left from Wed 10:00: 2 h + 3.5 h on Wednesday, 0.5 h on Thursday.
    const after = slaView(resumed, { workDays: 1 }, bj('2026-03-11 11:00'), calendar);
    expect(after).toMatchObject({ paused: false, deadline: new Date(bj('2026-03-12 09:00')), elapsedMs: 2 * HOUR });
  });

  it('keeps an overdue case overdue through a suspension, with its original deadline', () => {
    const late = clock({ pauses: [{ from: bj('2026-03-10 09:00'), to: bj('2026-03-11 09:00') }] });
    // 2 working hours from Mon 09:00: due Mon 11:00, long before the suspension.
    const v = slaView(late, { workHours: 2 }, bj('2026-03-11 10:00'), calendar);
    expect(v.deadline).toEqual(new Date(bj('2026-03-09 11:00')));
    expect(v.state).toBe('overdue');
    const whilePaused = slaView({ ...late, pauses: [{ from: bj('2026-03-10 09:00'), to: null }] }, { workHours: 2 }, bj('2026-03-10 16:00'), calendar);
    expect(whilePaused).toMatchObject({ state: 'overdue', paused: true });
  });

  it('extends the budget by each approved extension', () => {
    const v = slaView(clock({ extensions: [{ workDays: 1 }] }), { workHours: 4 }, bj('2026-03-09 15:30'), calendar);
    expect(v).toMatchObject({ budgetMs: 11 * HOUR, state: 'normal', deadline: new Date(bj('2026-03-10 15:00')) });
  });

  it('runs clock-hour stages on the wall clock, weekends included', () => {
    const v = slaView(clock({ startedAt: bj('2026-03-07 23:00') }), { hours: 2 }, bj('2026-03-08 00:30'), calendar);
    expect(v).toMatchObject({ deadline: new Date(bj('2026-03-08 01:00')), remainingMs: HOUR / 2, state: 'normal' });
  });

  it('flags a stage whose deadline runs past the calendar', () => {
    const v = slaView(clock({ startedAt: bj('2026-12-28 09:00') }), { workDays: 5 }, bj('2026-12-28 10:00'), calendar);
    expect(v.beyondCalendar).toBe(true);
    expect(slaView(clock(), { workDays: 5 }, bj('2026-03-09 10:00'), calendar).beyondCalendar).toBe(false);
  });
});

describe('stageLimit', () => {
  it('takes 立案/派遣/核查 from sla.json and 处置 from the category unless the severity overrides it', () => {
    const c = { kind: 'incident', category: '0101', severity: 'Moderate' } as const;
    expect(stageLimit('register', c)).toEqual({ workHours: 1 });
    expect(stageLimit('handle', c)).toEqual({ workDays: 15 });
    expect(stageLimit('handle', { ...c, category: '0104' })).toEqual({ workHours: 5 });
    expect(stageLimit('handle', { ...c, severity: 'Extreme' })).toEqual({ hours: 2 });
    expect(stageLimit('handle', { ...c, category: 'nope' })).toEqual(SLA_RULES.handleDefault);
    expect(stageLimit('handle', { kind: 'appeal', category: 'complaint', severity: 'Minor' })).toEqual(SLA_RULES.appealHandle);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { presetOfShift, presetShift, validShift, fromLocalInput, toLocalInput } from '../../app/leader/handover/shift';
import { colourOf, GOOD_TO_BAD, scaleFor, VOLUME } from '../../app/leader/map/shade';
import { parseLocation, searchOf } from '../../app/leader/url-state';
import { formatIndicator, starText } from '../../app/lib/indicator-format';
import { LiveQuery, LIVE_DEBOUNCE_MS, LIVE_MAX_WAIT_MS } from '../../app/lib/live-query';
import { customPeriod, presetOf, presetPeriod, shanghaiToday, trendOf } from '../../app/lib/period';
import { tickerOrder } from '../../app/wall/extras/ticker-order';
import type { AlertEventData } from '../../server/protocol/wire';

/** 2026-05-11 09:30 in Shanghai (01:30 UTC), a Monday. */
const NOW = Date.parse('2026-05-11T01:30:00Z');

describe('leader periods (Asia/Shanghai days, [from, to))', () => {
  it('presets end with today', () => {
    expect(shanghaiToday(Date.parse('2026-05-10T16:00:00Z'))).toBe('2026-05-11'); // midnight in Shanghai
    expect(presetPeriod('today', NOW)).toEqual({ from: '2026-05-11', to: '2026-05-12' });
    expect(presetPeriod('7d', NOW)).toEqual({ from: '2026-05-05', to: '2026-05-12' });
    expect(presetPeriod('30d', NOW)).toEqual({ from: '2026-04-12', to: '2026-05-12' });
    expect(presetPeriod('month', NOW)).toEqual({ from: '2026-05-01', to: '2026-05-12' });
    expect(presetOf({ from: '2026-05-05', to: '2026-05-12' }, NOW)).toBe('7d');
    expect(presetOf({ from: '2026-05-04', to: '2026-05-12' }, NOW)).toBe('custom');
  });

  it('a custom range takes its last day inclusive and refuses bad ranges', () => {
    expect(customPeriod('2026-05-01', '2026-05-07')).toEqual({ from: '2026-05-01', to: '2026-05-08' });
    expect(customPeriod('2026-05-07', '2026-05-07')).toEqual({ from: '2026-05-07', to: '2026-05-08' });
    expect(customPeriod('2026-05-08', '2026-05-07')).toEqual({ error: 'order' });
    expect(customPeriod('2026-02-30', '2026-03-01')).toEqual({ error: 'invalid' });
    expect(customPeriod('2025-01-01', '2026-01-02')).toEqual({ error: 'tooLong' });
  });

  it('the trend spans at least 7 days and coarsens its buckets with length', () => {
    expect(trendOf({ from: '2026-05-11', to: '2026-05-12' })).toEqual({ period: { from: '2026-05-05', to: '2026-05-12' }, bucket: 'day' });
    expect(trendOf({ from: '2026-03-01', to: '2026-05-01' }).bucket).toBe('day');
    expect(trendOf({ from: '2026-01-01', to: '2026-05-01' }).bucket).toBe('week');
    expect(trendOf({ from: '2025-06-01', to: '2026-05-01' }).bucket).toBe('month');
  });
});

describe('leader address', () => {
  it('round-trips area, period and shading, and falls back on nonsense', () => {
    const place = { area: '520103', period: { from: '2026-05-01', to: '2026-05-08' }, shade: 'score' as const };
    expect(parseLocation(searchOf(place), NOW)).toEqual(place);
    expect(parseLocation('?area=<script>&from=2026-05-08&to=2026-05-01&shade=bogus', NOW)).toEqual({
      area: null,
      period: { from: '2026-05-11', to: '2026-05-12' },
      shade: 'overdue',
    });
  });
});

describe('shifts of the handover report', () => {
  it('day and night shifts are the ones that most recently began, in Shanghai time', () => {
    expect(presetShift('day', NOW)).toEqual({ from: '2026-05-11T08:00:00+08:00', to: '2026-05-11T20:00:00+08:00' });
    expect(presetShift('night', NOW)).toEqual({ from: '2026-05-10T20:00:00+08:00', to: '2026-05-11T08:00:00+08:00' });
    const early = Date.parse('2026-05-10T22:00:00Z'); // 06:00 on the 11th in Shanghai
    expect(presetShift('day', early)).toEqual({ from: '2026-05-10T08:00:00+08:00', to: '2026-05-10T20:00:00+08:00' });
    expect(presetShift('last12', NOW)).toEqual({ from: '2026-05-10T21:31:00+08:00', to: '2026-05-11T09:31:00+08:00' });
    expect(presetShift('last12', NOW + 59_000).to).toBe('2026-05-11T09:31:00+08:00'); // covers the current minute
    expect(presetOfShift(presetShift('night', NOW), NOW)).toBe('night');
  });

  it('validates and converts datetime-local values', () => {
    expect(fromLocalInput('2026-05-11T08:00')).toBe('2026-05-11T08:00:00+08:00');
    expect(fromLocalInput('2026-05-11 08:00')).toBeNull();
    expect(toLocalInput('2026-05-11T00:00:00Z')).toBe('2026-05-11T08:00');
    expect(validShift({ from: '2026-05-11T08:00:00+08:00', to: '2026-05-11T08:00:00+08:00' })).toBe('order');
    expect(validShift({ from: '2026-05-01T08:00:00+08:00', to: '2026-05-11T08:00:00+08:00' })).toBe('tooLong');
    expect(validShift({ from: '2026-05-11T08:00:00+08:00', to: '2026-05-11T20:00:00+08:00' })).toBe('ok');
  });
});

describe('indicator display', () => {
  it('rounds like the export (rates one decimal, hours one decimal) and shows stars', () => {
    expect(formatIndicator('onTimeHandleRate', 0.8456, 'zh')).toBe('84.6%');
    expect(formatIndicator('onTimeHandleRate', null, 'zh')).toBe('—');
    expect(formatIndicator('avgHandleHours', 3.25, 'en')).toBe('3.3 h');
    expect(formatIndicator('score', 87, 'zh')).toBe('87.0');
    expect(formatIndicator('open', 12345, 'en')).toBe('12,345');
    expect(starText(4)).toBe('★★★★☆');
    expect(starText(null)).toBe('—');
  });

  it('shades green for good whichever way good points, cyan for plain volumes', () => {
    const overdue = scaleFor('overdue', [0, 3, 10]);
    expect(overdue.domain).toEqual([0, 10]);
    expect(colourOf(0, overdue)).toBe(GOOD_TO_BAD[0]);
    expect(colourOf(10, overdue)).toBe(GOOD_TO_BAD[4]);
    const rate = scaleFor('onTimeHandleRate', [0.97, 1]);
    expect(rate.domain).toEqual([0.5, 1]); // fixed: 97 % is not "the worst"
    expect(colourOf(1, rate)).toBe(GOOD_TO_BAD[0]);
    expect(colourOf(0.4, rate)).toBe(GOOD_TO_BAD[4]);
    expect(colourOf(null, rate)).toBeNull();
    expect(scaleFor('reported', [1, 2]).colours).toEqual(VOLUME);
  });
});

describe('alert ticker order', () => {
  const alert = (id: number, severity: AlertEventData['severity'], pending: string[]): AlertEventData => ({
    id,
    source: 'test',
    eventType: 'MET_RAINSTORM',
    headline: `a${id}`,
    severity,
    urgency: 'Immediate',
    certainty: 'Likely',
    status: 'active',
    onset: null,
    expires: null,
    affectedGrids: 1,
    impact: { openCases: 0, onDutyResponders: 0, population: 0 },
    ack: { pending, acknowledged: [], level: 0, records: [] },
    geometry: { type: 'MultiPolygon', coordinates: [] },
  });
  it('puts unacknowledged alerts first, then the most severe, then the newest', () => {
    const order = tickerOrder([alert(1, 'Extreme', []), alert(2, 'Minor', ['520102']), alert(3, 'Severe', ['520103']), alert(4, 'Minor', ['520102'])]);
    expect(order.map((a) => a.id)).toEqual([3, 4, 2, 1]);
  });
});

describe('LiveQuery', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('re-fetches once after a burst of pokes, and at the latest LIVE_MAX_WAIT_MS after the first', async () => {
    let calls = 0;
    const query = new LiveQuery<number>();
    query.set('k', async () => ++calls);
    await vi.runOnlyPendingTimersAsync();
    expect(calls).toBe(1);
    for (let i = 0; i < 5; i++) {
      query.poke();
      await vi.advanceTimersByTimeAsync(LIVE_DEBOUNCE_MS / 2);
    }
    expect(calls).toBe(1); // still within the quiet time
    await vi.advanceTimersByTimeAsync(LIVE_DEBOUNCE_MS);
    expect(calls).toBe(2);
    // A steady stream (a poke every half debounce) still refreshes by the max wait.
    const start = Date.now();
    for (let i = 0; i < 40 && calls === 2; i++) {
      query.poke();
      await vi.advanceTimersByTimeAsync(LIVE_DEBOUNCE_MS / 2);
    }
    expect(calls).toBe(3);
    expect(Date.now() - start).toBeLessThanOrEqual(LIVE_MAX_WAIT_MS + LIVE_DEBOUNCE_MS / 2);
    expect(query.getState().data).toBe(3);
    query.stop();
  });

  it('keeps only the answer for the current key', async () => {
    const resolvers: Array<(v: string) => void> = [];
    const query = new LiveQuery<string>();
    query.set('a', () => new Promise<string>((resolve) => resolvers.push(resolve)));
    query.set('b', () => new Promise<string>((resolve) => resolvers.push(resolve)));
    resolvers[1]!('B');
    resolvers[0]!('A'); // late answer for the old key
    await vi.runOnlyPendingTimersAsync();
    expect(query.getState()).toMatchObject({ data: 'B', dataKey: 'b', loading: false });
    query.stop();
  });
});

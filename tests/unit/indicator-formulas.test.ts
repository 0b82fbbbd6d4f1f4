import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bucketStarts,
  compareForRanking,
  compositeScore,
  indicatorsOf,
  MIN_HANDLED_FOR_STARS,
  RATE_KEYS,
  ratesOf,
  resolvePeriod,
  SCORE_WEIGHTS,
  shanghaiDate,
  starsOf,
  startOfShanghaiDate,
  ZERO_COUNTERS,
  ZERO_NOW,
  type Counters,
  type Rates,
} from '../../server/domain/indicators';

const counters = (over: Partial<Counters>): Counters => ({ ...ZERO_COUNTERS, ...over });

describe('indicator formulas', () => {
  it('rates: the GB/T 30428 ratios, null when the denominator is 0', () => {
    expect(ratesOf(counters({ handled: 8, handledOnTime: 6, registered: 10, closed: 5, closedOnTime: 4, rework: 2, dispatched: 20, returned: 1 }))).toEqual({
      onTimeHandleRate: 0.75, // 6 / 8
      closeRate: 0.5, // 5 / 10
      onTimeCloseRate: 0.8, // 4 / 5
      reworkRate: 0.25, // 2 / 8
      dispatchAccuracy: 0.95, // 1 − 1 / 20
    });
    expect(ratesOf(ZERO_COUNTERS)).toEqual({ onTimeHandleRate: null, closeRate: null, onTimeCloseRate: null, reworkRate: null, dispatchAccuracy: null });
  });

  it('weights sum to 1; a perfect area scores 100, a hopeless one 0', () => {
    expect(Object.values(SCORE_WEIGHTS).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(compositeScore({ onTimeHandleRate: 1, closeRate: 1, onTimeCloseRate: 1, reworkRate: 0, dispatchAccuracy: 1 })).toBe(100);
    expect(compositeScore({ onTimeHandleRate: 0, closeRate: 0, onTimeCloseRate: 0, reworkRate: 1, dispatchAccuracy: 0 })).toBe(0);
    // Missing components are left out, not counted as 0: 0.8 on the one known component → 80.
    expect(compositeScore({ onTimeHandleRate: 0.8, closeRate: null, onTimeCloseRate: null, reworkRate: null, dispatchAccuracy: null })).toBe(80);
    expect(compositeScore({ onTimeHandleRate: null, closeRate: null, onTimeCloseRate: null, reworkRate: null, dispatchAccuracy: null })).toBeNull();
    // 结案率 above 1 (old cases closing) counts as 1; 返工率 above 1 as 0.
    expect(compositeScore({ onTimeHandleRate: null, closeRate: 1.7, onTimeCloseRate: null, reworkRate: 1.5, dispatchAccuracy: null })).toBe(50);
  });

  const rate = fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null });
  const rates = fc.record(Object.fromEntries(RATE_KEYS.map((k) => [k, rate])) as Record<keyof Rates, typeof rate>);

  it('property: the score lies in [0, 100] and never falls when a good rate rises (or the rework rate falls)', () => {
    fc.assert(
      fc.property(rates, fc.constantFrom(...RATE_KEYS), fc.double({ min: 0, max: 1, noNaN: true }), (r, key, delta) => {
        const score = compositeScore(r);
        if (score !== null) expect(score).toBeGreaterThanOrEqual(0);
        if (score !== null) expect(score).toBeLessThanOrEqual(100);
        if (r[key] === null || score === null) return;
        const better = { ...r, [key]: key === 'reworkRate' ? Math.max(0, r[key]! - delta) : Math.min(1, r[key]! + delta) };
        expect(compositeScore(better)!).toBeGreaterThanOrEqual(score - 0.1 /* rounding to one decimal */);
      }),
    );
  });

  it('stars: bands 90/80/70/60, none below the minimum number of handles', () => {
    expect([95, 90, 89.9, 80, 79.9, 70, 69.9, 60, 59.9, 0].map((s) => starsOf(s, MIN_HANDLED_FOR_STARS))).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
    expect(starsOf(100, MIN_HANDLED_FOR_STARS - 1)).toBeNull();
    expect(starsOf(null, 100)).toBeNull();
    fc.assert(
      fc.property(fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(starsOf(hi, 10)!).toBeGreaterThanOrEqual(starsOf(lo, 10)!);
      }),
    );
  });

  it('indicatorsOf: average working hours from the sums, counts and "now" passed through', () => {
    const i = indicatorsOf(counters({ handled: 4, handledOnTime: 4, handleTimed: 3, handleWorkMs: 3 * 2.5 * 3_600_000 }), { open: 7, overdue: 2, warning: 1 });
    expect(i.avgHandleHours).toBe(2.5);
    expect([i.open, i.overdue, i.warning, i.handled]).toEqual([7, 2, 1, 4]);
    expect(i.score).toBe(100);
    expect(i.stars).toBeNull(); // 4 handles < 5
    expect(indicatorsOf(ZERO_COUNTERS, ZERO_NOW).avgHandleHours).toBeNull();
  });

  it('ranking: higher score first, then fewer overdue, then code; unscored last', () => {
    const area = (code: string, score: number | null, overdue: number) => ({ code, indicators: { ...indicatorsOf(ZERO_COUNTERS, { ...ZERO_NOW, overdue }), score } });
    const sorted = [area('c', null, 0), area('b', 80, 3), area('a', 80, 3), area('d', 80, 1), area('e', 95, 9)].sort(compareForRanking);
    expect(sorted.map((a) => a.code)).toEqual(['e', 'd', 'a', 'b', 'c']);
  });
});

describe('indicator periods (Asia/Shanghai days)', () => {
  it('today is the Shanghai date; the default period is today', () => {
    const now = Date.parse('2026-05-11T16:30:00Z'); // 00:30 on 05-12 in Shanghai
    expect(shanghaiDate(now)).toBe('2026-05-12');
    expect(resolvePeriod({}, now)).toEqual({ from: '2026-05-12', to: '2026-05-13' });
    expect(resolvePeriod({ from: '2026-05-01' }, now)).toEqual({ from: '2026-05-01', to: '2026-05-13' });
    expect(startOfShanghaiDate('2026-05-12').toISOString()).toBe('2026-05-11T16:00:00.000Z');
  });

  it('refuses impossible dates, empty or backwards periods and periods over 366 days', () => {
    const now = Date.parse('2026-05-11T00:00:00Z');
    expect(resolvePeriod({ from: '2026-02-29', to: '2026-03-01' }, now)).toMatchObject({ path: 'from' });
    expect(resolvePeriod({ from: '2026-05-02', to: '2026-05-02' }, now)).toMatchObject({ path: 'to' });
    expect(resolvePeriod({ from: '2025-01-01', to: '2026-01-03' }, now)).toMatchObject({ path: 'to' });
    expect(resolvePeriod({ from: '2025-01-01', to: '2026-01-02' }, now)).toEqual({ from: '2025-01-01', to: '2026-01-02' });
  });

  it('buckets: days, ISO weeks (Monday), months; covering the period exactly', () => {
    expect(bucketStarts({ from: '2026-05-10', to: '2026-05-13' }, 'day')).toEqual(['2026-05-10', '2026-05-11', '2026-05-12']);
    expect(bucketStarts({ from: '2026-05-10', to: '2026-05-19' }, 'week')).toEqual(['2026-05-04', '2026-05-11', '2026-05-18']);
    expect(bucketStarts({ from: '2025-12-31', to: '2026-02-01' }, 'month')).toEqual(['2025-12-01', '2026-01-01']);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 366 }), fc.constantFrom('day', 'week', 'month' as const), (offset, days, bucket) => {
        const from = new Date(Date.UTC(2020, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
        const to = new Date(Date.UTC(2020, 0, 1) + (offset + days) * 86_400_000).toISOString().slice(0, 10);
        const starts = bucketStarts({ from, to }, bucket);
        expect(starts[0]! <= from).toBe(true);
        expect(starts.at(-1)! < to).toBe(true);
        expect([...starts].sort()).toEqual(starts);
        if (bucket === 'day') expect(starts).toHaveLength(days);
      }),
    );
  });
});

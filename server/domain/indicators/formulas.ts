/**
 * The evaluation indicators (GB/T 30428 practice) as pure functions over counters.
 * Counters come from indicator_daily (events in a period) and from the cases table
 * ("now"); the formulas, the composite score and the star rule live only here.
 * docs/indicators.md is the same rules as a table.
 */

/** Event counters of a period: sums of indicator_daily columns (db/schema/indicators.ts). */
export const COUNTER_KEYS = [
  'reported',
  /** Appeals among `reported`; and the repeat appeals (重复件) among those. */
  'appealsReported',
  'repeated',
  'registered',
  'rejected',
  'dispatched',
  'returned',
  'handled',
  'handledOnTime',
  'closed',
  'closedOnTime',
  'rework',
  'merged',
  'suspended',
  'extended',
  'turnedOverdue',
  'escalated',
  'handleTimed',
  'handleWorkMs',
] as const;
export type CounterKey = (typeof COUNTER_KEYS)[number];
export type Counters = Record<CounterKey, number>;

/** What stands open at the moment of asking (from cases, not from the period). */
export interface NowCounts {
  open: number;
  overdue: number;
  warning: number;
}

export const RATE_KEYS = ['onTimeHandleRate', 'closeRate', 'onTimeCloseRate', 'reworkRate', 'dispatchAccuracy'] as const;
export type RateKey = (typeof RATE_KEYS)[number];
/** Each rate is a fraction (0.8 = 80 %), or null when its denominator is 0. */
export type Rates = Record<RateKey, number | null>;

export type Stars = 1 | 2 | 3 | 4 | 5;

export interface Indicators extends Counters, NowCounts, Rates {
  /**
   * 重复率: repeat appeals / appeals reported in the period; null when no appeal came in.
   * Not part of the composite score (it measures what citizens bring again, not how a unit handles cases).
   */
  repeatRate: number | null;
  /** Mean working hours from the dispatch (or rework) to the handle, suspensions excluded; null when nothing was handled. */
  avgHandleHours: number | null;
  /** Composite score 0–100 (one decimal); null when no rate has a denominator. */
  score: number | null;
  /** 星级: 1–5, null below MIN_HANDLED_FOR_STARS handles in the period. */
  stars: Stars | null;
}

export const ZERO_COUNTERS: Counters = Object.fromEntries(COUNTER_KEYS.map((k) => [k, 0])) as Counters;
export const ZERO_NOW: NowCounts = { open: 0, overdue: 0, warning: 0 };

const HOUR_MS = 3_600_000;

/** n / d, or null when d is 0. */
export function ratio(n: number, d: number): number | null {
  return d > 0 ? n / d : null;
}

export function ratesOf(c: Counters): Rates {
  const returnShare = ratio(c.returned, c.dispatched);
  return {
    onTimeHandleRate: ratio(c.handledOnTime, c.handled),
    closeRate: ratio(c.closed, c.registered),
    onTimeCloseRate: ratio(c.closedOnTime, c.closed),
    reworkRate: ratio(c.rework, c.handled),
    dispatchAccuracy: returnShare === null ? null : 1 - returnShare,
  };
}

/**
 * Composite score weights (sum 1). Each component is a fraction in [0, 1]: rates
 * where higher is better as they are, 结案率 capped at 1 (cases registered before the
 * period may close in it), 返工率 as 1 − rate (floored at 0).
 */
export const SCORE_WEIGHTS = {
  onTimeHandleRate: 0.3,
  onTimeCloseRate: 0.25,
  closeRate: 0.15,
  dispatchAccuracy: 0.15,
  reworkRate: 0.15,
} as const satisfies Record<RateKey, number>;

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/**
 * 100 × the weighted mean of the components that have a denominator; the weights of
 * the others are left out (not counted as 0), so an area that dispatched nothing is
 * scored on what it did do. Null when no component has a denominator.
 */
export function compositeScore(rates: Rates): number | null {
  let weighted = 0;
  let weights = 0;
  for (const key of RATE_KEYS) {
    const rate = rates[key];
    if (rate === null) continue;
    const component = key === 'reworkRate' ? clamp01(1 - rate) : clamp01(rate);
    weighted += SCORE_WEIGHTS[key] * component;
    weights += SCORE_WEIGHTS[key];
  }
  return weights > 0 ? Math.round((1000 * weighted) / weights) / 10 : null;
}

/** Fewer handles than this in the period: too little to rate, no stars. */
export const MIN_HANDLED_FOR_STARS = 5;
/** Lowest score of each star band, five stars first. */
export const STAR_BANDS: ReadonlyArray<readonly [Stars, number]> = [
  [5, 90],
  [4, 80],
  [3, 70],
  [2, 60],
  [1, 0],
];

export function starsOf(score: number | null, handled: number): Stars | null {
  if (score === null || handled < MIN_HANDLED_FOR_STARS) return null;
  return STAR_BANDS.find(([, min]) => score >= min)![0];
}

export function indicatorsOf(counters: Counters, now: NowCounts): Indicators {
  const rates = ratesOf(counters);
  const score = compositeScore(rates);
  return {
    ...counters,
    ...now,
    ...rates,
    repeatRate: ratio(counters.repeated, counters.appealsReported),
    avgHandleHours: counters.handleTimed > 0 ? counters.handleWorkMs / counters.handleTimed / HOUR_MS : null,
    score,
    stars: starsOf(score, counters.handled),
  };
}

export function addCounters(a: Counters, b: Counters): Counters {
  return Object.fromEntries(COUNTER_KEYS.map((k) => [k, a[k] + b[k]])) as Counters;
}

/**
 * Ranking order of sibling areas: higher score first, then fewer overdue now, then
 * code; areas without a score last.
 */
export function compareForRanking(a: { code: string; indicators: Indicators }, b: { code: string; indicators: Indicators }): number {
  const sa = a.indicators.score;
  const sb = b.indicators.score;
  if (sa !== sb) {
    if (sa === null) return 1;
    if (sb === null) return -1;
    return sb - sa;
  }
  if (a.indicators.overdue !== b.indicators.overdue) return a.indicators.overdue - b.indicators.overdue;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}

/**
 * Indicator periods are whole Asia/Shanghai days [from, to): the rollups are per day,
 * so a panel never needs the events themselves. Dates are YYYY-MM-DD strings; the
 * arithmetic runs on day numbers (days since 1970-01-01), never on local Date objects.
 */
export const INDICATOR_UTC_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
/** Longest period a panel, a trend or an export may ask for. */
export const MAX_PERIOD_DAYS = 366;

export const TREND_BUCKETS = ['day', 'week', 'month'] as const;
export type TrendBucket = (typeof TREND_BUCKETS)[number];

export interface Period {
  /** First day (inclusive), YYYY-MM-DD. */
  from: string;
  /** Day after the last (exclusive), YYYY-MM-DD. */
  to: string;
}

export function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const t = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === text;
}

export function dayNumber(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return dateOfDay(dayNumber(date) + days);
}

/** The Asia/Shanghai date at an instant. */
export function shanghaiDate(at: number): string {
  return dateOfDay(Math.floor((at + INDICATOR_UTC_OFFSET_MS) / DAY_MS));
}

/** The instant a Shanghai date begins. */
export function startOfShanghaiDate(date: string): Date {
  return new Date(dayNumber(date) * DAY_MS - INDICATOR_UTC_OFFSET_MS);
}

export function periodDays(p: Period): number {
  return dayNumber(p.to) - dayNumber(p.from);
}

/**
 * The period a request names: both dates, or `from` alone (to the end of today), or
 * nothing (today). Returns an error message instead of throwing.
 */
export function resolvePeriod(query: { from?: string; to?: string }, now: number): Period | { error: string; path: string } {
  const today = shanghaiDate(now);
  const to = query.to ?? addDays(today, 1);
  const from = query.from ?? addDays(to, -1);
  if (!isDate(from)) return { error: 'from is a date YYYY-MM-DD', path: 'from' };
  if (!isDate(to)) return { error: 'to is a date YYYY-MM-DD', path: 'to' };
  const days = dayNumber(to) - dayNumber(from);
  if (days < 1) return { error: 'to must be after from (the period is [from, to))', path: 'to' };
  if (days > MAX_PERIOD_DAYS) return { error: `a period is at most ${MAX_PERIOD_DAYS} days`, path: 'to' };
  return { from, to };
}

/** The first day of the bucket holding `date`: itself, its ISO week's Monday, or the 1st of its month. */
export function bucketStart(date: string, bucket: TrendBucket): string {
  if (bucket === 'day') return date;
  if (bucket === 'month') return `${date.slice(0, 7)}-01`;
  const day = dayNumber(date);
  const weekday = (((day + 3) % 7) + 7) % 7; // 0 = Monday (1970-01-01 was a Thursday)
  return dateOfDay(day - weekday);
}

/** Every bucket start from the one holding `from` to the one holding the last day of the period. */
export function bucketStarts(p: Period, bucket: TrendBucket): string[] {
  const starts: string[] = [];
  const last = addDays(p.to, -1);
  for (let d = bucketStart(p.from, bucket); d <= last; ) {
    starts.push(d);
    d = bucket === 'day' ? addDays(d, 1) : bucket === 'week' ? addDays(d, 7) : nextMonth(d);
  }
  return starts;
}

function nextMonth(first: string): string {
  const y = Number(first.slice(0, 4));
  const m = Number(first.slice(5, 7));
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/**
 * The leader's period switch as plain date arithmetic on Asia/Shanghai calendar days.
 * A period is [from, to) in YYYY-MM-DD, as GET /api/indicators takes it; the custom
 * range is entered with its last day inclusive (what people mean by "to 7 May").
 */
export const PERIOD_PRESETS = ['today', '7d', '30d', 'month', 'custom'] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];

export interface Period {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
/** The server's limit (server/domain/indicators/period.ts MAX_PERIOD_DAYS). */
export const MAX_PERIOD_DAYS = 366;

export function shanghaiToday(now: number): string {
  return new Date(now + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

export function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const t = Date.parse(`${text}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === text;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The period of a preset, ending with today (inclusive). */
export function presetPeriod(preset: Exclude<PeriodPreset, 'custom'>, now: number): Period {
  const today = shanghaiToday(now);
  const to = addDays(today, 1);
  switch (preset) {
    case 'today':
      return { from: today, to };
    case '7d':
      return { from: addDays(today, -6), to };
    case '30d':
      return { from: addDays(today, -29), to };
    case 'month':
      return { from: `${today.slice(0, 7)}-01`, to };
  }
}

/**
 * A custom range from its first and last day (both inclusive), or why not: the
 * dates must be real, in order, and at most MAX_PERIOD_DAYS long.
 */
export function customPeriod(first: string, last: string): Period | { error: 'invalid' | 'order' | 'tooLong' } {
  if (!isDate(first) || !isDate(last)) return { error: 'invalid' };
  const to = addDays(last, 1);
  const days = daysBetween(first, to);
  if (days < 1) return { error: 'order' };
  if (days > MAX_PERIOD_DAYS) return { error: 'tooLong' };
  return { from: first, to };
}

/** The preset a period equals today, else custom (a link from yesterday keeps its dates). */
export function presetOf(period: Period, now: number): PeriodPreset {
  for (const preset of ['today', '7d', '30d', 'month'] as const) {
    const p = presetPeriod(preset, now);
    if (p.from === period.from && p.to === period.to) return preset;
  }
  return 'custom';
}

/** The last day of a period (inclusive). */
export function lastDay(period: Period): string {
  return addDays(period.to, -1);
}

/**
 * The trend shown beside a period: the period itself, but at least the 7 days up to
 * its end (a one-day trend is a dot); days up to two months, then ISO weeks, then months.
 */
export function trendOf(period: Period): { period: Period; bucket: 'day' | 'week' | 'month' } {
  const days = daysBetween(period.from, period.to);
  const shown = days < 7 ? { from: addDays(period.to, -7), to: period.to } : period;
  const span = Math.max(days, 7);
  return { period: shown, bucket: span <= 62 ? 'day' : span <= 190 ? 'week' : 'month' };
}

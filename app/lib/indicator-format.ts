import { INDICATOR_COLUMNS, type IndicatorColumn } from '../../server/domain/indicators/columns';
import type { Indicators } from '../../server/protocol/rest';
import type { Lang } from './i18n';

/**
 * How every surface (leader view, wall strip, handover page) names and shows an
 * indicator: the same columns, labels and rounding as the CSV/XLSX export
 * (server/domain/indicators/columns.ts), so a number on screen is the number in
 * the file.
 */
export type IndicatorKey = keyof Indicators;

const COLUMN_BY_KEY = new Map<IndicatorKey, IndicatorColumn>(INDICATOR_COLUMNS.map((c) => [c.key, c]));

export function columnOf(key: IndicatorKey): IndicatorColumn {
  const column = COLUMN_BY_KEY.get(key);
  if (!column) throw new Error(`no indicator column ${key}`);
  return column;
}

/** Short labels for cards and map legends (the export's headers are longer). */
const SHORT: Partial<Record<IndicatorKey, { zh: string; en: string }>> = {
  avgHandleHours: { zh: '平均处置时长', en: 'Avg handling' },
  onTimeHandleRate: { zh: '按期处置率', en: 'On-time handling' },
  onTimeCloseRate: { zh: '按期结案率', en: 'On-time closing' },
  closeRate: { zh: '结案率', en: 'Closing rate' },
  dispatchAccuracy: { zh: '准确派遣率', en: 'Dispatch accuracy' },
  repeated: { zh: '重复件', en: 'Repeat appeals' },
  repeatRate: { zh: '重复率', en: 'Repeat rate' },
};

export function indicatorLabel(key: IndicatorKey, lang: Lang): string {
  const short = SHORT[key];
  if (short) return short[lang];
  const column = columnOf(key);
  return lang === 'zh' ? column.zh : column.en;
}

/**
 * The value as shown: counts as integers, rates as a percentage with one decimal,
 * hours with one decimal, the score with one decimal, stars as ★; "—" when the
 * indicator has no denominator in the period.
 */
export function formatIndicator(key: IndicatorKey, value: number | null, lang: Lang): string {
  if (value === null) return '—';
  const { format } = columnOf(key);
  const locale = lang === 'zh' ? 'zh-CN' : 'en-GB';
  switch (format) {
    case 'count':
      return value.toLocaleString(locale);
    case 'rate':
      return `${(Math.round(value * 1000) / 10).toFixed(1)}%`;
    case 'hours':
      return `${(Math.round(value * 10) / 10).toFixed(1)}${lang === 'zh' ? ' 小时' : ' h'}`;
    case 'score':
      return (Math.round(value * 10) / 10).toFixed(1);
    case 'stars':
      return starText(value);
  }
}

export function starText(stars: number | null): string {
  if (stars === null) return '—';
  return '★'.repeat(stars) + '☆'.repeat(5 - stars);
}

/** Whether more of this indicator is better (shading and arrows read it); null for plain volumes. */
export function betterWhen(key: IndicatorKey): 'high' | 'low' | null {
  switch (key) {
    case 'open':
    case 'overdue':
    case 'warning':
    case 'reworkRate':
    case 'avgHandleHours':
    case 'returned':
    case 'rework':
    case 'rejected':
    case 'repeated':
    case 'repeatRate':
      return 'low';
    case 'onTimeHandleRate':
    case 'closeRate':
    case 'onTimeCloseRate':
    case 'dispatchAccuracy':
    case 'score':
    case 'stars':
    case 'closed':
    case 'closedOnTime':
    case 'handledOnTime':
      return 'high';
    default:
      return null;
  }
}

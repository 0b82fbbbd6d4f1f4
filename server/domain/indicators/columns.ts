import type { Indicators } from './formulas';

/**
 * The indicator table's columns, in order: what the CSV/XLSX export writes and the
 * leader's table shows. `format` says how a value is shown: counts as they are,
 * rates as percentages (one decimal), hours with one decimal.
 */
export type ColumnFormat = 'count' | 'rate' | 'hours' | 'score' | 'stars';

export interface IndicatorColumn {
  key: keyof Indicators;
  zh: string;
  en: string;
  format: ColumnFormat;
}

export const INDICATOR_COLUMNS: readonly IndicatorColumn[] = [
  { key: 'open', zh: '在办', en: 'Open now', format: 'count' },
  { key: 'overdue', zh: '超期', en: 'Overdue now', format: 'count' },
  { key: 'warning', zh: '预警', en: 'Warning now', format: 'count' },
  { key: 'reported', zh: '新增', en: 'New', format: 'count' },
  { key: 'registered', zh: '立案', en: 'Registered', format: 'count' },
  { key: 'rejected', zh: '不予立案', en: 'Rejected', format: 'count' },
  { key: 'dispatched', zh: '派遣', en: 'Dispatched', format: 'count' },
  { key: 'returned', zh: '回退', en: 'Returned', format: 'count' },
  { key: 'handled', zh: '处置', en: 'Handled', format: 'count' },
  { key: 'handledOnTime', zh: '按期处置', en: 'Handled on time', format: 'count' },
  { key: 'closed', zh: '结案', en: 'Closed', format: 'count' },
  { key: 'closedOnTime', zh: '按期结案', en: 'Closed on time', format: 'count' },
  { key: 'rework', zh: '返工', en: 'Rework', format: 'count' },
  { key: 'appealsReported', zh: '新增诉求', en: 'New appeals', format: 'count' },
  { key: 'repeated', zh: '重复件', en: 'Repeat appeals', format: 'count' },
  { key: 'onTimeHandleRate', zh: '按期处置率', en: 'On-time handling rate', format: 'rate' },
  { key: 'closeRate', zh: '结案率', en: 'Closing rate', format: 'rate' },
  { key: 'onTimeCloseRate', zh: '按期结案率', en: 'On-time closing rate', format: 'rate' },
  { key: 'reworkRate', zh: '返工率', en: 'Rework rate', format: 'rate' },
  { key: 'dispatchAccuracy', zh: '准确派遣率', en: 'Dispatch accuracy', format: 'rate' },
  { key: 'repeatRate', zh: '重复率', en: 'Repeat rate', format: 'rate' },
  { key: 'avgHandleHours', zh: '平均处置时长(工作小时)', en: 'Avg handling (working h)', format: 'hours' },
  { key: 'score', zh: '综合评分', en: 'Score', format: 'score' },
  { key: 'stars', zh: '星级', en: 'Stars', format: 'stars' },
];

/** A value as the export shows it: percentages and hours rounded to one decimal, null as empty. */
export function displayValue(value: number | null, format: ColumnFormat): number | null {
  if (value === null) return null;
  if (format === 'rate') return Math.round(value * 1000) / 10;
  if (format === 'hours') return Math.round(value * 10) / 10;
  return value;
}

import type { Handover, IndicatorPanel, IndicatorTrend } from '../../server/protocol/rest';
import { getJson } from './api';

/**
 * The browser's calls to the indicator routes (docs/indicators.md). A period is whole
 * Asia/Shanghai days [from, to), YYYY-MM-DD; the area defaults to the caller's
 * jurisdiction on the server.
 */
export interface PeriodQuery {
  from: string;
  to: string;
}

export type TrendBucket = 'day' | 'week' | 'month';

function params(area: string | null, period: PeriodQuery, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams({ from: period.from, to: period.to, ...extra });
  if (area) p.set('area', area);
  return p.toString();
}

export function fetchIndicatorPanel(area: string | null, period: PeriodQuery, signal?: AbortSignal): Promise<IndicatorPanel> {
  return getJson<IndicatorPanel>(`/api/indicators?${params(area, period, { children: '1' })}`, signal);
}

export function fetchIndicatorTrend(area: string | null, period: PeriodQuery, bucket: TrendBucket, signal?: AbortSignal): Promise<IndicatorTrend> {
  return getJson<IndicatorTrend>(`/api/indicators/trend?${params(area, period, { bucket })}`, signal);
}

/** Where the export buttons point: the server names the file (area, code and period). */
export function exportUrl(format: 'csv' | 'xlsx', area: string | null, period: PeriodQuery): string {
  return `/api/indicators/export.${format}?${params(area, period)}`;
}

export function fetchHandover(area: string | null, shift: { from: string; to: string }, signal?: AbortSignal): Promise<Handover> {
  const p = new URLSearchParams({ from: shift.from, to: shift.to });
  if (area) p.set('area', area);
  return getJson<Handover>(`/api/handover?${p}`, signal);
}

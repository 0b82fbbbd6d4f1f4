'use client';

import type { Indicators } from '../../../server/protocol/rest';
import { formatIndicator, indicatorLabel, starText, type IndicatorKey } from '../../lib/indicator-format';
import { useLeaderT } from '../strings';

/** The cards, in reading order: what stands open now, the period's volumes, then the rates. */
export const KPI_KEYS: readonly IndicatorKey[] = [
  'open',
  'overdue',
  'warning',
  'reported',
  'closed',
  'onTimeHandleRate',
  'closeRate',
  'onTimeCloseRate',
  'reworkRate',
  'dispatchAccuracy',
  'avgHandleHours',
  'repeated',
  'repeatRate',
];

const TONE: Partial<Record<IndicatorKey, string>> = { overdue: 'bad', warning: 'warn', open: 'accent' };

/**
 * KPI cards of the current area. Each value element holds the displayed text and the
 * raw number in `data-value` (tests compare it with the export). The score card
 * carries the stars (星级).
 */
export default function KpiCards({ indicators, stale }: { indicators: Indicators | null; stale: boolean }) {
  const tr = useLeaderT();
  const value = (key: IndicatorKey) => (indicators ? (indicators[key] as number | null) : null);
  return (
    <section className="leader-kpis" aria-label={tr.s('kpis')} data-stale={stale} data-testid="kpis">
      <div className="leader-kpi leader-kpi-score">
        <span className="leader-kpi-label" id="kpi-label-score">
          {tr.s('score')}
        </span>
        <span className="leader-kpi-value" data-testid="kpi-score" data-value={value('score') ?? ''} aria-labelledby="kpi-label-score">
          {indicators ? formatIndicator('score', value('score'), tr.lang) : '–'}
        </span>
        {value('stars') !== null ? (
          <span className="leader-stars" data-testid="kpi-stars" data-value={value('stars')!} role="img" aria-label={`${tr.s('stars')}: ${value('stars')}`}>
            {starText(value('stars'))}
          </span>
        ) : indicators && value('score') !== null ? (
          <span className="leader-kpi-note" data-testid="kpi-stars" data-value="">
            {tr.s('starsNone')}
          </span>
        ) : null}
      </div>
      {KPI_KEYS.map((key) => (
        <div key={key} className="leader-kpi" data-tone={TONE[key]}>
          <span className="leader-kpi-label" id={`kpi-label-${key}`}>
            {indicatorLabel(key, tr.lang)}
          </span>
          <span className="leader-kpi-value" data-testid={`kpi-${key}`} data-value={value(key) ?? ''} aria-labelledby={`kpi-label-${key}`}>
            {indicators ? formatIndicator(key, value(key), tr.lang) : '–'}
          </span>
        </div>
      ))}
    </section>
  );
}

'use client';

import { useLang } from '../../lib/i18n';
import { useWall } from '../../lib/store';
import { formatIndicator, indicatorLabel, starText, type IndicatorKey } from '../../lib/indicator-format';
import { useWallExtrasT } from './strings';
import { useCityIndicators } from './WallExtras';

const TILES: ReadonlyArray<{ key: IndicatorKey; label?: 'reportedToday' | 'closedToday'; tone?: 'bad' | 'warn' | 'good' }> = [
  { key: 'open' },
  { key: 'overdue', tone: 'bad' },
  { key: 'warning', tone: 'warn' },
  { key: 'reported', label: 'reportedToday' },
  { key: 'closed', label: 'closedToday', tone: 'good' },
  { key: 'onTimeHandleRate', tone: 'good' },
  { key: 'closeRate', tone: 'good' },
  { key: 'score', tone: 'good' },
];

/**
 * The wall's KPI strip: today's evaluation indicators for the wall's area (the city on
 * the city wall), the same numbers and rounding as the leader view and the exports,
 * re-read on live case events. Sized in rem: legible from across the room on 4K.
 */
export default function KpiStrip() {
  const lang = useLang();
  const t = useWallExtrasT();
  const { data, allowed } = useCityIndicators();
  const role = useWall((s) => s.me?.role ?? null);
  // Not for a role without the indicators (a grid worker's wall); shown while still unknown, so the layout does not jump.
  if (!allowed && role !== null) return null;
  const ind = data?.indicators ?? null;
  return (
    <section className="kpi-strip" data-map-inset aria-label={t('kpiStrip')} data-testid="kpi-strip">
      {TILES.map(({ key, label, tone }) => {
        const value = ind ? (ind[key] as number | null) : null;
        return (
          <div key={key} className="kpi-tile" data-tone={tone && (tone !== 'bad' || (value ?? 0) > 0) ? tone : undefined}>
            <span className="kpi-tile-label" id={`wall-kpi-label-${key}`}>
              {label ? t(label) : indicatorLabel(key, lang)}
            </span>
            <span className="kpi-tile-value" data-testid={`wall-kpi-${key}`} data-value={value ?? ''} aria-labelledby={`wall-kpi-label-${key}`}>
              {ind ? formatIndicator(key, value, lang) : '–'}
              {key === 'score' && ind && ind.stars !== null ? (
                <span className="kpi-tile-stars" aria-hidden="true">
                  {starText(ind.stars)}
                </span>
              ) : null}
            </span>
          </div>
        );
      })}
    </section>
  );
}

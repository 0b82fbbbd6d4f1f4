'use client';

import { useT } from '../../lib/i18n';
import { useWall, type Totals } from '../../lib/store';

const TILES: Array<{ key: keyof Totals; testId: string; label: 'openIncidents' | 'openAppeals' | 'activeAlerts' | 'todayCases' }> = [
  { key: 'openIncidents', testId: 'count-open-incidents', label: 'openIncidents' },
  { key: 'openAppeals', testId: 'count-open-appeals', label: 'openAppeals' },
  { key: 'activeAlerts', testId: 'count-active-alerts', label: 'activeAlerts' },
  { key: 'todayCases', testId: 'count-today', label: 'todayCases' },
];

/** The four live KPIs. Each number element holds the bare number (tests read it). */
export default function Counters() {
  const tr = useT();
  const totals = useWall((s) => s.totals);
  const loaded = useWall((s) => s.loaded);
  return (
    <section className="counters" data-map-inset aria-label={tr.t('kpis')}>
      {TILES.map((tile) => (
        <div key={tile.key} className={`counter counter-${tile.key}`}>
          <span className="counter-label" id={`label-${tile.testId}`}>
            {tr.t(tile.label)}
          </span>
          <span className="counter-value" data-testid={tile.testId} aria-labelledby={`label-${tile.testId}`}>
            {loaded ? totals[tile.key] : '–'}
          </span>
        </div>
      ))}
    </section>
  );
}

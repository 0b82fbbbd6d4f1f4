'use client';

import { useState } from 'react';
import { APPEAL_MIN_COUNT, SEVERITIES } from '../../../server/protocol/vocab';
import { caseWord, slaLabel } from '../../lib/case-labels';
import { hotspotWords, LIVE_TRENDS, TREND_COLOURS } from '../../lib/hotspot-labels';
import { useT } from '../../lib/i18n';
import { useWall } from '../../lib/store';
import { LAYER_KEYS, layerPrefs, type LayerPrefs } from '../layer-prefs';
import { SEVERITY_COLOURS } from '../map/support';

const LABELS = {
  incidents: 'layerIncidents',
  appeals: 'layerAppeals',
  hotspots: 'layerHotspots',
  alerts: 'layerAlerts',
  grids: 'layerGrids',
} as const satisfies Record<keyof LayerPrefs, string>;

/** Layer switches and the legend (severity, SLA rings, escalation, density). Collapsed behind a button on phones. */
export default function LayerPanel() {
  const tr = useT();
  const layers = layerPrefs.use();
  const truncated = useWall((s) => s.truncated);
  const [open, setOpen] = useState(false);

  return (
    <section className="panel layer-panel" data-open={open} data-map-inset aria-label={tr.t('layers')}>
      <button type="button" className="panel-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        {tr.t('layers')}
      </button>
      <div className="panel-body">
        <h2 className="panel-title">{tr.t('layers')}</h2>
        <ul className="layer-list">
          {LAYER_KEYS.map((key) => (
            <li key={key}>
              <label className="layer-toggle">
                <input
                  type="checkbox"
                  checked={layers[key]}
                  onChange={(e) => layerPrefs.set({ ...layers, [key]: e.target.checked })}
                />
                <span>{tr.t(LABELS[key])}</span>
              </label>
            </li>
          ))}
        </ul>
        <h2 className="panel-title">{tr.t('legend')}</h2>
        <ul className="legend">
          {SEVERITIES.filter((s) => s !== 'Unknown').map((s) => (
            <li key={s}>
              <span className="legend-swatch" style={{ background: SEVERITY_COLOURS[s] }} aria-hidden="true" />
              {tr.severity(s)}
            </li>
          ))}
          <li>
            <span className="legend-swatch legend-ring legend-ring-warning" aria-hidden="true" />
            {slaLabel(tr.lang, 'warning')}
          </li>
          <li>
            <span className="legend-swatch legend-ring legend-ring-overdue" aria-hidden="true" />
            {slaLabel(tr.lang, 'overdue')}
          </li>
          <li>
            <span className="legend-mark" aria-hidden="true">▲</span>
            {caseWord(tr.lang, 'escalated')}
          </li>
          <li>
            <span className="legend-swatch legend-ramp" aria-hidden="true" />
            {tr.t('openCases')}
          </li>
          <li className="legend-wide" data-testid="legend-hotspots">
            <span>{tr.t('layerHotspots')}</span>
            {LIVE_TRENDS.map((trend) => (
              <span key={trend} className="legend-item">
                <span className="legend-swatch legend-hotspot" style={{ borderColor: TREND_COLOURS[trend] }} aria-hidden="true" />
                {hotspotWords(tr.lang).trend(trend)}
              </span>
            ))}
          </li>
        </ul>
        <p className="panel-note panel-note-dim">{hotspotWords(tr.lang).w('heatNote', { k: APPEAL_MIN_COUNT })}</p>
        {truncated ? <p className="panel-note">{tr.t('truncated')}</p> : null}
      </div>
    </section>
  );
}

'use client';

import { useState } from 'react';
import { SEVERITIES } from '../../../server/protocol/vocab';
import { caseWord, slaLabel } from '../../lib/case-labels';
import { useT } from '../../lib/i18n';
import { useWall } from '../../lib/store';
import { LAYER_KEYS, layerPrefs, type LayerPrefs } from '../layer-prefs';
import { SEVERITY_COLOURS } from '../map/support';

const LABELS = {
  incidents: 'layerIncidents',
  appeals: 'layerAppeals',
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
        </ul>
        {truncated ? <p className="panel-note">{tr.t('truncated')}</p> : null}
      </div>
    </section>
  );
}

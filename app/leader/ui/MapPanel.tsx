'use client';

import dynamic from 'next/dynamic';
import { useState } from 'react';
import type { ClientConfig } from '../../../server/protocol/rest';
import type { AreaLevel } from '../../../server/protocol/vocab';
import { useHotspotWords } from '../../lib/hotspot-labels';
import { columnOf, formatIndicator, indicatorLabel, type IndicatorKey } from '../../lib/indicator-format';
import { useWall } from '../../lib/store';
import type { ChildValue } from '../map/ChildShading';
import type { Scale } from '../map/shade';
import { useLeaderT } from '../strings';
import { SHADE_CHOICES, type ShadeChoice } from '../url-state';
import HotspotDetail from './HotspotDetail';

/** Leaflet touches window at import time: the map is client-only. */
const LeaderMap = dynamic(() => import('../map/LeaderMap'), { ssr: false });

/**
 * The map section: which indicator shades the children, the map itself, and a legend
 * of the colour steps with the domain's ends.
 */
export default function MapPanel({
  config,
  area,
  childLevel,
  values,
  scale,
  shade,
  onShade,
  onSelect,
}: {
  config: ClientConfig | null;
  area: { code: string; level: AreaLevel } | null;
  childLevel: AreaLevel | null;
  values: ReadonlyMap<string, ChildValue>;
  scale: Scale;
  shade: ShadeChoice;
  onShade: (key: ShadeChoice) => void;
  onSelect: (code: string) => void;
}) {
  const tr = useLeaderT();
  const w = useHotspotWords();
  const hotspots = useWall((s) => s.hotspots);
  const [picked, setPicked] = useState<number | null>(null);
  // A hotspot that ended (or left the view's scope) closes its detail.
  const hotspot = picked === null ? null : (hotspots.get(picked) ?? null);
  return (
    <section className="leader-panel leader-map-panel" aria-labelledby="map-title">
      <div className="leader-map-head">
        <h2 id="map-title" className="leader-panel-title">
          {tr.s('map')}
        </h2>
        <label className="leader-shade">
          <span>{tr.s('shadeBy')}</span>
          <select value={shade} onChange={(e) => onShade(e.target.value as ShadeChoice)} data-testid="shade-picker">
            {SHADE_CHOICES.map((key) => (
              <option key={key} value={key}>
                {indicatorLabel(key, tr.lang)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="leader-map" data-testid="leader-map" role="region" aria-label={tr.s('map')}>
        {config && area ? (
          <LeaderMap
            config={config}
            area={area}
            childLevel={childLevel}
            values={values}
            scale={scale}
            onSelect={onSelect}
            hotspots={hotspots}
            onHotspot={setPicked}
          />
        ) : null}
      </div>
      <div className="leader-map-foot">
        {childLevel ? <Legend shade={shade} scale={scale} /> : <span />}
        <span className="leader-map-hint">{childLevel ? tr.s('tapToDrill') : tr.s('smallestUnit')}</span>
      </div>
      {hotspot ? (
        <HotspotDetail hotspot={hotspot} onClose={() => setPicked(null)} />
      ) : (
        <p className="leader-map-hint leader-hotspot-hint" data-testid="hotspot-hint">
          {hotspots.size > 0 ? `${w.w('hotspots')} ${hotspots.size} · ${w.w('tapHotspot')}` : w.w('noHotspots')}
        </p>
      )}
    </section>
  );
}

function Legend({ shade, scale }: { shade: IndicatorKey; scale: Scale }) {
  const tr = useLeaderT();
  const fmt = (v: number) => (columnOf(shade).format === 'count' ? formatIndicator(shade, Math.round(v), tr.lang) : formatIndicator(shade, v, tr.lang));
  return (
    <div className="leader-legend" aria-label={`${indicatorLabel(shade, tr.lang)}: ${fmt(scale.domain[0])} – ${fmt(scale.domain[1])}`} role="img">
      <span>{fmt(scale.domain[0])}</span>
      <span className="leader-legend-ramp" aria-hidden="true">
        {scale.colours.map((c) => (
          <span key={c} style={{ background: c }} />
        ))}
      </span>
      <span>{fmt(scale.domain[1])}</span>
      <span className="leader-legend-none" aria-hidden="true" />
      <span>{tr.s('noValue')}</span>
    </div>
  );
}

'use client';

import L from 'leaflet';
import { useEffect } from 'react';
import { useMap } from 'react-leaflet';
import type { CaseDuplicates } from '../../../server/protocol/rest';
import type { CaseEventData } from '../../../server/protocol/wire';
import { useT } from '../../lib/i18n';
import { ensurePane, popupContent, SEVERITY_COLOURS, sizeScale, useProjection } from '../../wall/map/support';
import { useDispatch, useDispatchStore } from '../state/dispatch-store';
import { useDT } from '../strings';

/**
 * The open case (a large ring in its severity's colour), its possible duplicates
 * (amber rings) and the community's other open cases (small dots; a click opens
 * one). Drawn on canvas with the wall's colours.
 */
export default function CaseMarkers({ data, duplicates }: { data: CaseEventData; duplicates: CaseDuplicates['linked'] }) {
  const map = useMap();
  const { project } = useProjection();
  const store = useDispatchStore();
  const nearby = useDispatch((s) => s.nearby);
  const tr = useT();
  const dt = useDT();

  useEffect(() => {
    const s = sizeScale(map);
    const pane = ensurePane(map, 'points');
    const group = L.layerGroup().addTo(map);
    const linked = new Set(duplicates.map((d) => d.id));
    const open = (c: CaseEventData) => () => store.open(c.id);
    const tip = (c: CaseEventData) =>
      popupContent(`#${c.id} ${tr.category(c.category)}`, [
        [tr.t('severity'), tr.severity(c.severity)],
        [tr.t('reported'), tr.dateTime(c.reportedAt)],
        ['', dt.status(c.status)],
      ]);
    for (const c of nearby.values()) {
      if (c.id === data.id || linked.has(c.id)) continue;
      L.circleMarker(project(c.lng, c.lat), { pane, radius: 4.5 * s, color: '#0b1220', weight: 1, fillColor: SEVERITY_COLOURS[c.severity], fillOpacity: 0.75 })
        .bindTooltip(tip(c), { className: 'hcm-leaflet-popup' })
        .on('click', open(c))
        .addTo(group);
    }
    for (const d of duplicates) {
      L.circleMarker(project(d.lng, d.lat), { pane, radius: 9 * s, color: '#f59e0b', weight: 3 * s, dashArray: '4 3', fillColor: '#f59e0b', fillOpacity: 0.25 })
        .bindTooltip(tip(d), { className: 'hcm-leaflet-popup' })
        .on('click', open(d))
        .addTo(group);
    }
    const at = project(data.lng, data.lat);
    L.circleMarker(at, { pane, radius: 16 * s, color: '#ffffff', weight: 2.5 * s, fill: false, interactive: false, className: 'case-halo' }).addTo(group);
    L.circleMarker(at, { pane, radius: 8 * s, color: '#ffffff', weight: 2 * s, fillColor: SEVERITY_COLOURS[data.severity], fillOpacity: 1, interactive: false }).addTo(group);
    return () => {
      group.remove();
    };
  }, [map, project, data, duplicates, nearby, store, tr, dt]);

  return null;
}

'use client';

import L from 'leaflet';
import { useEffect, useRef, useState } from 'react';
import { useMap } from 'react-leaflet';
import { ensurePane, sizeScale, throttled, useProjection } from '../../wall/map/support';
import { useDispatch } from '../state/dispatch-store';
import { useDT } from '../strings';

const STATUS_COLOURS: Record<string, string> = { on_duty: '#22c55e', busy: '#f59e0b', off_duty: '#64748b' };
/** Live positions may arrive every few seconds per responder: at most two redraws a second. */
const REDRAW_MS = 500;

/**
 * Responders at their last known position (REST base, then live `responderPosition`),
 * coloured by status; the suggested ones larger and named, the assignee ringed.
 * Only those in (and around) the view are drawn: a city has thousands.
 */
export default function ResponderMarkers({ suggested, assigneeId }: { suggested: ReadonlySet<number>; assigneeId: number | null }) {
  const map = useMap();
  const { project } = useProjection();
  const responders = useDispatch((s) => s.responders);
  const dt = useDT();
  const groupRef = useRef<L.LayerGroup | null>(null);
  const last = useRef(0);
  const [view, setView] = useState(0);

  useEffect(() => {
    const group = L.layerGroup().addTo(map);
    groupRef.current = group;
    const moved = () => setView((v) => v + 1);
    map.on('moveend', moved);
    return () => {
      map.off('moveend', moved);
      group.remove();
      groupRef.current = null;
    };
  }, [map]);

  useEffect(() => {
    return throttled(
      () => {
        const group = groupRef.current;
        if (!group) return;
        group.clearLayers();
        const s = sizeScale(map);
        const pane = ensurePane(map, 'labels');
        const markerPane = ensurePane(map, 'points');
        const around = map.getBounds().pad(0.5);
        const drawn: number[] = [];
        const statuses: string[] = [];
        for (const r of responders.values()) {
          if (r.lng === null || r.lat === null) continue;
          const important = suggested.has(r.id) || r.id === assigneeId;
          const at = project(r.lng, r.lat);
          if (!around.contains(at)) continue;
          const marker = L.circleMarker(at, {
            pane: markerPane,
            radius: (important ? 7 : 4) * s,
            color: r.id === assigneeId ? '#ffffff' : '#0b1220',
            weight: (r.id === assigneeId ? 3 : 1) * s,
            fillColor: STATUS_COLOURS[r.status] ?? '#94a3b8',
            fillOpacity: important ? 1 : 0.7,
          });
          const label = `${r.name} · ${dt.maybe(`rstatus_${r.status}`, r.status)} · ${dt.d('openCases', { n: r.openCases })}`;
          if (important) {
            marker.bindTooltip(label, { permanent: true, direction: 'right', offset: [8 * s, 0], className: 'hcm-label responder-label', pane });
          } else {
            marker.bindTooltip(label);
          }
          marker.addTo(group);
          drawn.push(r.id);
          statuses.push(`${r.id}:${r.status}`);
        }
        // Which responders are on screen (tests and screen readers of the DOM): only the view's, a handful.
        map.getContainer().setAttribute('data-responders', drawn.join(','));
        map.getContainer().setAttribute('data-responder-status', statuses.join(','));
      },
      last,
      REDRAW_MS,
    );
  }, [map, project, responders, suggested, assigneeId, dt, view]);

  return null;
}

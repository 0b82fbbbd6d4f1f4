'use client';

import L from 'leaflet';
import { useEffect } from 'react';
import { useMap } from 'react-leaflet';
import { ensurePane, useProjection } from '../../wall/map/support';
import type { Fix } from '../geo';

/** The case (or the chosen point) as a ringed dot, and my position with its accuracy circle; Canvas paths only. */
export default function PointMarkers({ caseAt, picked, me }: { caseAt: [number, number] | null; picked: [number, number] | null; me: Fix | null }) {
  const map = useMap();
  const { project } = useProjection();

  useEffect(() => {
    const pane = ensurePane(map, 'points');
    const group = L.layerGroup();
    const target = caseAt ?? picked;
    if (target) {
      const at = project(target[0], target[1]);
      L.circleMarker(at, { pane, radius: 13, color: '#f97316', weight: 2, fillOpacity: 0.15, interactive: false }).addTo(group);
      L.circleMarker(at, { pane, radius: 6, color: '#fff', weight: 2, fillColor: '#f97316', fillOpacity: 1, interactive: false }).addTo(group);
    }
    if (me) {
      const at = project(me.lng, me.lat);
      if (me.accuracy > 0 && me.accuracy < 5_000) {
        L.circle(at, { pane, radius: me.accuracy, color: '#38bdf8', weight: 1, fillColor: '#38bdf8', fillOpacity: 0.12, interactive: false }).addTo(group);
      }
      L.circleMarker(at, { pane, radius: 7, color: '#fff', weight: 2, fillColor: '#0ea5e9', fillOpacity: 1, interactive: false }).addTo(group);
    }
    group.addTo(map);
    map.getContainer().setAttribute('data-points', `${target ? 'target' : ''}${me ? ' me' : ''}`.trim() || 'none');
    return () => {
      group.remove();
    };
  }, [map, project, caseAt, picked, me]);

  return null;
}

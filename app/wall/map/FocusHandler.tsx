'use client';

import L from 'leaflet';
import { useEffect } from 'react';
import { useMap } from 'react-leaflet';
import { useFocusBus } from '../../lib/focus';
import { useWallStore } from '../../lib/store';
import { ensurePane, sizeScale, useProjection } from './support';

/** Flies to what the event list asked for and rings it for a few seconds. */
const FOCUS_ZOOM = 15;
const RING_MS = 6000;

export default function FocusHandler() {
  const map = useMap();
  const bus = useFocusBus();
  const store = useWallStore();
  const { project } = useProjection();

  useEffect(() => {
    let ring: L.Layer | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const clear = () => {
      clearTimeout(timer);
      ring?.remove();
      ring = null;
    };
    const stop = bus.listen((focus) => {
      clear();
      const state = store.getState();
      if (focus.kind === 'incident') {
        const incident = state.incidents.get(focus.id);
        if (!incident) return;
        const at = L.latLng(project(incident.lng, incident.lat));
        map.flyTo(at, Math.max(map.getZoom(), FOCUS_ZOOM));
        ring = L.circleMarker(at, {
          pane: ensurePane(map, 'labels'),
          radius: 16 * sizeScale(map),
          color: '#ffffff',
          weight: 3 * sizeScale(map),
          fill: false,
          interactive: false,
          className: 'hcm-focus-ring',
        }).addTo(map);
      } else {
        const alert = state.alerts.get(focus.id);
        if (!alert) return;
        const shape = L.geoJSON(alert.geometry as GeoJSON.MultiPolygon, {
          coordsToLatLng: (c) => L.latLng(project(c[0]!, c[1]!)),
        });
        map.flyToBounds(shape.getBounds(), { padding: [40, 40], maxZoom: FOCUS_ZOOM });
        ring = L.geoJSON(alert.geometry as GeoJSON.MultiPolygon, {
          pane: ensurePane(map, 'labels'),
          coordsToLatLng: (c) => L.latLng(project(c[0]!, c[1]!)),
          style: { color: '#ffffff', weight: 3 * sizeScale(map), fill: false, dashArray: '8 6' },
          interactive: false,
        }).addTo(map);
      }
      timer = setTimeout(clear, RING_MS);
    });
    return () => {
      stop();
      clear();
    };
  }, [bus, map, store, project]);

  return null;
}

'use client';

import L from 'leaflet';
import { useEffect, useRef } from 'react';
import { useMap } from 'react-leaflet';
import type { AlertEventData } from '../../../server/protocol/wire';
import { useT, type Translator } from '../../lib/i18n';
import { useWall } from '../../lib/store';
import { ensurePane, popupContent, SEVERITY_COLOURS, sizeScale, useProjection } from './support';
import './alert-pulse.css';

/**
 * Alert areas coloured by CAP severity (red / orange / yellow / blue), one popup each.
 * An area too small to see at the current zoom also gets a ring at its centre. An
 * Extreme or Severe alert that some district has not acknowledged yet pulses (drawn
 * in SVG so CSS can animate it: alert-pulse.css) until it is acknowledged.
 */
const MIN_VISIBLE_PX = 28;

interface Drawn {
  data: AlertEventData;
  layer: L.FeatureGroup;
  shape: L.GeoJSON;
  ring: L.CircleMarker;
}

export default function AlertPolygons({ visible }: { visible: boolean }) {
  const map = useMap();
  const { project } = useProjection();
  const alerts = useWall((s) => s.alerts);
  const tr = useT();
  const groupRef = useRef<L.LayerGroup | null>(null);
  const urgentRendererRef = useRef<L.Renderer | null>(null);
  /** id → drawn layer, so a new alert adds one layer instead of redrawing all. */
  const drawnRef = useRef(new Map<number, Drawn>());

  useEffect(() => {
    ensurePane(map, 'alerts');
    const group = L.layerGroup();
    groupRef.current = group;
    urgentRendererRef.current = L.svg({ pane: 'alerts' });
    const drawn = drawnRef.current;
    return () => {
      group.remove();
      drawn.clear();
      groupRef.current = null;
      urgentRendererRef.current = null;
    };
  }, [map]);

  useEffect(() => {
    const group = groupRef.current;
    if (!group) return;
    if (visible) group.addTo(map);
    else group.remove();
  }, [visible, map]);

  useEffect(() => {
    const group = groupRef.current;
    if (!group) return;
    const drawn = drawnRef.current;
    for (const [id, entry] of drawn) {
      if (alerts.get(id) !== entry.data) {
        group.removeLayer(entry.layer);
        drawn.delete(id);
      }
    }
    const s = sizeScale(map);
    // Oldest first, so the newest alert is on top.
    for (const [id, data] of alerts) {
      if (drawn.has(id)) continue;
      // An area known only by its description (a CAP <areaDesc>) is in the ticker, not on the map.
      if (data.geometry.coordinates.length === 0) continue;
      const colour = SEVERITY_COLOURS[data.severity];
      const urgent = isUrgent(data);
      const shape = L.geoJSON(data.geometry as GeoJSON.MultiPolygon, {
        pane: 'alerts',
        coordsToLatLng: (c) => L.latLng(project(c[0]!, c[1]!)),
        ...(urgent && urgentRendererRef.current ? { renderer: urgentRendererRef.current, className: 'hcm-alert-urgent' } : {}),
        style: {
          color: colour,
          weight: (urgent ? 3 : 2) * s,
          opacity: 0.95,
          fillColor: colour,
          fillOpacity: data.status === 'acknowledged' ? 0.12 : 0.22,
          dashArray: data.status === 'acknowledged' ? '6 4' : undefined,
        },
      });
      const ring = L.circleMarker(shape.getBounds().getCenter(), {
        pane: 'alerts',
        radius: 11 * s,
        color: colour,
        weight: 3 * s,
        fillColor: colour,
        fillOpacity: 0.25,
      });
      const layer = L.featureGroup([shape]);
      group.addLayer(layer);
      drawn.set(id, { data, layer, shape, ring });
    }
    syncRings(map, drawn.values());
  }, [alerts, map, project]);

  useEffect(() => {
    const onZoom = () => syncRings(map, drawnRef.current.values());
    map.on('zoomend', onZoom);
    return () => {
      map.off('zoomend', onZoom);
    };
  }, [map]);

  // Popups follow the language; rebinding is cheap (a handful of alerts).
  useEffect(() => {
    for (const { data, layer } of drawnRef.current.values()) {
      layer.unbindPopup();
      layer.bindPopup(() => alertPopup(data, tr), { className: 'hcm-leaflet-popup' });
    }
  }, [alerts, tr]);

  return null;
}

/** Extreme or Severe, live, and still waiting for a district's acknowledgement. */
function isUrgent(a: AlertEventData): boolean {
  return a.status === 'active' && a.ack.pending.length > 0 && (a.severity === 'Extreme' || a.severity === 'Severe');
}

/** Shows the centre ring of each alert whose area is smaller than MIN_VISIBLE_PX on screen. */
function syncRings(map: L.Map, entries: Iterable<Drawn>): void {
  const limit = MIN_VISIBLE_PX * sizeScale(map);
  for (const { layer, shape, ring } of entries) {
    const bounds = shape.getBounds();
    if (!bounds.isValid()) continue;
    const a = map.latLngToContainerPoint(bounds.getSouthWest());
    const b = map.latLngToContainerPoint(bounds.getNorthEast());
    const small = Math.max(Math.abs(b.x - a.x), Math.abs(b.y - a.y)) < limit;
    if (small && !layer.hasLayer(ring)) layer.addLayer(ring);
    if (!small && layer.hasLayer(ring)) layer.removeLayer(ring);
  }
}

function alertPopup(a: AlertEventData, t: Translator): HTMLElement {
  const rows: Array<[string, string]> = [
    [t.t('alert'), t.alertType(a.eventType)],
    [t.t('severity'), t.severity(a.severity)],
    [t.t('urgency'), t.capWord(a.urgency)],
    [t.t('certainty'), t.capWord(a.certainty)],
    [t.t('affectedGrids'), t.number(a.affectedGrids)],
  ];
  if (a.expires) rows.push([t.t('expires'), t.dateTime(a.expires)]);
  // Who acknowledged, and when (one line per district).
  for (const record of a.ack.records) rows.push([t.t('acknowledgedBy'), `${record.by} ${t.dateTime(record.at)}`]);
  return popupContent(a.headline, rows, SEVERITY_COLOURS[a.severity]);
}

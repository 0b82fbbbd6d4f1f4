'use client';

import L from 'leaflet';
import { useEffect, useRef } from 'react';
import { useMap } from 'react-leaflet';
import type { HotspotEventData } from '../../../server/protocol/wire';
import { TREND_COLOURS, type LiveTrend } from '../../lib/hotspot-labels';
import { ensurePane, sizeScale, useProjection } from './support';
import './hotspots.css';

/**
 * Appeal hotspots (信访热点): each outline coloured by its trend, its appeal count
 * in a badge at its label point, the emerging ones pulsing (hotspots.css; still
 * under prefers-reduced-motion). SVG, not canvas, so CSS can animate the paths —
 * hotspots are few. Aggregate data only: an outline is a buffered hull, never an
 * appeal's position. `onSelect` (the leader view) makes outline and badge tappable;
 * without it (the wall) a tap opens a short popup made by `popup`.
 *
 * Paths carry `hcm-hotspot-<id>` and the badge `data-hotspot-id`, `data-trend`.
 */
export default function HotspotOutlines({
  hotspots,
  visible,
  onSelect,
  popup,
}: {
  hotspots: ReadonlyMap<number, HotspotEventData>;
  visible: boolean;
  onSelect?: (id: number) => void;
  popup?: (hotspot: HotspotEventData) => HTMLElement;
}) {
  const map = useMap();
  const { project } = useProjection();
  const groupRef = useRef<L.LayerGroup | null>(null);
  const rendererRef = useRef<L.Renderer | null>(null);
  const selectRef = useRef(onSelect);
  const popupRef = useRef(popup);
  useEffect(() => {
    selectRef.current = onSelect;
    popupRef.current = popup;
  }, [onSelect, popup]);

  useEffect(() => {
    const pane = ensurePane(map, 'hotspots');
    ensurePane(map, 'hotspotLabels');
    const group = L.layerGroup();
    groupRef.current = group;
    rendererRef.current = L.svg({ pane });
    return () => {
      group.remove();
      groupRef.current = null;
      rendererRef.current = null;
    };
  }, [map]);

  useEffect(() => {
    const group = groupRef.current;
    if (!group) return;
    if (visible) group.addTo(map);
    else group.remove();
  }, [visible, map]);

  // Few and rarely changing (one detection run every few minutes): redraw them all.
  useEffect(() => {
    const group = groupRef.current;
    const renderer = rendererRef.current;
    if (!group || !renderer) return;
    group.clearLayers();
    const s = sizeScale(map);
    // Smallest last, so a small hotspot inside a large one stays on top and tappable.
    const ordered = [...hotspots.values()].filter((h) => h.trend !== 'ended').sort((a, b) => b.count - a.count);
    for (const h of ordered) {
      const trend = h.trend as LiveTrend;
      const colour = TREND_COLOURS[trend];
      const interactive = Boolean(selectRef.current || popupRef.current);
      const shape = L.geoJSON(h.outline as GeoJSON.MultiPolygon, {
        pane: 'hotspots',
        // Leaflet hands these options to each path it makes (as AlertPolygons does).
        ...{ renderer, interactive },
        coordsToLatLng: (c) => L.latLng(project(c[0]!, c[1]!)),
        style: {
          className: `hcm-hotspot hcm-hotspot-${trend} hcm-hotspot-${h.id}`,
          color: colour,
          weight: (trend === 'cooling' ? 2 : 3) * s,
          opacity: 0.95,
          fillColor: colour,
          fillOpacity: trend === 'cooling' ? 0.1 : 0.2,
          dashArray: trend === 'cooling' ? `${6 * s} ${4 * s}` : undefined,
        },
      });
      const [lat, lng] = project(h.center[0], h.center[1]);
      const badge = L.marker([lat, lng], {
        pane: 'hotspotLabels',
        interactive,
        keyboard: Boolean(selectRef.current),
        icon: L.divIcon({ className: 'hcm-hotspot-badge-anchor', html: badgeHtml(h, colour, s), iconSize: undefined }),
      });
      const select = () => selectRef.current?.(h.id);
      if (selectRef.current) {
        shape.on('click', select);
        badge.on('click', select);
      } else if (popupRef.current) {
        const make = popupRef.current;
        shape.bindPopup(() => make(h), { className: 'hcm-leaflet-popup' });
        badge.bindPopup(() => make(h), { className: 'hcm-leaflet-popup' });
      }
      group.addLayer(shape);
      group.addLayer(badge);
    }
  }, [hotspots, map, project]);

  return null;
}

/** The count badge (numbers and codes only: nothing a reporter wrote). */
function badgeHtml(h: HotspotEventData, colour: string, s: number): HTMLElement {
  const badge = document.createElement('span');
  badge.className = `hcm-hotspot-badge hcm-hotspot-badge-${h.trend}`;
  badge.dataset.hotspotId = String(h.id);
  badge.dataset.trend = h.trend;
  badge.style.setProperty('--hotspot-colour', colour);
  badge.style.fontSize = `${Math.round(15 * s)}px`;
  badge.textContent = String(h.count);
  return badge;
}

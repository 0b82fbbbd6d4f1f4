'use client';

import L from 'leaflet';
import { useEffect, useRef, useState } from 'react';
import { useMap } from 'react-leaflet';
import type { AreaCollection } from '../../../server/protocol/rest';
import { fetchAreas, loadWithRetry } from '../../lib/api';
import { useT } from '../../lib/i18n';
import { useLive } from '../../lib/live-store';
import { ensurePane, overlayInsets, sizeScale, useProjection } from './support';
import { keepLabelsDecluttered } from './declutter';
import { labelPoint } from './geometry';

/**
 * District and street outlines, always on (they are the map when there are no
 * tiles), with district names and, from STREET_LABEL_ZOOM, street names. The
 * server sends only the outlines inside the viewer's jurisdiction, and the first
 * load frames that jurisdiction (config.bounds: a district dispatcher sees its
 * district, the city's leader the whole city) unless `fit` is false (a map that
 * frames something else, e.g. the dispatch console's case map).
 */
const STREET_LABEL_ZOOM = 13;
const RETRY_MS = 10_000;

export default function AreaOutlines({ fit = true }: { fit?: boolean }) {
  const map = useMap();
  const { project } = useProjection();
  const tr = useT();
  const jurisdiction = useLive((s) => s.config?.bounds ?? null);
  const [districts, setDistricts] = useState<AreaCollection | null>(null);
  const [streets, setStreets] = useState<AreaCollection | null>(null);
  const fitted = useRef(false);

  // Load both levels once; retry quietly while the server is unreachable.
  useEffect(() => {
    return loadWithRetry(
      (signal) =>
        Promise.all([
          fetchAreas({ level: 'district', simplify: 0.0006 }, signal),
          fetchAreas({ level: 'street', simplify: 0.0003 }, signal),
        ]),
      ([d, s]) => {
        setDistricts(d);
        setStreets(s);
      },
      RETRY_MS,
    );
  }, []);

  useEffect(() => {
    if (!districts || !streets) return;
    const pane = ensurePane(map, 'outlines');
    const s = sizeScale(map);
    const coordsToLatLng = (c: number[]) => L.latLng(project(c[0]!, c[1]!));
    const streetLayer = L.geoJSON(streets as GeoJSON.FeatureCollection, {
      pane,
      interactive: false,
      coordsToLatLng,
      style: { color: '#5eead4', weight: 1 * s, opacity: 0.35, fill: false },
    });
    const districtLayer = L.geoJSON(districts as GeoJSON.FeatureCollection, {
      pane,
      interactive: false,
      coordsToLatLng,
      style: { color: '#7dd3fc', weight: 2.2 * s, opacity: 0.85, fill: false },
    });
    streetLayer.addTo(map);
    districtLayer.addTo(map);
    // Lets tests (and screenshots) wait for the map people actually see.
    map.getContainer().setAttribute('data-outlines', 'drawn');
    // Frame the jurisdiction once, in the part of the screen the panels leave free.
    const bounds = jurisdiction
      ? L.latLngBounds(project(jurisdiction[0], jurisdiction[1]), project(jurisdiction[2], jurisdiction[3]))
      : districtLayer.getBounds();
    if (fit && !fitted.current && bounds.isValid()) {
      fitted.current = true;
      const { topLeft, bottomRight } = overlayInsets(map);
      map.fitBounds(bounds, { paddingTopLeft: topLeft, paddingBottomRight: bottomRight, animate: false });
    }
    return () => {
      map.getContainer().removeAttribute('data-outlines');
      streetLayer.remove();
      districtLayer.remove();
    };
  }, [map, districts, streets, project, jurisdiction, fit]);

  useEffect(() => {
    if (!districts || !streets) return;
    const pane = ensurePane(map, 'labels');
    const label = (feature: AreaCollection['features'][number], className: string) => {
      const at = labelPoint(feature);
      if (!at) return null;
      return L.tooltip({ permanent: true, direction: 'center', className, pane, interactive: false })
        .setLatLng(project(at[0], at[1]))
        .setContent(escapeHtml(tr.areaName(feature.properties.name, feature.properties.nameEn)));
    };
    const districtLabels = L.layerGroup(
      districts.features.map((f) => label(f, 'hcm-label hcm-label-district')).filter((x) => x !== null),
    ).addTo(map);
    const streetLabels = L.layerGroup(
      streets.features.map((f) => label(f, 'hcm-label hcm-label-street')).filter((x) => x !== null),
    );
    const sync = () => {
      const show = map.getZoom() >= STREET_LABEL_ZOOM;
      if (show && !map.hasLayer(streetLabels)) streetLabels.addTo(map);
      if (!show && map.hasLayer(streetLabels)) streetLabels.remove();
    };
    sync();
    map.on('zoomend', sync);
    // Where labels collide (small central areas, a hotspot badge beside a street), districts win, then larger areas.
    const stopDecluttering = keepLabelsDecluttered(map, { labels: ['.hcm-label-district', '.hcm-label-street'] });
    return () => {
      stopDecluttering();
      map.off('zoomend', sync);
      districtLabels.remove();
      streetLabels.remove();
    };
  }, [map, districts, streets, project, tr]);

  return null;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

'use client';

import L from 'leaflet';
import { useEffect, useRef } from 'react';
import { useMap } from 'react-leaflet';
import type { AreaCollection } from '../../../server/protocol/rest';
import { ensurePane, sizeScale, useProjection } from '../../wall/map/support';

/**
 * The current area's outline, and the view framed on it each time the leader
 * drills (or climbs back): the whole area fills the map whatever its size.
 * Marks the container `data-area` with the framed code once drawn (tests wait on it).
 */
export default function AreaFrame({ shape, code }: { shape: AreaCollection | null; code: string }) {
  const map = useMap();
  const { project } = useProjection();
  const framed = useRef<string | null>(null);

  useEffect(() => {
    const feature = shape?.features.find((f) => f.properties.code === code);
    if (!shape || !feature) return;
    const s = sizeScale(map);
    const layer = L.geoJSON(feature as GeoJSON.Feature, {
      pane: ensurePane(map, 'outlines'),
      interactive: false,
      coordsToLatLng: (c) => L.latLng(project(c[0]!, c[1]!)),
      style: { color: '#7dd3fc', weight: 2.4 * s, opacity: 0.95, fill: false },
    }).addTo(map);
    if (framed.current !== code) {
      framed.current = code;
      const bounds = layer.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [12 * s, 12 * s], animate: false });
    }
    map.getContainer().setAttribute('data-area', code);
    return () => {
      layer.remove();
      map.getContainer().removeAttribute('data-area');
    };
  }, [map, shape, code, project]);

  return null;
}

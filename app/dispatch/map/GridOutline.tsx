'use client';

import L from 'leaflet';
import { useEffect } from 'react';
import { useMap } from 'react-leaflet';
import type { AreaCollection } from '../../../server/protocol/rest';
import { ensurePane, sizeScale, useProjection } from '../../wall/map/support';

/** The case's unit grid: a dashed outline with a faint fill, under the points; the map frames it once when it arrives. */
export default function GridOutline({ grid }: { grid: AreaCollection | null }) {
  const map = useMap();
  const { project } = useProjection();
  useEffect(() => {
    if (!grid || grid.features.length === 0) return;
    const s = sizeScale(map);
    const layer = L.geoJSON(grid as GeoJSON.FeatureCollection, {
      pane: ensurePane(map, 'fills'),
      interactive: false,
      coordsToLatLng: (c) => L.latLng(project(c[0]!, c[1]!)),
      style: { color: '#fbbf24', weight: 2.5 * s, dashArray: '8 6', fillColor: '#fbbf24', fillOpacity: 0.08 },
    }).addTo(map);
    const bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [28, 28], maxZoom: 17, animate: false });
    map.getContainer().setAttribute('data-grid', grid.features[0]!.properties.code);
    return () => {
      map.getContainer().removeAttribute('data-grid');
      layer.remove();
    };
  }, [map, grid, project]);
  return null;
}

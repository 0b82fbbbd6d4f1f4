'use client';

import L from 'leaflet';
import { useEffect, useState } from 'react';
import { useMap } from 'react-leaflet';
import type { AreaCollection } from '../../../server/protocol/rest';
import { fetchAreas, loadWithRetry } from '../../lib/api';
import { ensurePane, useProjection } from './support';

const RETRY_MS = 10_000;

/**
 * The unit grids inside one area (a street, a community) as thin outlines, with
 * one grid drawn stronger (a case's grid, the worker's own): what a person on the
 * ground or a dispatcher zoomed on a case needs, where the wall colours grids by
 * load instead (GridFill). `within` is required: a city's worth of grids is not an
 * outline layer.
 */
export default function GridOutlines({ within, highlight = null }: { within: string; highlight?: string | null }) {
  const map = useMap();
  const { project } = useProjection();
  const [grids, setGrids] = useState<AreaCollection | null>(null);

  useEffect(() => loadWithRetry((signal) => fetchAreas({ level: 'grid', within, simplify: 0.00005 }, signal), setGrids, RETRY_MS), [within]);

  useEffect(() => {
    if (!grids) return;
    const pane = ensurePane(map, 'outlines');
    const coordsToLatLng = (c: number[]) => L.latLng(project(c[0]!, c[1]!));
    const layer = L.geoJSON(grids as GeoJSON.FeatureCollection, {
      pane,
      interactive: false,
      coordsToLatLng,
      style: (feature) =>
        feature?.properties?.code === highlight
          ? { color: '#fbbf24', weight: 2.5, opacity: 0.95, fillColor: '#fbbf24', fillOpacity: 0.08 }
          : { color: '#94a3b8', weight: 1, opacity: 0.45, fill: false },
    });
    layer.addTo(map);
    map.getContainer().setAttribute('data-grids', String(grids.features.length));
    return () => {
      layer.remove();
      map.getContainer().removeAttribute('data-grids');
    };
  }, [map, project, grids, highlight]);

  return null;
}

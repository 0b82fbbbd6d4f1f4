'use client';

import L from 'leaflet';
import { useEffect, useState } from 'react';
import { useMap } from 'react-leaflet';
import type { AlertPreview, AreaCollection } from '../../../server/protocol/rest';
import { fetchAreas } from '../../lib/api';
import { ensurePane, sizeScale, useProjection } from '../../wall/map/support';
import { polygonBBox } from '../draw-geometry';
import { useDraft } from '../draft';

/**
 * The unit grids a drawn area would reach, shaded before anything is sent. Which
 * grids is the server's answer (POST /api/alerts/preview); their shapes come from
 * /api/areas for the drawn area's box, so the map shows exactly the grids listed.
 */
const PREVIEW_COLOUR = '#e0f2fe';

export default function PreviewGrids() {
  const map = useMap();
  const { project } = useProjection();
  const { draft } = useDraft();
  const { preview, shape } = draft;
  const [grids, setGrids] = useState<{ preview: AlertPreview; data: AreaCollection } | null>(null);

  useEffect(() => {
    if (!preview || !shape || preview.affectedGrids.length === 0) return;
    const abort = new AbortController();
    fetchAreas({ level: 'grid', bbox: polygonBBox(shape.geometry), simplify: 0.00002 }, abort.signal).then(
      (data) => setGrids({ preview, data }),
      () => {
        // Shapes are a courtesy: the panel lists the grids whatever happens here.
      },
    );
    return () => abort.abort();
  }, [preview, shape]);

  useEffect(() => {
    const container = map.getContainer();
    if (!grids || grids.preview !== preview) {
      container.removeAttribute('data-preview-grids');
      return;
    }
    const codes = new Set(grids.preview.affectedGrids.map((g) => g.code));
    const features = grids.data.features.filter((f) => codes.has(f.properties.code));
    const s = sizeScale(map);
    const layer = L.geoJSON({ type: 'FeatureCollection', features } as GeoJSON.FeatureCollection, {
      pane: ensurePane(map, 'fills'),
      interactive: false,
      coordsToLatLng: (c) => L.latLng(project(c[0]!, c[1]!)),
      style: { color: PREVIEW_COLOUR, weight: 1 * s, opacity: 0.8, fillColor: PREVIEW_COLOUR, fillOpacity: 0.28 },
    }).addTo(map);
    // Lets tests wait for the grids people see.
    container.setAttribute('data-preview-grids', String(features.length));
    return () => {
      layer.remove();
      container.removeAttribute('data-preview-grids');
    };
  }, [grids, preview, map, project]);

  return null;
}

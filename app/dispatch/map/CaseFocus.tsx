'use client';

import L from 'leaflet';
import { useEffect, useRef } from 'react';
import { useMap } from 'react-leaflet';
import type { AreaCollection } from '../../../server/protocol/rest';
import { useProjection } from '../../wall/map/support';
import { CASE_ZOOM } from './CaseMap';

/**
 * Frames the open case: on its grid once the outline is known (else on the point
 * at CASE_ZOOM), once per case, whichever arrives first (the map's code or the
 * outline); a case whose point moves is followed without changing the zoom.
 */
export default function CaseFocus({ id, lng, lat, grid }: { id: number; lng: number; lat: number; grid: AreaCollection | null }) {
  const map = useMap();
  const { project } = useProjection();
  const shown = useRef<{ id: number; onGrid: boolean } | null>(null);
  useEffect(() => {
    const at = project(lng, lat);
    const outline = grid && grid.features.length > 0 ? L.geoJSON(grid as GeoJSON.FeatureCollection, { coordsToLatLng: (c) => L.latLng(project(c[0]!, c[1]!)) }).getBounds() : null;
    const shownNow = shown.current;
    if (shownNow?.id === id && (shownNow.onGrid || !outline?.isValid())) {
      if (!map.getBounds().contains(at)) map.panTo(at);
      return;
    }
    if (outline?.isValid()) {
      map.fitBounds(outline.extend(at), { padding: [28, 28], maxZoom: 17, animate: false });
      shown.current = { id, onGrid: true };
    } else {
      map.setView(at, CASE_ZOOM, { animate: false });
      shown.current = { id, onGrid: false };
    }
  }, [map, project, id, lng, lat, grid]);
  return null;
}

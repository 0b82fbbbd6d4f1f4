'use client';

import { useEffect, useRef } from 'react';
import { useMap } from 'react-leaflet';
import { useProjection } from '../../wall/map/support';
import { CASE_ZOOM } from './CaseMap';

/** Centres the map on the case when another case opens (the map itself is kept); a moved point is followed without changing the zoom. */
export default function CaseFocus({ id, lng, lat }: { id: number; lng: number; lat: number }) {
  const map = useMap();
  const { project } = useProjection();
  const shown = useRef<number | null>(null);
  useEffect(() => {
    const at = project(lng, lat);
    if (shown.current !== id) {
      shown.current = id;
      map.setView(at, CASE_ZOOM, { animate: false });
    } else {
      map.panTo(at);
    }
  }, [map, project, id, lng, lat]);
  return null;
}

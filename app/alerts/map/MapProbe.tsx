'use client';

import L from 'leaflet';
import { useEffect } from 'react';
import { useMap } from 'react-leaflet';
import { useProjection } from '../../wall/map/support';

/**
 * For end-to-end tests that draw with the mouse: where a data position ([lng, lat],
 * WGS84) is on the page, in CSS pixels. Read-only; nothing else uses it.
 */
declare global {
  interface Window {
    __hcmDeskMap?: { toPage: (lng: number, lat: number) => [x: number, y: number] };
  }
}

export default function MapProbe() {
  const map = useMap();
  const { project } = useProjection();
  useEffect(() => {
    window.__hcmDeskMap = {
      toPage: (lng, lat) => {
        const point = map.latLngToContainerPoint(L.latLng(project(lng, lat)));
        const box = map.getContainer().getBoundingClientRect();
        return [box.left + point.x, box.top + point.y];
      },
    };
    return () => {
      delete window.__hcmDeskMap;
    };
  }, [map, project]);
  return null;
}

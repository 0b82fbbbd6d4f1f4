'use client';

import type { LeafletMouseEvent } from 'leaflet';
import { useEffect } from 'react';
import { useMap } from 'react-leaflet';
import { useProjection } from '../../wall/map/support';

/** A tap on the map chooses that point (converted back from the display CRS to WGS84). */
export default function PickHandler({ onPick }: { onPick: (lng: number, lat: number) => void }) {
  const map = useMap();
  const { unproject } = useProjection();
  useEffect(() => {
    const container = map.getContainer();
    container.classList.add('report-map-picking');
    const click = (event: LeafletMouseEvent) => {
      const [lng, lat] = unproject(event.latlng.lat, event.latlng.lng);
      onPick(Math.round(lng * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6);
    };
    map.on('click', click);
    return () => {
      map.off('click', click);
      container.classList.remove('report-map-picking');
    };
  }, [map, unproject, onPick]);
  return null;
}

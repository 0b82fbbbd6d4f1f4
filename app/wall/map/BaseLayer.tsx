'use client';

import L from 'leaflet';
import { useEffect } from 'react';
import { useMap } from 'react-leaflet';
import type { BasemapConfig } from '../../../server/protocol/rest';

/** Tile servers whose URL template uses {s}; the others get no subdomains. */
const SUBDOMAINS: Partial<Record<BasemapConfig['kind'], string>> = { tianditu: '01234567', amap: '1234' };

/**
 * The base map from /api/config. `none` draws no tiles at all: the dark
 * background plus admin outlines is the map, so an intranet without a tile
 * server (or a wall that lost its network) stays legible.
 */
export default function BaseLayer({ basemap }: { basemap: BasemapConfig }) {
  const map = useMap();

  useEffect(() => {
    const container = map.getContainer();
    if (basemap.kind === 'none' || !basemap.url) {
      container.classList.add('hcm-no-tiles');
      return () => container.classList.remove('hcm-no-tiles');
    }
    const tiles = L.tileLayer(basemap.url, {
      attribution: basemap.attribution ?? undefined,
      maxZoom: basemap.maxZoom,
      subdomains: SUBDOMAINS[basemap.kind] ?? 'abc',
      className: 'hcm-tiles',
    });
    tiles.addTo(map);
    return () => {
      tiles.remove();
    };
  }, [map, basemap]);

  return null;
}

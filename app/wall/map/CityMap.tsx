'use client';

import 'leaflet/dist/leaflet.css';
import { useMemo, type ReactNode } from 'react';
import { MapContainer, ZoomControl, type MapContainerProps } from 'react-leaflet';
import type { ClientConfig } from '../../../server/protocol/rest';
import BaseLayer from './BaseLayer';
import { makeProjection, ProjectionContext } from './support';

export interface CityMapProps extends Omit<MapContainerProps, 'center' | 'zoom' | 'children'> {
  config: ClientConfig;
  /** Where the map opens, [lng, lat]; the city's centre by default. Read once, like Leaflet's own `center`. */
  at?: readonly [number, number];
  /** The zoom it opens at; the configured city zoom by default. */
  zoom?: number;
  zoomPosition?: 'topleft' | 'topright';
  children?: ReactNode;
}

/**
 * The one map root of every surface (wall, alert desk, dispatch case map, leader view,
 * report app): the projection of the configured base map for the layers below
 * (`useProjection`), a Leaflet map with the shared defaults, the zoom buttons and the
 * base layer. A surface adds its own layers as children and may override any Leaflet
 * option (`preferCanvas`, `zoomSnap`, `dragging`, …). Client-only: Leaflet needs window.
 */
export default function CityMap({ config, at, zoom, zoomPosition = 'topleft', className = 'hcm-map', children, ...options }: CityMapProps) {
  const projection = useMemo(() => makeProjection(config.basemap.crs), [config.basemap.crs]);
  const [lng, lat] = at ?? config.center;
  const center = useMemo(() => projection.project(lng, lat), [projection, lng, lat]);
  return (
    <ProjectionContext value={projection}>
      <MapContainer
        className={className}
        center={center}
        zoom={zoom ?? config.zoom}
        minZoom={5}
        maxZoom={config.basemap.maxZoom}
        zoomSnap={0.25}
        zoomControl={false}
        attributionControl={config.basemap.kind !== 'none'}
        {...options}
      >
        <ZoomControl position={zoomPosition} />
        <BaseLayer basemap={config.basemap} />
        {children}
      </MapContainer>
    </ProjectionContext>
  );
}

'use client';

import 'leaflet/dist/leaflet.css';
import { useMemo } from 'react';
import { MapContainer, ZoomControl } from 'react-leaflet';
import type { ClientConfig } from '../../../server/protocol/rest';
import AlertPolygons from '../../wall/map/AlertPolygons';
import AreaOutlines from '../../wall/map/AreaOutlines';
import BaseLayer from '../../wall/map/BaseLayer';
import FocusHandler from '../../wall/map/FocusHandler';
import GridFill from '../../wall/map/GridFill';
import { makeProjection, ProjectionContext } from '../../wall/map/support';
import DrawControl from './DrawControl';
import MapProbe from './MapProbe';
import PreviewGrids from './PreviewGrids';

/**
 * The desk's map: the wall's own layers (base map, outlines, grids, live alert areas,
 * focus) plus the drawing tool and the preview of the grids a drawn area reaches.
 * Loaded client-only, like the wall's.
 */
export default function DeskMap({ config, canDraw }: { config: ClientConfig; canDraw: boolean }) {
  const projection = useMemo(() => makeProjection(config.basemap.crs), [config.basemap.crs]);
  const center = useMemo(() => projection.project(config.center[0], config.center[1]), [projection, config.center]);

  return (
    <ProjectionContext value={projection}>
      <MapContainer
        className="hcm-map"
        center={center}
        zoom={config.zoom}
        minZoom={5}
        maxZoom={config.basemap.maxZoom}
        zoomSnap={0.25}
        preferCanvas
        zoomControl={false}
        attributionControl={config.basemap.kind !== 'none'}
        worldCopyJump={false}
        doubleClickZoom={false}
      >
        <ZoomControl position="topleft" />
        <BaseLayer basemap={config.basemap} />
        <GridFill visible />
        <AreaOutlines />
        {canDraw ? <PreviewGrids /> : null}
        <AlertPolygons visible />
        <FocusHandler />
        {canDraw ? <DrawControl /> : null}
        <MapProbe />
      </MapContainer>
    </ProjectionContext>
  );
}

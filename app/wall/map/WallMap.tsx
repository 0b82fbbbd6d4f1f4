'use client';

import 'leaflet/dist/leaflet.css';
import { useMemo } from 'react';
import { MapContainer, ZoomControl } from 'react-leaflet';
import type { ClientConfig } from '../../../server/protocol/rest';
import type { LayerPrefs } from '../layer-prefs';
import AlertPolygons from './AlertPolygons';
import AppealHeat from './AppealHeat';
import AreaOutlines from './AreaOutlines';
import AutoTour from './AutoTour';
import BaseLayer from './BaseLayer';
import FocusHandler from './FocusHandler';
import GridFill from './GridFill';
import IncidentPoints from './IncidentPoints';
import WallHotspots from './WallHotspots';
import { makeProjection, ProjectionContext } from './support';

/**
 * The map root, loaded client-only (Leaflet needs window). Canvas everywhere
 * (preferCanvas): outlines, fills and alerts are Canvas paths, incidents one
 * clustered canvas, appeals a heat canvas of per-grid counts; hotspot outlines are
 * SVG (few, and CSS pulses the emerging ones). The layers render nothing themselves.
 */
export default function WallMap({ config, layers }: { config: ClientConfig; layers: LayerPrefs }) {
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
      >
        <ZoomControl position="topleft" />
        <BaseLayer basemap={config.basemap} />
        <GridFill visible={layers.grids} />
        <AreaOutlines />
        <AppealHeat visible={layers.appeals} />
        <AlertPolygons visible={layers.alerts} />
        <WallHotspots visible={layers.hotspots} />
        <IncidentPoints visible={layers.incidents} />
        <FocusHandler />
        <AutoTour />
      </MapContainer>
    </ProjectionContext>
  );
}

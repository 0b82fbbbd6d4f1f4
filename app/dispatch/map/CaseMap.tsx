'use client';

import 'leaflet/dist/leaflet.css';
import { useMemo } from 'react';
import { MapContainer, ZoomControl } from 'react-leaflet';
import type { AreaCollection, CaseDuplicates, CaseSuggestions } from '../../../server/protocol/rest';
import type { CaseEventData } from '../../../server/protocol/wire';
import { useLive } from '../../lib/live-store';
import AreaOutlines from '../../wall/map/AreaOutlines';
import BaseLayer from '../../wall/map/BaseLayer';
import { makeProjection, ProjectionContext } from '../../wall/map/support';
import CaseFocus from './CaseFocus';
import CaseMarkers from './CaseMarkers';
import GridOutline from './GridOutline';
import ResponderMarkers from './ResponderMarkers';

/** Zoom the case map opens at: a unit grid (≈ 300–500 m) with its neighbours. */
export const CASE_ZOOM = 16;

/**
 * The open case on the map, on the wall's base layer and outlines (one set of map
 * layers): its grid's outline, the case, possible duplicates and the community's
 * other open cases, and the responders at their live positions (suggested ones
 * named). Layers render what they are given; nothing here fetches but the outlines.
 */
export default function CaseMap({
  data,
  grid,
  duplicates,
  suggestions,
}: {
  data: CaseEventData;
  grid: AreaCollection | null;
  duplicates: CaseDuplicates['linked'];
  suggestions: CaseSuggestions | null;
}) {
  const config = useLive((s) => s.config);
  const projection = useMemo(() => makeProjection(config?.basemap.crs ?? 'wgs84'), [config?.basemap.crs]);
  const center = useMemo(() => projection.project(data.lng, data.lat), [projection, data.lng, data.lat]);
  const suggested = useMemo(() => {
    const ids = new Set<number>();
    if (suggestions) for (const r of [...suggestions.territorial, ...suggestions.byDepartment, ...suggestions.nearest]) ids.add(r.id);
    return ids;
  }, [suggestions]);
  if (!config) return null;

  return (
    <ProjectionContext value={projection}>
      <div className="map-area case-map" data-testid="case-map">
        <MapContainer
          className="hcm-map"
          center={center}
          zoom={CASE_ZOOM}
          minZoom={8}
          maxZoom={config.basemap.maxZoom}
          zoomSnap={0.25}
          preferCanvas
          zoomControl={false}
          attributionControl={config.basemap.kind !== 'none'}
        >
          <ZoomControl position="topleft" />
          <BaseLayer basemap={config.basemap} />
          <AreaOutlines fit={false} />
          <GridOutline grid={grid} />
          <CaseMarkers data={data} duplicates={duplicates} />
          <ResponderMarkers suggested={suggested} assigneeId={data.assigneeId} />
          <CaseFocus id={data.id} lng={data.lng} lat={data.lat} />
        </MapContainer>
      </div>
    </ProjectionContext>
  );
}

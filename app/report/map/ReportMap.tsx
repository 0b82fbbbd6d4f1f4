'use client';

import type { ClientConfig } from '../../../server/protocol/rest';
import AreaOutlines from '../../wall/map/AreaOutlines';
import CityMap from '../../wall/map/CityMap';
import GridOutlines from '../../wall/map/GridOutlines';
import type { Fix } from '../geo';
import FrameView from './FrameView';
import PickHandler from './PickHandler';
import PointMarkers from './PointMarkers';

export interface ReportMapProps {
  config: ClientConfig;
  /** The case's point [lng, lat] (a task). */
  caseAt?: [number, number] | null;
  /** The point the worker chose for a report [lng, lat]. */
  picked?: [number, number] | null;
  me?: Fix | null;
  /** The area whose grids are outlined (the worker's jurisdiction), and the grid drawn stronger. */
  gridsWithin?: string | null;
  highlightGrid?: string | null;
  /** Taps on the map choose a point. */
  onPick?: (lng: number, lat: number) => void;
  label: string;
}

/**
 * The phone's map (client-only: Leaflet needs window): the shared base layer and
 * district/street outlines of the wall and the grid outlines of the worker's area, plus the report app's own small layers —
 * the case or the chosen point, my position with its accuracy circle, and a tap to
 * pick. The view frames what matters (case and me, or the chosen point), else the
 * worker's jurisdiction.
 */
export default function ReportMap({ config, caseAt = null, picked = null, me = null, gridsWithin = null, highlightGrid = null, onPick, label }: ReportMapProps) {
  return (
    <CityMap config={config} className="hcm-map report-map-canvas" zoomSnap={0.5} preferCanvas zoomPosition="topright" aria-label={label}>
      <AreaOutlines fit={false} />
      {gridsWithin ? <GridOutlines within={gridsWithin} highlight={highlightGrid} /> : null}
      <PointMarkers caseAt={caseAt} picked={picked} me={me} />
      <FrameView config={config} caseAt={caseAt} picked={picked} me={me} />
      {onPick ? <PickHandler onPick={onPick} /> : null}
    </CityMap>
  );
}

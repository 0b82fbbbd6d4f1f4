'use client';

import { useMemo } from 'react';
import type { AreaCollection, CaseDuplicates, CaseSuggestions } from '../../../server/protocol/rest';
import type { CaseEventData } from '../../../server/protocol/wire';
import { useLive } from '../../lib/live-store';
import AreaOutlines from '../../wall/map/AreaOutlines';
import CityMap from '../../wall/map/CityMap';
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
  const suggested = useMemo(() => {
    const ids = new Set<number>();
    if (suggestions) for (const r of [...suggestions.territorial, ...suggestions.byDepartment, ...suggestions.nearest]) ids.add(r.id);
    return ids;
  }, [suggestions]);
  if (!config) return null;

  return (
    <div className="map-area case-map" data-testid="case-map">
      <CityMap config={config} at={[data.lng, data.lat]} zoom={CASE_ZOOM} minZoom={8} preferCanvas>
        <AreaOutlines fit={false} />
        <GridOutline grid={grid} />
        <CaseMarkers data={data} duplicates={duplicates} />
        <ResponderMarkers suggested={suggested} assigneeId={data.assigneeId} />
        <CaseFocus id={data.id} lng={data.lng} lat={data.lat} grid={grid} />
      </CityMap>
    </div>
  );
}

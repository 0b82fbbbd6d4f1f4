'use client';

import type { ClientConfig } from '../../../server/protocol/rest';
import type { LayerPrefs } from '../layer-prefs';
import AlertPolygons from './AlertPolygons';
import AppealHeat from './AppealHeat';
import AreaOutlines from './AreaOutlines';
import AutoTour from './AutoTour';
import CityMap from './CityMap';
import FocusHandler from './FocusHandler';
import GridFill from './GridFill';
import IncidentPoints from './IncidentPoints';
import WallHotspots from './WallHotspots';

/**
 * The map root, loaded client-only (Leaflet needs window). Canvas everywhere
 * (preferCanvas): outlines, fills and alerts are Canvas paths, incidents one
 * clustered canvas, appeals a heat canvas of per-grid counts; hotspot outlines are
 * SVG (few, and CSS pulses the emerging ones). The layers render nothing themselves.
 */
export default function WallMap({ config, layers }: { config: ClientConfig; layers: LayerPrefs }) {
  return (
    <CityMap config={config} preferCanvas worldCopyJump={false}>
      <GridFill visible={layers.grids} />
      <AreaOutlines />
      <AppealHeat visible={layers.appeals} />
      <AlertPolygons visible={layers.alerts} />
      <WallHotspots visible={layers.hotspots} />
      <IncidentPoints visible={layers.incidents} />
      <FocusHandler />
      <AutoTour />
    </CityMap>
  );
}

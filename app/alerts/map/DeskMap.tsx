'use client';

import type { ClientConfig } from '../../../server/protocol/rest';
import AlertPolygons from '../../wall/map/AlertPolygons';
import AreaOutlines from '../../wall/map/AreaOutlines';
import CityMap from '../../wall/map/CityMap';
import FocusHandler from '../../wall/map/FocusHandler';
import GridFill from '../../wall/map/GridFill';
import DrawControl from './DrawControl';
import MapProbe from './MapProbe';
import PreviewGrids from './PreviewGrids';

/**
 * The desk's map: the wall's own layers (base map, outlines, grids, live alert areas,
 * focus) plus the drawing tool and the preview of the grids a drawn area reaches.
 * Loaded client-only, like the wall's.
 */
export default function DeskMap({ config, canDraw }: { config: ClientConfig; canDraw: boolean }) {
  return (
    <CityMap config={config} preferCanvas worldCopyJump={false} doubleClickZoom={false}>
      <GridFill visible />
      <AreaOutlines />
      {canDraw ? <PreviewGrids /> : null}
      <AlertPolygons visible />
      <FocusHandler />
      {canDraw ? <DrawControl /> : null}
      <MapProbe />
    </CityMap>
  );
}

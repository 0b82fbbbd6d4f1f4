'use client';

import { useEffect, useState } from 'react';
import type { AreaCollection, ClientConfig } from '../../../server/protocol/rest';
import type { AreaLevel } from '../../../server/protocol/vocab';
import { isAbort, isUnauthenticated } from '../../lib/api';
import { loadAreas, SIMPLIFY_FOR_LEVEL } from '../../lib/area-loader';
import type { HotspotEventData } from '../../../server/protocol/wire';
import CityMap from '../../wall/map/CityMap';
import HotspotOutlines from '../../wall/map/HotspotOutlines';
import AreaFrame from './AreaFrame';
import ChildShading, { type ChildValue } from './ChildShading';
import type { Scale } from './shade';

/**
 * The leader's map root (client-only: Leaflet needs window): the base map, the
 * current area's outline framed in view, its children shaded by the chosen
 * indicator, and the live appeal hotspots on top (tap one for its topics and areas). SVG rather than canvas: a level has tens of children, each is a
 * tap target, and each path carries its area code for people and tests alike.
 * Shapes come from the shared cached loader; the layers only draw.
 */
export interface LeaderMapProps {
  config: ClientConfig;
  area: { code: string; level: AreaLevel };
  childLevel: AreaLevel | null;
  values: ReadonlyMap<string, ChildValue>;
  scale: Scale;
  onSelect: (code: string) => void;
  /** Live appeal hotspots (aggregate only); tapping one calls onHotspot. */
  hotspots: ReadonlyMap<number, HotspotEventData>;
  onHotspot: (id: number) => void;
}

const RETRY_MS = 8_000;

function useShapes(level: AreaLevel | null, within: string): AreaCollection | null {
  const [loaded, setLoaded] = useState<{ key: string; data: AreaCollection } | null>(null);
  const key = level ? `${level}|${within}` : null;
  useEffect(() => {
    if (!level || !key) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const attempt = () => {
      loadAreas({ level, within, simplify: SIMPLIFY_FOR_LEVEL[level] }).then(
        (data) => {
          if (!cancelled) setLoaded({ key, data });
        },
        (error: unknown) => {
          if (!cancelled && !isAbort(error) && !isUnauthenticated(error)) timer = setTimeout(attempt, RETRY_MS);
        },
      );
    };
    attempt();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [level, within, key]);
  return loaded && loaded.key === key ? loaded.data : null;
}

/** Touch screens pan the page with one finger (the map is part of a scrolling page); pinch still zooms. */
function coarsePointer(): boolean {
  return typeof window !== 'undefined' && window.matchMedia('(pointer: coarse)').matches;
}

export default function LeaderMap({ config, area, childLevel, values, scale, onSelect, hotspots, onHotspot }: LeaderMapProps) {
  const [touch] = useState(coarsePointer);
  const self = useShapes(area.level, area.code);
  const children = useShapes(childLevel, area.code);

  return (
    <CityMap config={config} className="leader-leaflet" zoomPosition="topright" dragging={!touch} scrollWheelZoom={false}>
      <AreaFrame shape={self} code={area.code} />
      {childLevel ? <ChildShading shapes={children} values={values} scale={scale} onSelect={onSelect} /> : null}
      <HotspotOutlines hotspots={hotspots} visible onSelect={onHotspot} />
    </CityMap>
  );
}

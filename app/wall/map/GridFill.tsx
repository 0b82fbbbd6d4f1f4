'use client';

import L from 'leaflet';
import { useEffect, useRef, useState } from 'react';
import { useMap } from 'react-leaflet';
import type { AreaCollection, AreaFeatureProperties, OpenCounts } from '../../../server/protocol/rest';
import type { AreaLevel } from '../../../server/protocol/vocab';
import { fetchAreas, isAbort } from '../../lib/api';
import { boundsToBBox, type BBox } from '../../lib/coords';
import { useT, type Translator } from '../../lib/i18n';
import { useWall } from '../../lib/store';
import { degreesPerPixel } from './geometry';
import { ensurePane, popupContent, sizeScale, useProjection, throttled } from './support';

/**
 * Areas shaded by open cases (incidents + appeals). Unit grids are many, so they
 * are fetched for the view only, from GRID_ZOOM, simplified to about a pixel; below
 * that, communities or districts are shaded with the grid counts summed by code
 * prefix (grid code = district 6 + street 3 + community 3 + grid 3 digits).
 */
const GRID_ZOOM = 13;
const COMMUNITY_ZOOM = 12;
/** Fetched extents are snapped outward to this many degrees, so small pans reuse them. */
const SNAP_DEG = 0.05;
const RESTYLE_MS = 500;
const RETRY_MS = 10_000;

interface Request {
  level: AreaLevel;
  bbox?: BBox;
  simplify: number;
}

/**
 * The level shaded at this zoom. A wall whose jurisdiction is a district or below
 * never shades whole districts: one district alone would always be "the busiest"
 * and fill solid, so it starts at communities.
 */
function levelForZoom(zoom: number, districtWide: boolean): AreaLevel {
  if (zoom >= GRID_ZOOM) return 'grid';
  if (zoom >= COMMUNITY_ZOOM || !districtWide) return 'community';
  return 'district';
}

function snapOut(b: BBox): BBox {
  const down = (v: number) => Math.floor(v / SNAP_DEG) * SNAP_DEG;
  const up = (v: number) => Math.ceil(v / SNAP_DEG) * SNAP_DEG;
  return [down(b[0]), down(b[1]), up(b[2]), up(b[3])];
}

function contains(outer: BBox, inner: BBox): boolean {
  return outer[0] <= inner[0] && outer[1] <= inner[1] && outer[2] >= inner[2] && outer[3] >= inner[3];
}

/** Open counts of each area code, summing grid counts under the code as a prefix. */
function countsFor(codes: Iterable<string>, openByGrid: Readonly<Record<string, OpenCounts>>): Map<string, OpenCounts> {
  const byLength = new Map<number, Map<string, OpenCounts>>();
  const result = new Map<string, OpenCounts>();
  for (const code of codes) {
    let sums = byLength.get(code.length);
    if (!sums) {
      sums = new Map();
      for (const [grid, counts] of Object.entries(openByGrid)) {
        if (grid.length < code.length) continue;
        const key = grid.slice(0, code.length);
        const prev = sums.get(key);
        sums.set(key, prev ? { incidents: prev.incidents + counts.incidents, appeals: prev.appeals + counts.appeals } : counts);
      }
      byLength.set(code.length, sums);
    }
    result.set(code, sums.get(code) ?? { incidents: 0, appeals: 0 });
  }
  return result;
}

/**
 * One-hue (cyan) ramp by the share of the busiest visible area, log scale. Severity
 * owns red/orange/yellow/blue and the heat layer owns purple→yellow, so density
 * stays distinguishable from both.
 */
export const DENSITY_STOPS = ['#155e75', '#0e7490', '#0891b2', '#06b6d4', '#67e8f9'] as const;

function fillFor(total: number, max: number): { fillColor: string; fillOpacity: number } {
  if (total <= 0 || max <= 0) return { fillColor: '#000000', fillOpacity: 0 };
  const t = Math.log1p(total) / Math.log1p(max);
  const colour = DENSITY_STOPS[Math.min(DENSITY_STOPS.length - 1, Math.floor(t * DENSITY_STOPS.length))]!;
  return { fillColor: colour, fillOpacity: 0.14 + 0.34 * t };
}

export default function GridFill({ visible }: { visible: boolean }) {
  const map = useMap();
  const projection = useProjection();
  const openByGrid = useWall((s) => s.openByGrid);
  const scopeLevel = useWall((s) => s.me?.area?.level ?? null);
  const districtWide = scopeLevel === null || scopeLevel === 'city';
  const tr = useT();
  const [request, setRequest] = useState<Request>(() => ({ level: 'district', simplify: degreesPerPixel(10) }));
  const [areas, setAreas] = useState<{ request: Request; data: AreaCollection } | null>(null);
  const layerRef = useRef<L.GeoJSON | null>(null);
  const trRef = useRef<Translator>(tr);

  useEffect(() => {
    trRef.current = tr;
  }, [tr]);

  // Follow the view: choose the level, and for grids the (snapped) extent to fetch.
  useEffect(() => {
    const update = () => {
      const zoom = Math.round(map.getZoom());
      const level = levelForZoom(zoom, districtWide);
      const simplify = Number(degreesPerPixel(Math.min(zoom, 16)).toPrecision(2));
      const view = map.getBounds().pad(0.25);
      const bbox = boundsToBBox(view.getSouthWest(), view.getNorthEast(), projection.unproject);
      setRequest((prev) => {
        if (level === 'district') return prev.level === 'district' ? prev : { level, simplify: degreesPerPixel(10) };
        if (prev.level === level && prev.simplify === simplify && prev.bbox && contains(prev.bbox, bbox)) return prev;
        return { level, simplify, bbox: snapOut(bbox) };
      });
    };
    update();
    map.on('moveend', update);
    return () => {
      map.off('moveend', update);
    };
  }, [map, projection, districtWide]);

  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!visible) return;
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    fetchAreas(request, abort.signal).then(
      (data) => setAreas({ request, data }),
      (error: unknown) => {
        // Unreachable server: keep what is drawn and try again a little later.
        if (!isAbort(error)) timer = setTimeout(() => setAttempt((n) => n + 1), RETRY_MS);
      },
    );
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [request, visible, attempt]);

  // Draw the fetched areas (restyled separately when counts change).
  useEffect(() => {
    if (!areas || !visible) return;
    const pane = ensurePane(map, 'fills');
    const s = sizeScale(map);
    const isGrid = areas.request.level === 'grid';
    const layer = L.geoJSON(areas.data as GeoJSON.FeatureCollection, {
      pane,
      coordsToLatLng: (c) => L.latLng(projection.project(c[0]!, c[1]!)),
      style: { color: '#94a3b8', weight: (isGrid ? 0.6 : 0.8) * s, opacity: isGrid ? 0.35 : 0.2, fillOpacity: 0 },
    });
    layer.addTo(map);
    layerRef.current = layer;
    return () => {
      layer.remove();
      if (layerRef.current === layer) layerRef.current = null;
    };
  }, [areas, visible, map, projection]);

  // Shade by counts; throttled so a burst of events restyles once.
  const lastStyle = useRef(0);
  useEffect(() => {
    const layer = layerRef.current;
    if (!layer || !areas) return;
    const restyle = () => {
      const features = areas.data.features;
      const counts = countsFor(
        features.map((f) => f.properties.code),
        openByGrid,
      );
      let max = 0;
      for (const c of counts.values()) max = Math.max(max, c.incidents + c.appeals);
      layer.eachLayer((child) => {
        const path = child as L.Path & { feature?: { properties: AreaFeatureProperties } };
        const props = path.feature?.properties;
        if (!props) return;
        const c = counts.get(props.code) ?? { incidents: 0, appeals: 0 };
        path.setStyle(fillFor(c.incidents + c.appeals, max));
        path.unbindPopup();
        path.bindPopup(
          () => {
            const t = trRef.current;
            return popupContent(t.areaName(props.name, props.nameEn), [
              [t.t('openIncidents'), t.number(c.incidents)],
              [t.t('openAppeals'), t.number(c.appeals)],
            ]);
          },
          { className: 'hcm-leaflet-popup' },
        );
      });
    };
    return throttled(restyle, lastStyle, RESTYLE_MS);
  }, [areas, openByGrid, visible]);

  return null;
}

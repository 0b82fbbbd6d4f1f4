'use client';

import L from 'leaflet';
import { useEffect, useRef, useState } from 'react';
import { useMap } from 'react-leaflet';
import type { AreaCollection } from '../../../server/protocol/rest';
import { AREA_LEVELS, type Severity } from '../../../server/protocol/vocab';
import { loadAreas } from '../../lib/area-loader';
import { useT } from '../../lib/i18n';
import { useWall, useWallStore } from '../../lib/store';
import { useCityIndicators, useTourState, type TourStatus } from '../extras/WallExtras';
import { ensurePane, overlayInsets, sizeScale, useProjection } from './support';

/**
 * Auto-rotating focus: every N seconds the wall flies to the newest severe alert or
 * to the district with the most overdue cases (taking turns when there are both),
 * holds it for FOCUS_MS with its outline drawn, then flies back to the whole area.
 * Any touch, click, key or wheel on the page pauses it for PAUSE_MS after the last
 * one (someone is using the wall); when it resumes it first returns home. N comes
 * from `?tour=<seconds>` (0 turns it off), default DEFAULT_EVERY_S.
 */
const DEFAULT_EVERY_S = 40;
const FOCUS_MS = 15_000;
const PAUSE_MS = 60_000;
const SEVERE: ReadonlySet<Severity> = new Set(['Extreme', 'Severe']);

function tourEveryMs(): number {
  const raw = new URLSearchParams(window.location.search).get('tour');
  const seconds = raw === null ? DEFAULT_EVERY_S : Number(raw);
  return Number.isFinite(seconds) && seconds > 0 ? Math.max(5, seconds) * 1000 : 0;
}

function reducedMotion(): boolean {
  return window.matchMedia('(prefers-reduced-motion: reduce)').matches;
}

type Target = { bounds: L.LatLngBounds; geometry: GeoJSON.GeoJsonObject; status: Extract<TourStatus, { mode: 'focus' }> };

export default function AutoTour() {
  const map = useMap();
  const tour = useTourState();
  const store = useWallStore();
  const tr = useT();
  const { project } = useProjection();
  const { data } = useCityIndicators();
  const jurisdiction = useWall((s) => s.config?.bounds ?? null);
  const [children, setChildren] = useState<AreaCollection | null>(null);

  // The shapes of the wall area's children (districts on a city wall), once per area.
  const areaCode = data?.area.code ?? null;
  const childLevel = data ? (AREA_LEVELS[AREA_LEVELS.indexOf(data.area.level) + 1] ?? null) : null;
  useEffect(() => {
    if (!areaCode || !childLevel) return;
    let cancelled = false;
    loadAreas({ level: childLevel, within: areaCode, simplify: 0.0006 }).then(
      (shapes) => {
        if (!cancelled) setChildren(shapes);
      },
      () => undefined, // no shapes: the tour shows alerts only
    );
    return () => {
      cancelled = true;
    };
  }, [areaCode, childLevel]);

  // The latest inputs, read when the timer fires (the timer itself is set up once).
  const latest = useRef({ data, children, jurisdiction, tr });
  useEffect(() => {
    latest.current = { data, children, jurisdiction, tr };
  });

  useEffect(() => {
    const every = tourEveryMs();
    if (every === 0) {
      tour.set({ mode: 'off' });
      return;
    }
    const toLatLng = (c: number[]) => L.latLng(project(c[0]!, c[1]!));
    let timer: ReturnType<typeof setTimeout> | undefined;
    let pausedUntil = 0;
    let away = false; // the view is not home (a focus, or someone moved it)
    let turn = 0;
    let ring: L.Layer | null = null;
    const schedule = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(step, ms);
    };
    const clearRing = () => {
      ring?.remove();
      ring = null;
    };
    const fly = (bounds: L.LatLngBounds) => {
      const { topLeft, bottomRight } = overlayInsets(map);
      const options = { paddingTopLeft: topLeft, paddingBottomRight: bottomRight };
      if (reducedMotion()) map.fitBounds(bounds, { ...options, animate: false });
      else map.flyToBounds(bounds, { ...options, duration: 1.6 });
    };
    const home = (): L.LatLngBounds | null => {
      const j = latest.current.jurisdiction;
      if (j) return L.latLngBounds(project(j[0], j[1]), project(j[2], j[3]));
      const shapes = latest.current.children;
      return shapes ? L.geoJSON(shapes as GeoJSON.FeatureCollection, { coordsToLatLng: toLatLng }).getBounds() : null;
    };
    const candidates = (): Target[] => {
      const found: Target[] = [];
      const severe = [...store.getState().alerts.values()].filter((a) => SEVERE.has(a.severity) && a.geometry.coordinates.length > 0);
      const newest = severe.sort((a, b) => b.id - a.id)[0];
      if (newest) {
        const geometry = newest.geometry as GeoJSON.MultiPolygon;
        const bounds = L.geoJSON(geometry, { coordsToLatLng: toLatLng }).getBounds();
        found.push({ bounds, geometry, status: { mode: 'focus', target: 'alert', name: newest.headline } });
      }
      const { data: panel, children: shapes, tr: t } = latest.current;
      const worst = [...(panel?.children ?? [])].filter((c) => c.indicators.overdue > 0).sort((a, b) => b.indicators.overdue - a.indicators.overdue)[0];
      const feature = worst && shapes?.features.find((f) => f.properties.code === worst.code);
      if (worst && feature) {
        const geometry = feature as GeoJSON.Feature;
        found.push({
          bounds: L.geoJSON(geometry, { coordsToLatLng: toLatLng }).getBounds(),
          geometry,
          status: { mode: 'focus', target: 'overdue', name: t.areaName(worst.name, worst.nameEn), overdue: worst.indicators.overdue },
        });
      }
      return found.filter((f) => f.bounds.isValid());
    };
    function step() {
      const now = Date.now();
      if (now < pausedUntil) {
        schedule(pausedUntil - now);
        return;
      }
      clearRing();
      if (away) {
        away = false;
        const bounds = home();
        if (bounds) fly(bounds);
        tour.set({ mode: 'home' });
        schedule(Math.max(5_000, every - FOCUS_MS));
        return;
      }
      const options = candidates();
      const target = options[turn++ % Math.max(1, options.length)];
      if (!target) {
        tour.set({ mode: 'home' });
        schedule(every);
        return;
      }
      fly(target.bounds);
      const s = sizeScale(map);
      ring = L.geoJSON(target.geometry, {
        pane: ensurePane(map, 'labels'),
        interactive: false,
        style: { color: '#ffffff', weight: 3 * s, dashArray: `${10 * s} ${7 * s}`, fill: false },
        coordsToLatLng: toLatLng,
      }).addTo(map);
      away = true;
      tour.set(target.status);
      schedule(FOCUS_MS);
    }
    const onTouch = () => {
      pausedUntil = Date.now() + PAUSE_MS;
      away = true;
      clearRing();
      tour.set({ mode: 'paused' });
      schedule(PAUSE_MS);
    };
    const events = ['pointerdown', 'wheel', 'keydown', 'touchstart'] as const;
    for (const name of events) window.addEventListener(name, onTouch, { passive: true });
    tour.set({ mode: 'home' });
    schedule(every);
    return () => {
      clearTimeout(timer);
      clearRing();
      for (const name of events) window.removeEventListener(name, onTouch);
    };
  }, [map, tour, store, project]);

  return null;
}

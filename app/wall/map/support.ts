'use client';

import type { Map as LeafletMap } from 'leaflet';
import { createContext, useContext } from 'react';
import { makeProjector, makeUnprojector, type DisplayCrs, type Projector, type Unprojector } from '../../lib/coords';

/**
 * Shared bits of the map layers: the display projection (from the base map's CRS),
 * the panes that fix their stacking order, and the size scale for a 4K wall.
 */
export interface Projection {
  crs: DisplayCrs;
  project: Projector;
  unproject: Unprojector;
}

export function makeProjection(crs: DisplayCrs): Projection {
  return { crs, project: makeProjector(crs), unproject: makeUnprojector(crs) };
}

export const ProjectionContext = createContext<Projection>(makeProjection('wgs84'));

export function useProjection(): Projection {
  return useContext(ProjectionContext);
}

/** Stacking order, bottom to top (Leaflet: tiles 200, overlayPane 400 — the heat layer — markers 600). */
export const PANES = {
  fills: 350,
  outlines: 380,
  alerts: 420,
  hotspots: 430,
  points: 450,
  labels: 460,
  /** Hotspot count badges: above the points, and tappable (unlike `labels`). */
  hotspotLabels: 470,
} as const;
export type PaneName = keyof typeof PANES;

/** Creates the pane once per map; layers call this in their effects. */
export function ensurePane(map: LeafletMap, name: PaneName): string {
  if (!map.getPane(name)) {
    const pane = map.createPane(name);
    pane.style.zIndex = String(PANES[name]);
    if (name === 'labels') pane.style.pointerEvents = 'none';
  }
  return name;
}

/**
 * Size factor for strokes, radii and canvas text: 1 on a 1080p screen, 2 on a
 * 3840×2160 wall (points stay visible from across the room), a little under 1 on
 * phones and small laptops so clusters do not swallow the city.
 */
export function sizeScale(map: LeafletMap): number {
  const size = map.getSize();
  return Math.min(2.5, Math.max(0.85, Math.min(size.x / 1920, size.y / 1080)));
}

export const SEVERITY_COLOURS = {
  Extreme: '#ff3b30',
  Severe: '#ff9500',
  Moderate: '#ffd60a',
  Minor: '#32a8ff',
  Unknown: '#9aa5b1',
} as const;

/** Popup body built with textContent only: titles and headlines are reporter input. */
export function popupContent(title: string, rows: Array<[label: string, value: string]>, accent?: string): HTMLElement {
  const root = document.createElement('div');
  root.className = 'hcm-popup';
  const heading = document.createElement('div');
  heading.className = 'hcm-popup-title';
  if (accent) heading.style.borderLeftColor = accent;
  heading.textContent = title;
  root.appendChild(heading);
  const table = document.createElement('dl');
  for (const [label, value] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = value;
    table.append(dt, dd);
  }
  root.appendChild(table);
  return root;
}

/**
 * How much of the map the overlay panels cover, measured from elements marked
 * `data-map-inset` (a marked element inside another visible marked one is skipped).
 * Wider-than-tall elements count against the top or bottom edge, the others against
 * the left or right edge they are nearer to. Fitting the city then keeps it in the
 * free part of the screen, on a wall (side column) and a phone (header strip) alike.
 */
export function overlayInsets(map: LeafletMap): { topLeft: [number, number]; bottomRight: [number, number] } {
  const box = map.getContainer().getBoundingClientRect();
  const inset = { top: 0, right: 0, bottom: 0, left: 0 };
  const visible = (el: Element | null | undefined) => {
    const r = el?.getBoundingClientRect();
    return r !== undefined && r.width > 0 && r.height > 0;
  };
  for (const el of document.querySelectorAll<HTMLElement>('[data-map-inset]')) {
    if (!visible(el) || visible(el.parentElement?.closest('[data-map-inset]'))) continue;
    const r = el.getBoundingClientRect();
    const midX = (r.left + r.right) / 2 - box.left;
    const midY = (r.top + r.bottom) / 2 - box.top;
    if (r.width >= r.height) {
      if (midY < box.height / 2) inset.top = Math.max(inset.top, r.bottom - box.top);
      else inset.bottom = Math.max(inset.bottom, box.bottom - r.top);
    } else if (midX < box.width / 2) {
      inset.left = Math.max(inset.left, r.right - box.left);
    } else {
      inset.right = Math.max(inset.right, box.right - r.left);
    }
  }
  const margin = 12 * sizeScale(map);
  return {
    topLeft: [inset.left + margin, inset.top + margin],
    bottomRight: [inset.right + margin, inset.bottom + margin],
  };
}

/**
 * Runs `work` now if `intervalMs` has passed since it last ran, otherwise once the
 * interval is up; returns the effect cleanup. Layers use it so a burst of store
 * updates costs at most one redraw per interval.
 */
export function throttled(work: () => void, last: { current: number }, intervalMs: number): (() => void) | undefined {
  const run = () => {
    last.current = performance.now();
    work();
  };
  const wait = intervalMs - (performance.now() - last.current);
  if (wait <= 0) {
    run();
    return undefined;
  }
  const timer = setTimeout(run, wait);
  return () => clearTimeout(timer);
}

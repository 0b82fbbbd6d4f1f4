'use client';

import L from 'leaflet';
import { useEffect, useRef, useState } from 'react';
import { useMap } from 'react-leaflet';
import { useWall } from '../../lib/store';
import { useGridPoints } from './grid-points';
import { sizeScale, useProjection, throttled } from './support';

/**
 * Citizen appeals as a heat layer only, and only from aggregates: the shared
 * screens' per-grid counts of the window (k-suppressed, `appeal.density`), each
 * weighted at a point inside its grid. No appeal's position ever reaches the
 * browser (DESIGN §2, issue 11).
 */
const REDRAW_MS = 1000;

type HeatLayer = L.HeatLayer & { _frame?: number | null };
type SimpleHeat = (canvas: HTMLCanvasElement) => unknown;

declare global {
  interface Window {
    L?: typeof L;
    simpleheat?: SimpleHeat & { hcmPatched?: boolean };
  }
}

let pluginLoad: Promise<void> | null = null;

/** leaflet.heat is a classic script expecting a global `L`; load it once, on demand. */
function loadHeatPlugin(): Promise<void> {
  pluginLoad ??= (async () => {
    window.L = L;
    await import('leaflet.heat');
    // simpleheat reads the canvas back every frame; tell the browser up front
    // (Chrome warns about repeated getImageData on a default 2D context).
    const original = window.simpleheat;
    if (original && !original.hcmPatched) {
      const patched = Object.assign(
        (canvas: HTMLCanvasElement) => {
          canvas.getContext('2d', { willReadFrequently: true });
          return original(canvas);
        },
        { hcmPatched: true },
      );
      window.simpleheat = patched;
    }
  })();
  return pluginLoad;
}

export default function AppealHeat({ visible }: { visible: boolean }) {
  const map = useMap();
  const { project } = useProjection();
  const density = useWall((s) => s.density);
  const scope = useWall((s) => s.me?.area?.code ?? null);
  const gridPoints = useGridPoints(density, scope);
  const [layer, setLayer] = useState<HeatLayer | null>(null);

  useEffect(() => {
    let cancelled = false;
    let created: HeatLayer | null = null;
    void loadHeatPlugin().then(() => {
      if (cancelled) return;
      const s = sizeScale(map);
      created = L.heatLayer([], {
        radius: 26 * s,
        blur: 30 * s,
        maxZoom: 14,
        minOpacity: 0.25,
        gradient: { 0.2: '#1e3a8a', 0.45: '#7c3aed', 0.65: '#db2777', 0.85: '#f97316', 1: '#fde047' },
      }) as HeatLayer;
      setLayer(created);
    });
    return () => {
      cancelled = true;
      if (created) {
        // A redraw queued by setLatLngs would run on a removed layer.
        if (created._frame) L.Util.cancelAnimFrame(created._frame);
        created.remove();
      }
      setLayer(null);
    };
  }, [map]);

  useEffect(() => {
    if (!layer) return;
    if (visible) layer.addTo(map);
    else layer.remove();
  }, [layer, visible, map]);

  const lastDraw = useRef(0);
  useEffect(() => {
    if (!layer || !visible) return;
    const draw = () => {
      const points: L.HeatLatLngTuple[] = [];
      let max = 0;
      for (const row of density.values()) {
        for (const [grid, count] of Object.entries(row.cells)) {
          const at = gridPoints.get(grid);
          if (!at) continue;
          const [lat, lng] = project(at[0], at[1]);
          points.push([lat, lng, count]);
          max = Math.max(max, count);
        }
      }
      // The busiest cell is full heat; the others scale to it.
      layer.setOptions({ max: Math.max(1, max) });
      layer.setLatLngs(points);
    };
    return throttled(draw, lastDraw, REDRAW_MS);
  }, [layer, visible, density, gridPoints, project]);

  return null;
}

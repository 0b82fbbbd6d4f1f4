'use client';

import L from 'leaflet';
import { useEffect, useRef, useState } from 'react';
import { useMap } from 'react-leaflet';
import { useWall } from '../../lib/store';
import { sizeScale, useProjection, throttled } from './support';

/**
 * Citizen appeals as a heat layer only: on a shared screen appeals are shown in
 * aggregate, never as individual points (DESIGN §2).
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
  const appeals = useWall((s) => s.appeals);
  const [layer, setLayer] = useState<HeatLayer | null>(null);

  useEffect(() => {
    let cancelled = false;
    let created: HeatLayer | null = null;
    void loadHeatPlugin().then(() => {
      if (cancelled) return;
      const s = sizeScale(map);
      created = L.heatLayer([], {
        radius: 18 * s,
        blur: 22 * s,
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
      for (const a of appeals.values()) {
        const [lat, lng] = project(a.lng, a.lat);
        points.push([lat, lng, 1]);
      }
      layer.setLatLngs(points);
    };
    return throttled(draw, lastDraw, REDRAW_MS);
  }, [layer, visible, appeals, project]);

  return null;
}

'use client';

import L from 'leaflet';
import '@geoman-io/leaflet-geoman-free';
import '@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css';
import { useEffect, useRef } from 'react';
import { useMap } from 'react-leaflet';
import { useLang } from '../../lib/i18n';
import { useProjection, type Projection } from '../../wall/map/support';
import { circlePolygon, ringPolygon } from '../draw-geometry';
import { useDraft, type DraftShape } from '../draft';
import { useDeskT } from '../i18n';

/**
 * The drawing tool (Leaflet-Geoman, without its toolbar: the draw panel arms it).
 * One shape at a time: a new one replaces the last; the drawn shape stays editable
 * (drag its corners, centre or radius) and every change is reported again. What is
 * reported is data: [lng, lat] in WGS84 (through the display projection's inverse),
 * a circle already turned into its polygon (draw-geometry.ts).
 */
const DRAW_STYLE: L.PathOptions = { color: '#38bdf8', weight: 2.5, opacity: 1, fillColor: '#38bdf8', fillOpacity: 0.12 };

type Drawn = L.Polygon | L.Circle;

export default function DrawControl() {
  const map = useMap();
  const projection = useProjection();
  const lang = useLang();
  const desk = useDeskT();
  const { draft, setTool, setShape } = useDraft();
  const drawnRef = useRef<Drawn | null>(null);
  /** True while this component switches Geoman modes itself (its drawend is not the user's cancel). */
  const switching = useRef(false);
  // Handlers registered once read the latest callbacks from here.
  const latest = useRef({ setTool, setShape, projection });
  useEffect(() => {
    latest.current = { setTool, setShape, projection };
  }, [setTool, setShape, projection]);

  useEffect(() => {
    map.pm.setGlobalOptions({
      snappable: false,
      allowSelfIntersection: false,
      continueDrawing: false,
      templineStyle: DRAW_STYLE,
      hintlineStyle: { ...DRAW_STYLE, dashArray: '5 5' },
      pathOptions: DRAW_STYLE,
      exitModeOnEscape: true,
      finishOnEnter: true,
    } as L.PM.GlobalOptions);
  }, [map]);

  useEffect(() => {
    map.pm.setLang(lang === 'zh' ? 'zh' : 'en');
  }, [map, lang]);

  // Geoman's vertex handles are keyboard-focusable markers (role="button") without a name: give them one.
  useEffect(() => {
    const pane = map.getPane('markerPane');
    if (!pane) return;
    const label = () => {
      for (const icon of pane.querySelectorAll<HTMLElement>('.marker-icon')) {
        const text = desk.t(icon.classList.contains('marker-icon-middle') ? 'handleMiddle' : 'handleCorner');
        if (icon.getAttribute('aria-label') !== text) icon.setAttribute('aria-label', text);
      }
    };
    label();
    const observer = new MutationObserver(label);
    observer.observe(pane, { childList: true });
    return () => observer.disconnect();
  }, [map, desk]);

  useEffect(() => {
    const report = (layer: Drawn) => latest.current.setShape(shapeOf(layer, latest.current.projection));
    const onCreate = (event: { layer: L.Layer }) => {
      drawnRef.current?.remove();
      const layer = event.layer as Drawn;
      drawnRef.current = layer;
      layer.pm.enable({ allowSelfIntersection: false, snappable: false });
      layer.on('pm:edit', () => report(layer));
      report(layer);
    };
    const onDrawEnd = () => {
      if (!switching.current) latest.current.setTool(null);
    };
    map.on('pm:create', onCreate);
    map.on('pm:drawend', onDrawEnd);
    return () => {
      map.off('pm:create', onCreate);
      map.off('pm:drawend', onDrawEnd);
      switching.current = true;
      map.pm.disableDraw();
      switching.current = false;
      drawnRef.current?.remove();
      drawnRef.current = null;
    };
  }, [map]);

  useEffect(() => {
    switching.current = true;
    if (draft.tool) map.closePopup();
    if (draft.tool === 'polygon') map.pm.enableDraw('Polygon');
    else if (draft.tool === 'circle') map.pm.enableDraw('Circle');
    else map.pm.disableDraw();
    switching.current = false;
    map.getContainer().setAttribute('data-draw-tool', draft.tool ?? 'none');
  }, [map, draft.tool]);

  useEffect(() => {
    if (draft.clearCount === 0) return;
    drawnRef.current?.remove();
    drawnRef.current = null;
  }, [draft.clearCount]);

  return null;
}

function shapeOf(layer: Drawn, { unproject }: Projection): DraftShape | null {
  if (layer instanceof L.Circle) {
    const centre = layer.getLatLng();
    const [lng, lat] = unproject(centre.lat, centre.lng);
    const radiusM = layer.getRadius();
    return { kind: 'circle', geometry: circlePolygon(lng, lat, radiusM), vertices: 0, radiusM };
  }
  const rings = layer.getLatLngs() as L.LatLng[][];
  const ring = rings[0] ?? [];
  const geometry = ringPolygon(ring.map((ll) => [...unproject(ll.lat, ll.lng)] as [number, number]));
  return geometry ? { kind: 'polygon', geometry, vertices: ring.length, radiusM: null } : null;
}

import L from 'leaflet';
import Supercluster, { type ClusterFeature, type PointFeature } from 'supercluster';
import { boundsToBBox } from '../../lib/coords';
import { sizeScale, type Projection } from './support';

/**
 * Clustered points on one <canvas>: supercluster aggregates at low zoom, single
 * points at high zoom, never a DOM element per point. The canvas is re-laid on
 * `moveend` (it pans with the map pane in between and hides during zoom animation).
 * Clicks are hit-tested against what was last drawn.
 *
 * SLA alarms ring a point or cluster (its worst member): amber for warning, red for
 * overdue. Overdue halos are drawn on a second canvas that CSS pulses (opacity only,
 * composited, no redraw per frame); escalated cases carry a small triangle mark.
 */
export const ALARM = { none: 0, warning: 1, overdue: 2 } as const;
export type Alarm = (typeof ALARM)[keyof typeof ALARM];

export interface CanvasPoint {
  id: number;
  lng: number;
  lat: number;
  /** 0 = worst; clusters take the worst rank of their members. */
  rank: number;
  /** SLA alarm; clusters take the highest of their members. */
  alarm: Alarm;
  escalated: boolean;
}

interface PointProps {
  id: number;
  rank: number;
  alarm: Alarm;
  escalated: boolean;
}
interface ClusterAgg {
  rank: number;
  alarm: Alarm;
  escalated: boolean;
}

const RING_COLOURS: Record<Alarm, string | null> = { 0: null, 1: '#ffb020', 2: '#ff2d2d' };

interface Drawn {
  x: number;
  y: number;
  r: number;
  feature: ClusterFeature<ClusterAgg> | PointFeature<PointProps>;
}

export interface ClusterCanvasOptions {
  pane: string;
  projection: Projection;
  /** Fill colour and whether text on it should be dark. */
  colourOfRank: (rank: number) => { fill: string; darkText: boolean };
  onPointClick: (id: number, latlng: L.LatLng) => void;
}

/** Supercluster's pixel radius is in 512-px tile space; Leaflet tiles are 256 px. */
const CLUSTER_RADIUS = 110;
const CLUSTER_MAX_ZOOM = 15;

export class ClusterCanvas {
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  /** Overdue halos only, pulsed by CSS (.hcm-pulse-canvas). */
  private readonly pulse: HTMLCanvasElement;
  private readonly pulseCtx: CanvasRenderingContext2D;
  private index: Supercluster<PointProps, ClusterAgg> | null = null;
  private points: readonly CanvasPoint[] = [];
  private drawn: Drawn[] = [];
  private scale = 1;
  private visible = true;

  constructor(
    private readonly map: L.Map,
    private readonly options: ClusterCanvasOptions,
  ) {
    this.canvas = L.DomUtil.create('canvas', 'hcm-point-canvas leaflet-zoom-hide');
    this.ctx = this.canvas.getContext('2d')!;
    this.pulse = L.DomUtil.create('canvas', 'hcm-pulse-canvas leaflet-zoom-hide');
    this.pulseCtx = this.pulse.getContext('2d')!;
    map.getPane(options.pane)!.append(this.pulse, this.canvas);
    map.on('moveend', this.reset);
    map.on('resize', this.onResize);
    map.on('click', this.onClick);
    map.on('mousemove', this.onMouseMove);
    this.scale = sizeScale(map);
    this.reset();
  }

  destroy(): void {
    this.map.off('moveend', this.reset);
    this.map.off('resize', this.onResize);
    this.map.off('click', this.onClick);
    this.map.off('mousemove', this.onMouseMove);
    this.map.getContainer().classList.remove('hcm-pointer');
    this.canvas.remove();
    this.pulse.remove();
    this.index = null;
    this.drawn = [];
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.canvas.style.display = visible ? '' : 'none';
    this.pulse.style.display = visible ? '' : 'none';
    this.draw();
  }

  setPoints(points: readonly CanvasPoint[]): void {
    this.points = points;
    this.rebuild();
    this.draw();
  }

  private rebuild(): void {
    const index = new Supercluster<PointProps, ClusterAgg>({
      radius: CLUSTER_RADIUS * this.scale,
      maxZoom: CLUSTER_MAX_ZOOM,
      map: (props) => ({ rank: props.rank, alarm: props.alarm, escalated: props.escalated }),
      reduce: (acc, props) => {
        acc.rank = Math.min(acc.rank, props.rank);
        if (props.alarm > acc.alarm) acc.alarm = props.alarm;
        acc.escalated = acc.escalated || props.escalated;
      },
    });
    index.load(
      this.points.map((p) => ({
        type: 'Feature' as const,
        geometry: { type: 'Point' as const, coordinates: [p.lng, p.lat] },
        properties: { id: p.id, rank: p.rank, alarm: p.alarm, escalated: p.escalated },
      })),
    );
    this.index = index;
  }

  private readonly onResize = (): void => {
    const scale = sizeScale(this.map);
    if (scale !== this.scale) {
      this.scale = scale;
      this.rebuild();
    }
    this.reset();
  };

  /** Re-lays the canvas over the current view and redraws. */
  private readonly reset = (): void => {
    const size = this.map.getSize();
    const dpr = window.devicePixelRatio || 1;
    const width = Math.round(size.x * dpr);
    const height = Math.round(size.y * dpr);
    for (const canvas of [this.canvas, this.pulse]) {
      L.DomUtil.setPosition(canvas, this.map.containerPointToLayerPoint([0, 0]));
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
        canvas.style.width = `${size.x}px`;
        canvas.style.height = `${size.y}px`;
      }
    }
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.pulseCtx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.draw();
  };

  private draw(): void {
    const { ctx, map } = this;
    const size = map.getSize();
    ctx.clearRect(0, 0, size.x, size.y);
    this.pulseCtx.clearRect(0, 0, size.x, size.y);
    this.drawn = [];
    if (!this.visible || !this.index || this.points.length === 0) return;
    const { project, unproject } = this.options.projection;
    const view = map.getBounds().pad(0.15);
    const bbox = boundsToBBox(view.getSouthWest(), view.getNorthEast(), unproject);
    const zoom = Math.round(map.getZoom());
    const features = this.index.getClusters(bbox, zoom);
    const s = this.scale;
    // Alarmed last, then worst severity last, so they are drawn on top.
    features.sort((a, b) => a.properties.alarm - b.properties.alarm || b.properties.rank - a.properties.rank);
    for (const feature of features) {
      const [lng, lat] = feature.geometry.coordinates as [number, number];
      const p = map.latLngToContainerPoint(project(lng, lat));
      const { fill, darkText } = this.options.colourOfRank(feature.properties.rank);
      if ('cluster' in feature.properties && feature.properties.cluster) {
        const count = feature.properties.point_count;
        const r = (9 + 2.6 * Math.log2(count)) * s;
        ctx.beginPath();
        ctx.arc(p.x, p.y, r + 4 * s, 0, Math.PI * 2);
        ctx.fillStyle = withAlpha(fill, 0.28);
        ctx.fill();
        ctx.beginPath();
        ctx.arc(p.x, p.y, r, 0, Math.PI * 2);
        ctx.fillStyle = withAlpha(fill, 0.92);
        ctx.fill();
        ctx.lineWidth = 1.5 * s;
        ctx.strokeStyle = 'rgba(11,18,32,0.9)';
        ctx.stroke();
        ctx.fillStyle = darkText ? '#0b1220' : '#ffffff';
        ctx.font = `700 ${Math.round((count >= 1000 ? 10 : 12) * s)}px system-ui, sans-serif`;
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        ctx.fillText(String(feature.properties.point_count_abbreviated), p.x, p.y + 0.5 * s);
        this.mark(p, r + 4 * s, feature.properties);
        this.drawn.push({ x: p.x, y: p.y, r: r + 4 * s, feature });
      } else {
        const r = 5.5 * s;
        ctx.beginPath();
        ctx.arc(p.x, p.y, r, 0, Math.PI * 2);
        ctx.fillStyle = fill;
        ctx.fill();
        ctx.lineWidth = 1.5 * s;
        ctx.strokeStyle = 'rgba(11,18,32,0.95)';
        ctx.stroke();
        this.mark(p, r + 1.5 * s, feature.properties);
        this.drawn.push({ x: p.x, y: p.y, r: r + 3 * s, feature });
      }
    }
  }

  /** The SLA ring (and the pulsing halo when overdue) and the escalation mark around a drawn point or cluster. */
  private mark(p: L.Point, r: number, props: { alarm: Alarm; escalated: boolean }): void {
    const { ctx, scale: s } = this;
    const ring = RING_COLOURS[props.alarm];
    if (ring) {
      ctx.beginPath();
      ctx.arc(p.x, p.y, r + 1.5 * s, 0, Math.PI * 2);
      ctx.lineWidth = 2.5 * s;
      ctx.strokeStyle = ring;
      ctx.stroke();
    }
    if (props.alarm === ALARM.overdue) {
      const halo = this.pulseCtx;
      halo.beginPath();
      halo.arc(p.x, p.y, r + 6 * s, 0, Math.PI * 2);
      halo.fillStyle = 'rgba(255,45,45,0.35)';
      halo.fill();
    }
    if (props.escalated) {
      // A small up-pointing triangle at the upper right: "raised to the level above".
      const x = p.x + r * 0.8;
      const y = p.y - r * 0.8;
      const h = 4.5 * s;
      ctx.beginPath();
      ctx.moveTo(x, y - h);
      ctx.lineTo(x + h, y + h * 0.7);
      ctx.lineTo(x - h, y + h * 0.7);
      ctx.closePath();
      ctx.fillStyle = '#ffffff';
      ctx.fill();
      ctx.lineWidth = 1.2 * s;
      ctx.strokeStyle = '#ff2d2d';
      ctx.stroke();
    }
  }

  private hit(point: L.Point): Drawn | null {
    let best: Drawn | null = null;
    let bestDistance = Infinity;
    // Later entries are drawn on top: prefer them on ties.
    for (let i = this.drawn.length - 1; i >= 0; i--) {
      const d = this.drawn[i]!;
      const distance = Math.hypot(d.x - point.x, d.y - point.y);
      if (distance <= d.r && distance < bestDistance) {
        best = d;
        bestDistance = distance;
      }
    }
    return best;
  }

  private readonly onClick = (event: L.LeafletMouseEvent): void => {
    if (!this.visible || !this.index) return;
    const target = this.hit(event.containerPoint);
    if (!target) return;
    const [lng, lat] = target.feature.geometry.coordinates as [number, number];
    const latlng = L.latLng(this.options.projection.project(lng, lat));
    const props = target.feature.properties;
    if ('cluster' in props && props.cluster) {
      this.map.closePopup();
      const zoom = Math.min(this.index.getClusterExpansionZoom(props.cluster_id), this.map.getMaxZoom());
      this.map.flyTo(latlng, Math.max(zoom, this.map.getZoom() + 1));
    } else {
      this.options.onPointClick((props as PointProps).id, latlng);
    }
  };

  private readonly onMouseMove = (event: L.LeafletMouseEvent): void => {
    const over = this.visible && this.hit(event.containerPoint) !== null;
    this.map.getContainer().classList.toggle('hcm-pointer', over);
  };
}

function withAlpha(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`;
}

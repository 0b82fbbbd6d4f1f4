import type L from 'leaflet';
import type { PaneName } from './support';

/**
 * Keeps a map's text labels readable where areas are small (a city's central
 * districts on a phone, a street beside a hotspot on the wall): a label that would
 * overlap a label placed before it, or a hotspot's count badge, is hidden. Labels
 * are placed by class in the order given (district names before street names), and
 * within a class largest area first (`data-priority` on the label's content). A
 * hidden area is still drawn and tappable. Runs again after every zoom and whenever
 * a label or a badge comes or goes.
 */
export interface DeclutterOptions {
  /** Label selectors, most important first. */
  labels: readonly string[];
}

const HIDDEN = 'hcm-label-hidden';
const OBSTACLES = '.hcm-hotspot-badge';
/** The panes whose layers change what collides. */
const WATCHED_PANES: ReadonlySet<string> = new Set<PaneName>(['labels', 'hotspotLabels']);

function overlaps(a: DOMRect, b: DOMRect): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

function priorityOf(label: HTMLElement): number {
  return Number(label.querySelector<HTMLElement>('[data-priority]')?.dataset.priority ?? 0);
}

/** Hides the labels in `container` that collide; returns how many stay visible (also `data-labels-shown`). */
export function declutterLabels(container: HTMLElement, { labels }: DeclutterOptions): number {
  const placed = [...container.querySelectorAll<HTMLElement>(OBSTACLES)].map((badge) => badge.getBoundingClientRect());
  let shown = 0;
  for (const selector of labels) {
    const group = [...container.querySelectorAll<HTMLElement>(selector)];
    for (const label of group) label.classList.remove(HIDDEN);
    for (const label of group.sort((a, b) => priorityOf(b) - priorityOf(a))) {
      const box = label.getBoundingClientRect();
      if (placed.some((other) => overlaps(box, other))) {
        label.classList.add(HIDDEN);
        continue;
      }
      placed.push(box);
      shown++;
    }
  }
  container.setAttribute('data-labels-shown', String(shown));
  return shown;
}

/** Declutters now and after every zoom or label/badge change (once per frame); returns the cleanup. */
export function keepLabelsDecluttered(map: L.Map, options: DeclutterOptions): () => void {
  let frame: number | null = null;
  const run = () => {
    if (frame !== null) return;
    frame = requestAnimationFrame(() => {
      frame = null;
      declutterLabels(map.getContainer(), options);
    });
  };
  const changed = (event: L.LayerEvent) => {
    const pane = (event.layer.options as { pane?: string } | undefined)?.pane;
    if (pane && WATCHED_PANES.has(pane)) run();
  };
  run();
  map.on('zoomend', run);
  map.on('layeradd layerremove', changed);
  return () => {
    map.off('zoomend', run);
    map.off('layeradd layerremove', changed);
    if (frame !== null) cancelAnimationFrame(frame);
  };
}

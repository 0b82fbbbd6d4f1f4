import type L from 'leaflet';

/**
 * Keeps the leader map's area labels readable where areas are small (the city's
 * central districts on a phone): a label that would overlap a label placed before
 * it, or a hotspot's count badge, is hidden. Labels are placed largest area first
 * (`data-priority` on the label's content); a hidden area is still shaded and
 * tappable, and named in the ranking below the map. Runs again after every zoom and
 * whenever a layer (a hotspot badge) is added.
 */
const LABEL = '.leader-map-label';
const HIDDEN = 'leader-map-label-hidden';
const OBSTACLES = '.hcm-hotspot-badge';

function overlaps(a: DOMRect, b: DOMRect): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

function priorityOf(label: HTMLElement): number {
  return Number(label.querySelector<HTMLElement>('[data-priority]')?.dataset.priority ?? 0);
}

/** Hides the labels in `container` that collide; returns how many stay visible. */
export function declutterLabels(container: HTMLElement): number {
  const labels = [...container.querySelectorAll<HTMLElement>(LABEL)];
  for (const label of labels) label.classList.remove(HIDDEN);
  const placed = [...container.querySelectorAll<HTMLElement>(OBSTACLES)].map((badge) => badge.getBoundingClientRect());
  let shown = 0;
  for (const label of labels.sort((a, b) => priorityOf(b) - priorityOf(a))) {
    const box = label.getBoundingClientRect();
    if (placed.some((other) => overlaps(box, other))) {
      label.classList.add(HIDDEN);
      continue;
    }
    placed.push(box);
    shown++;
  }
  container.setAttribute('data-labels-shown', String(shown));
  return shown;
}

/** Declutters now and after every zoom or added layer (once per frame); returns the cleanup. */
export function keepLabelsDecluttered(map: L.Map): () => void {
  let frame: number | null = null;
  const run = () => {
    if (frame !== null) return;
    frame = requestAnimationFrame(() => {
      frame = null;
      declutterLabels(map.getContainer());
    });
  };
  run();
  map.on('zoomend layeradd', run);
  return () => {
    map.off('zoomend layeradd', run);
    if (frame !== null) cancelAnimationFrame(frame);
  };
}

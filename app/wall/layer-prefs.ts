'use client';

import { createPref } from '../lib/prefs';

/** Which overlay layers are on; kept per screen so a wall comes back as it was set up. */
export interface LayerPrefs {
  incidents: boolean;
  /** Appeal heat (per-grid counts, k-suppressed). */
  appeals: boolean;
  hotspots: boolean;
  alerts: boolean;
  grids: boolean;
}

export const LAYER_KEYS = ['incidents', 'appeals', 'hotspots', 'alerts', 'grids'] as const satisfies readonly (keyof LayerPrefs)[];

const DEFAULTS: LayerPrefs = { incidents: true, appeals: true, hotspots: true, alerts: true, grids: true };

export const layerPrefs = createPref<LayerPrefs>('hcm.layers', DEFAULTS, (raw) => {
  if (typeof raw !== 'object' || raw === null) return null;
  const record = raw as Record<string, unknown>;
  const result = { ...DEFAULTS };
  for (const key of LAYER_KEYS) if (typeof record[key] === 'boolean') result[key] = record[key];
  return result;
});

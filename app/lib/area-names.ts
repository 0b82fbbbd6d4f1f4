'use client';

import { useEffect, useState } from 'react';
import { fetchAreas, loadWithRetry } from './api';

/**
 * Names of districts and streets by code, for labelling events in lists ("where").
 * Fetched once with heavy simplification (the geometry is thrown away).
 */
export interface AreaName {
  name: string;
  nameEn: string | null;
}
export type AreaNames = ReadonlyMap<string, AreaName>;

const RETRY_MS = 15_000;
let cache: AreaNames | null = null;

export function useAreaNames(): AreaNames | null {
  const [names, setNames] = useState<AreaNames | null>(cache);
  useEffect(() => {
    if (names) return;
    return loadWithRetry(
      (signal) =>
        Promise.all([
          fetchAreas({ level: 'district', simplify: 0.05 }, signal),
          fetchAreas({ level: 'street', simplify: 0.05 }, signal),
        ]),
      (collections) => {
        const map = new Map<string, AreaName>();
        for (const c of collections) for (const f of c.features) map.set(f.properties.code, f.properties);
        // An empty database gives nothing to cache; ask again on the next mount.
        if (map.size > 0) cache = map;
        setNames(map);
      },
      RETRY_MS,
    );
  }, [names]);
  return names;
}

/** District and street of a grid code (district 6 + street 3 digits), as far as known. */
export function placeOf(grid: string | null, names: AreaNames | null, pick: (n: AreaName) => string): string | null {
  if (!grid || !names) return null;
  const district = names.get(grid.slice(0, 6));
  const street = names.get(grid.slice(0, 9));
  const parts = [district, street].filter((x): x is AreaName => x !== undefined).map(pick);
  return parts.length > 0 ? parts.join(' · ') : null;
}

'use client';

import { useEffect, useMemo, useState } from 'react';
import type { AppealDensityData } from '../../../server/protocol/wire';
import { isAbort, isUnauthenticated } from '../../lib/api';
import { loadAreas } from '../../lib/area-loader';
import { labelPoint } from './geometry';

/** Coarse grid shapes are plenty for one point each (degrees, ≈ 50 m). */
const SIMPLIFY = 0.0005;
const RETRY_MS = 10_000;

/**
 * Where each unit grid's appeal count is drawn: a point inside the grid (its label
 * point), from the grid shapes of each district the density covers, fetched once per
 * district through the shared area loader. A jurisdiction below a district (a street
 * wall) loads only its own grids: that is all its density rows name.
 */
export function useGridPoints(density: ReadonlyMap<string, AppealDensityData>, scope: string | null): ReadonlyMap<string, [lng: number, lat: number]> {
  const withins = useMemo(() => {
    const codes = new Set<string>();
    for (const row of density.values()) {
      if (Object.keys(row.cells).length === 0) continue;
      codes.add(scope && scope.length > row.area.length && scope.startsWith(row.area) ? scope : row.area);
    }
    return [...codes].sort();
  }, [density, scope]);
  const key = withins.join(',');
  const [loaded, setLoaded] = useState<Map<string, Map<string, [number, number]>>>(() => new Map());

  useEffect(() => {
    let cancelled = false;
    const timers: Array<ReturnType<typeof setTimeout>> = [];
    const load = (within: string) => {
      loadAreas({ level: 'grid', within, simplify: SIMPLIFY }).then(
        (areas) => {
          if (cancelled) return;
          const points = new Map<string, [number, number]>();
          for (const feature of areas.features) {
            const p = labelPoint(feature);
            if (p) points.set(feature.properties.code, p);
          }
          setLoaded((prev) => new Map(prev).set(within, points));
        },
        (error: unknown) => {
          if (!cancelled && !isAbort(error) && !isUnauthenticated(error)) timers.push(setTimeout(() => load(within), RETRY_MS));
        },
      );
    };
    for (const within of key ? key.split(',') : []) if (!loaded.has(within)) load(within);
    return () => {
      cancelled = true;
      for (const timer of timers) clearTimeout(timer);
    };
    // `loaded` is read only to skip what is there; a new load must not restart the others.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  return useMemo(() => {
    const all = new Map<string, [number, number]>();
    for (const points of loaded.values()) for (const [code, p] of points) all.set(code, p);
    return all;
  }, [loaded]);
}

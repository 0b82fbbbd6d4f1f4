'use client';

import type { AreaCollection } from '../../server/protocol/rest';
import type { AreaLevel } from '../../server/protocol/vocab';
import { fetchAreas } from './api';

/**
 * Area shapes by (level, within, simplify), fetched once per page and shared by every
 * view that draws them (STYLE 20: layers render, one cached loader fetches). Outlines
 * do not change while a page is open; a failed load is forgotten so the next ask
 * tries again. Bounded: the oldest entry leaves first.
 */
export interface AreaQuery {
  level: AreaLevel;
  within?: string;
  simplify?: number;
}

const MAX_ENTRIES = 64;
const cache = new Map<string, Promise<AreaCollection>>();

const keyOf = (q: AreaQuery) => `${q.level}|${q.within ?? ''}|${q.simplify ?? ''}`;

export function loadAreas(query: AreaQuery): Promise<AreaCollection> {
  const key = keyOf(query);
  const hit = cache.get(key);
  if (hit) {
    // Most recently used last.
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  // Not tied to one caller's AbortSignal: a shared answer must outlive the view that asked first.
  const pending = fetchAreas(query).catch((error: unknown) => {
    cache.delete(key);
    throw error;
  });
  cache.set(key, pending);
  while (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  return pending;
}

/** Degrees of simplification that keep a shape of this level crisp at the zoom its parent fills a phone. */
export const SIMPLIFY_FOR_LEVEL: Record<AreaLevel, number> = {
  city: 0.002,
  district: 0.0008,
  street: 0.0003,
  community: 0.00012,
  grid: 0.00005,
};

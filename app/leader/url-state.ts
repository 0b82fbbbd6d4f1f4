'use client';

import { useCallback, useMemo } from 'react';
import type { IndicatorKey } from '../lib/indicator-format';
import { navigate, useNow, useSearch } from '../lib/location-search';
import { isDate, presetPeriod, type Period } from '../lib/period';

/**
 * Where the leader is (area, period, shading indicator) lives in the address:
 * `/leader?area=520103&from=2026-05-01&to=2026-05-08&shade=overdue`. A reload keeps
 * the place, a link can be shared, and the phone's back button climbs back up the
 * drill-down. Drilling and changing the period push a history entry; changing the
 * shading replaces it.
 */
export interface LeaderLocation {
  /** null: the caller's jurisdiction. */
  area: string | null;
  period: Period;
  shade: ShadeChoice;
}

export const SHADE_CHOICES = [
  'overdue',
  'open',
  'score',
  'onTimeHandleRate',
  'closeRate',
  'onTimeCloseRate',
  'reworkRate',
  'dispatchAccuracy',
  'avgHandleHours',
  'reported',
  'closed',
  'repeated',
  'repeatRate',
] as const satisfies readonly IndicatorKey[];
export type ShadeChoice = (typeof SHADE_CHOICES)[number];
const DEFAULT_SHADE: ShadeChoice = 'overdue';

const AREA_CODE = /^\d{6,15}$/;

export function parseLocation(search: string, now: number): LeaderLocation {
  const q = new URLSearchParams(search);
  const area = q.get('area');
  const from = q.get('from');
  const to = q.get('to');
  const shade = q.get('shade');
  const period = from && to && isDate(from) && isDate(to) && from < to ? { from, to } : presetPeriod('today', now);
  return {
    area: area && AREA_CODE.test(area) ? area : null,
    period,
    shade: (SHADE_CHOICES as readonly string[]).includes(shade ?? '') ? (shade as ShadeChoice) : DEFAULT_SHADE,
  };
}

export function searchOf(location: LeaderLocation): string {
  const q = new URLSearchParams();
  if (location.area) q.set('area', location.area);
  q.set('from', location.period.from);
  q.set('to', location.period.to);
  if (location.shade !== DEFAULT_SHADE) q.set('shade', location.shade);
  return `?${q}`;
}

/** The leader's place and a setter (push: a new history entry; otherwise replace). */
export function useLeaderLocation(): [LeaderLocation, (next: LeaderLocation, mode: 'push' | 'replace') => void] {
  const search = useSearch();
  const now = useNow();
  const location = useMemo(() => parseLocation(search, now), [search, now]);
  const go = useCallback((next: LeaderLocation, mode: 'push' | 'replace') => navigate(searchOf(next), mode), []);
  return [location, go];
}

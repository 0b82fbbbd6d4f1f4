'use client';

import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { IndicatorPanel } from '../../../server/protocol/rest';
import { fetchIndicatorPanel } from '../../lib/indicators-api';
import { useLiveQuery, type LiveQueryState } from '../../lib/live-query';
import { useWall, useWallStore } from '../../lib/store';
import { presetPeriod, shanghaiToday } from '../../lib/period';
import './extras.css';

/**
 * What the wall's newer parts share: today's indicators of the wall's area with its
 * children ranked (the KPI strip shows them, the tour picks the district with the
 * most overdue from them), re-read on live case events; and the tour's status (the
 * map-side tour writes it, a chip shows it).
 */
export type CityIndicators = LiveQueryState<IndicatorPanel> & { allowed: boolean };

/** Who may read the indicator panel (server/auth/permissions.ts `indicators.panel`): a grid worker's wall has no strip. */
const PANEL_ROLES: ReadonlySet<string> = new Set(['admin', 'leader', 'duty_officer', 'dispatcher', 'display']);

const CityIndicatorsContext = createContext<CityIndicators | null>(null);

export function useCityIndicators(): CityIndicators {
  const value = useContext(CityIndicatorsContext);
  if (!value) throw new Error('useCityIndicators outside <WallExtras>');
  return value;
}

export type TourStatus =
  | { mode: 'off' }
  | { mode: 'home' }
  | { mode: 'paused' }
  | { mode: 'focus'; target: 'overdue'; name: string; overdue: number }
  | { mode: 'focus'; target: 'alert'; name: string };

/** The tour's status as an external store: written by the map's AutoTour, read by the chip. */
export class TourState {
  private status: TourStatus = { mode: 'home' };
  private readonly listeners = new Set<() => void>();
  get = (): TourStatus => this.status;
  set(status: TourStatus): void {
    this.status = status;
    for (const listener of this.listeners) listener();
  }
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

const TourContext = createContext<TourState>(new TourState());

export function useTourState(): TourState {
  return useContext(TourContext);
}

export function useTourStatus(): TourStatus {
  const tour = useTourState();
  return useSyncExternalStore(tour.subscribe, tour.get, tour.get);
}

/** Today's Shanghai date, re-read every minute so the strip rolls over at midnight. */
function useToday(): string {
  const [today, setToday] = useState(() => shanghaiToday(Date.now()));
  useEffect(() => {
    const timer = setInterval(() => setToday(shanghaiToday(Date.now())), 60_000);
    return () => clearInterval(timer);
  }, []);
  return today;
}

export default function WallExtras({ children }: { children: ReactNode }) {
  const store = useWallStore();
  const [tour] = useState(() => new TourState());
  // Wait for the wall's own first load: the panel follows the signed-in actor's jurisdiction.
  const role = useWall((s) => s.me?.role ?? null);
  const allowed = role !== null && PANEL_ROLES.has(role);
  const today = useToday();
  const indicators = useLiveQuery<IndicatorPanel>(
    allowed ? today : null,
    (signal) => fetchIndicatorPanel(null, presetPeriod('today', Date.now()), signal),
    store,
  );
  return (
    <CityIndicatorsContext value={{ ...indicators, allowed }}>
      <TourContext value={tour}>{children}</TourContext>
    </CityIndicatorsContext>
  );
}

'use client';

import { createContext, useContext, useEffect, useSyncExternalStore } from 'react';
import type { DutySharer, DutyState } from './duty';
import type { GeoState, GeoTracker } from './geo';
import type { OutboxItem } from './outbox';
import type { OutboxRunner } from './outbox-runner';

export type ReportTab = 'tasks' | 'report' | 'outbox';

export interface Toast {
  id: number;
  text: string;
  tone: 'info' | 'ok' | 'warn' | 'bad';
}

/** What ReportShell hands down besides the store: the outbox, the position, duty, navigation, toasts. */
export interface ReportContextValue {
  /** Null until it is known whose queue this is. */
  runner: OutboxRunner | null;
  geo: GeoTracker;
  duty: DutySharer;
  tab: ReportTab;
  setTab: (tab: ReportTab) => void;
  toast: (text: string, tone?: Toast['tone']) => void;
  toasts: Toast[];
  signOut: () => void;
}

export const ReportContext = createContext<ReportContextValue | null>(null);

export function useReportContext(): ReportContextValue {
  const value = useContext(ReportContext);
  if (!value) throw new Error('useReportContext outside <ReportContext>');
  return value;
}

const NO_ITEMS: OutboxItem[] = [];
const noSubscribe = () => () => {};

/** The queue as the runner last read it (empty until the runner exists). */
export function useOutboxItems(): OutboxItem[] {
  const { runner } = useReportContext();
  return useSyncExternalStore(runner?.subscribe ?? noSubscribe, () => runner?.getItems() ?? NO_ITEMS, () => NO_ITEMS);
}

export function useOutboxSending(): string | null {
  const { runner } = useReportContext();
  return useSyncExternalStore(runner?.subscribe ?? noSubscribe, () => runner?.sending ?? null, () => null);
}

/** The phone's position; `active` keeps the GPS watching while the caller is mounted. */
export function useGeo(active: boolean): GeoState {
  const { geo } = useReportContext();
  useEffect(() => (active ? geo.acquire() : undefined), [geo, active]);
  return useSyncExternalStore(geo.subscribe, geo.getState, geo.getState);
}

export function useDuty(): DutyState {
  const { duty } = useReportContext();
  return useSyncExternalStore(duty.subscribe, duty.getState, duty.getState);
}

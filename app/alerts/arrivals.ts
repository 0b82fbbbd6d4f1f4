'use client';

import { isUnacknowledged } from '../lib/alert-ack';
import type { WallStore } from '../lib/store';
import { playChime } from './chime';

/**
 * Notices alerts that arrive while the desk is open (not those of the first snapshot,
 * nor those a resync reload brings back): marks them fresh for FRESH_MS so their
 * cards stand out, and plays the chime (if it is on) when one of them still waits
 * for an acknowledgement. Lives outside React; the list reads it with
 * useSyncExternalStore.
 */
const FRESH_MS = 20_000;

/** What end-to-end tests read from `window.__hcmDesk`. */
export interface DeskProbe {
  arrivals: number;
  chimes: number;
}

declare global {
  interface Window {
    __hcmDesk?: DeskProbe;
  }
}

export class ArrivalTracker {
  private known: Set<number> | null = null;
  private fresh: ReadonlySet<number> = new Set();
  private readonly listeners = new Set<() => void>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private unsubscribe: (() => void) | null = null;
  private readonly probe: DeskProbe = { arrivals: 0, chimes: 0 };

  constructor(private readonly store: WallStore) {}

  start(): void {
    if (typeof window !== 'undefined') window.__hcmDesk = this.probe;
    this.unsubscribe = this.store.subscribe(this.onStore);
    this.onStore();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  getFresh = (): ReadonlySet<number> => this.fresh;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private readonly onStore = (): void => {
    const state = this.store.getState();
    if (!state.loaded) return;
    if (this.known === null) {
      this.known = new Set(state.alerts.keys());
      return;
    }
    const arrived = [...state.alerts.values()].filter((alert) => !this.known!.has(alert.id));
    if (arrived.length === 0) return;
    for (const alert of arrived) this.known.add(alert.id);
    this.probe.arrivals += arrived.length;
    if (arrived.some(isUnacknowledged) && playChime()) this.probe.chimes++;
    const ids = arrived.map((alert) => alert.id);
    this.setFresh(new Set([...this.fresh, ...ids]));
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const next = new Set(this.fresh);
      for (const id of ids) next.delete(id);
      this.setFresh(next);
    }, FRESH_MS);
    this.timers.add(timer);
  };

  private setFresh(next: ReadonlySet<number>): void {
    this.fresh = next;
    for (const listener of this.listeners) listener();
  }
}

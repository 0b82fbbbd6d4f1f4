'use client';

import { useSyncExternalStore } from 'react';

/**
 * The address bar's query string as an external store: pages that keep their place
 * in the address (the leader's area and period, the handover's shift) read it with
 * useSearch() and change it with navigate(); the back button (popstate) is heard too.
 */
const listeners = new Set<() => void>();
const notify = () => {
  for (const listener of listeners) listener();
};

function subscribe(listener: () => void): () => void {
  if (listeners.size === 0) window.addEventListener('popstate', notify);
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) window.removeEventListener('popstate', notify);
  };
}

const getSearch = () => window.location.search;
/** The server renders the default place; the client's address applies right after hydration. */
const getServerSearch = () => '';

export function useSearch(): string {
  return useSyncExternalStore(subscribe, getSearch, getServerSearch);
}

/** Same page, new query: push makes a history entry (back returns here), replace does not. */
export function navigate(search: string, mode: 'push' | 'replace'): void {
  const url = `${window.location.pathname}${search}`;
  if (mode === 'push') window.history.pushState(null, '', url);
  else window.history.replaceState(null, '', url);
  notify();
}

// --- a clock for "today" ------------------------------------------------------------------

const clockListeners = new Set<() => void>();
let clockNow = 0;
let clockTimer: ReturnType<typeof setInterval> | undefined;

function subscribeClock(listener: () => void): () => void {
  if (clockListeners.size === 0) {
    clockTimer = setInterval(() => {
      clockNow = Date.now();
      for (const l of clockListeners) l();
    }, 30_000);
  }
  clockListeners.add(listener);
  return () => {
    clockListeners.delete(listener);
    if (clockListeners.size === 0) clearInterval(clockTimer);
  };
}

function getNow(): number {
  if (clockNow === 0) clockNow = Date.now();
  return clockNow;
}

/** Now, to the half minute: enough for "today" and shift presets, and stable between renders. */
export function useNow(): number {
  return useSyncExternalStore(subscribeClock, getNow, getNow);
}

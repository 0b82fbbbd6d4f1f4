'use client';

import { useSyncExternalStore } from 'react';

/**
 * One shared second ticker for every SLA clock on the page: a single interval,
 * however many rows, and all clocks change in the same render. 0 on the server.
 */
const listeners = new Set<() => void>();
let now = typeof window === 'undefined' ? 0 : Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === null) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}

export function useNow(): number {
  return useSyncExternalStore(
    subscribe,
    () => now,
    () => 0,
  );
}

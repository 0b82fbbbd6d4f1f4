'use client';

import { useSyncExternalStore } from 'react';

/**
 * A small preference kept in localStorage (language, layer toggles), readable from
 * React with useSyncExternalStore. The server snapshot is the default, so server
 * HTML and the first client render agree; the stored choice applies right after.
 */
export interface Pref<T> {
  get(): T;
  set(value: T): void;
  use(): T;
}

export function createPref<T>(key: string, fallback: T, parse: (raw: unknown) => T | null): Pref<T> {
  const listeners = new Set<() => void>();
  let loaded = false;
  let current = fallback;

  const get = (): T => {
    if (!loaded && typeof window !== 'undefined') {
      loaded = true;
      try {
        const raw = window.localStorage.getItem(key);
        if (raw !== null) current = parse(JSON.parse(raw)) ?? fallback;
      } catch {
        // Storage disabled (kiosk profile) or a hand-edited value: keep the default.
        current = fallback;
      }
    }
    return current;
  };

  const set = (value: T): void => {
    loaded = true;
    current = value;
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
    } catch {
      // Not persisted; the change still applies to this page.
      loaded = true;
    }
    for (const listener of listeners) listener();
  };

  const subscribe = (listener: () => void) => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  };

  return {
    get,
    set,
    use: () => useSyncExternalStore(subscribe, get, () => fallback),
  };
}

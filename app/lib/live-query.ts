'use client';

import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { FeedFrame } from '../../server/protocol/wire';
import { ApiRequestError, isAbort, isUnauthenticated } from './api';
import type { WallStore } from './store';

/**
 * A REST read that follows the live feed: fetched when its key changes, fetched again
 * (debounced) when case events arrive through the shared socket controller's store,
 * and after the connection comes back (frames missed while away are not replayed to
 * views that keep no items). Used by the leader view and the wall's KPI strip for
 * GET /api/indicators: the rollups answer in milliseconds, so re-reading beats
 * re-deriving indicators in the browser.
 */
export interface LiveQueryState<T> {
  data: T | null;
  /** The key `data` was fetched for (a view may show stale data of another key while loading). */
  dataKey: string | null;
  error: Error | null;
  loading: boolean;
  /** Wall-clock ms of the last successful fetch. */
  at: number | null;
}

/** Quiet time after the last case event before re-fetching … */
export const LIVE_DEBOUNCE_MS = 800;
/** … but never longer than this after the first one, so a steady stream still refreshes. */
export const LIVE_MAX_WAIT_MS = 4_000;
const RETRY_MS = 10_000;

export class LiveQuery<T> {
  private state: LiveQueryState<T> = { data: null, dataKey: null, error: null, loading: false, at: null };
  private readonly listeners = new Set<() => void>();
  private key: string | null = null;
  private load: ((signal: AbortSignal) => Promise<T>) | null = null;
  private inFlight: AbortController | null = null;
  private debounce: ReturnType<typeof setTimeout> | null = null;
  private firstPokeAt = 0;
  private retry: ReturnType<typeof setTimeout> | null = null;

  getState = (): LiveQueryState<T> => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Points the query at `key` (fetching now if it changed); null stops it. */
  set(key: string | null, load: (signal: AbortSignal) => Promise<T>): void {
    this.load = load;
    if (key === this.key) return;
    this.key = key;
    if (key === null) {
      this.cancel();
      return;
    }
    this.run();
  }

  /** Fetch again now. */
  refresh = (): void => {
    if (this.key !== null) this.run();
  };

  /** Something changed on the server: fetch again once things are quiet (bounded wait). */
  poke = (): void => {
    if (this.key === null) return;
    const now = Date.now();
    if (this.debounce === null) this.firstPokeAt = now;
    else clearTimeout(this.debounce);
    const wait = Math.max(0, Math.min(LIVE_DEBOUNCE_MS, LIVE_MAX_WAIT_MS - (now - this.firstPokeAt)));
    this.debounce = setTimeout(() => {
      this.debounce = null;
      this.run();
    }, wait);
  };

  stop(): void {
    this.key = null;
    this.cancel();
    this.listeners.clear();
  }

  private cancel(): void {
    this.inFlight?.abort();
    this.inFlight = null;
    if (this.debounce !== null) clearTimeout(this.debounce);
    if (this.retry !== null) clearTimeout(this.retry);
    this.debounce = null;
    this.retry = null;
  }

  private run(): void {
    const load = this.load;
    const key = this.key;
    if (!load || key === null) return;
    this.cancel();
    const abort = new AbortController();
    this.inFlight = abort;
    this.commit({ ...this.state, loading: true, error: this.state.dataKey === key ? this.state.error : null });
    load(abort.signal).then(
      (data) => {
        if (this.inFlight !== abort) return;
        this.inFlight = null;
        this.commit({ data, dataKey: key, error: null, loading: false, at: Date.now() });
      },
      (error: unknown) => {
        if (this.inFlight !== abort || isAbort(error) || isUnauthenticated(error)) return;
        this.inFlight = null;
        this.commit({ ...this.state, loading: false, error: error instanceof Error ? error : new Error(String(error)) });
        // A refusal (404 outside the jurisdiction, 400) stays until the key changes; anything else is retried.
        const refused = error instanceof ApiRequestError && error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;
        if (!refused) this.retry = setTimeout(() => this.run(), RETRY_MS);
      },
    );
  }

  private commit(next: LiveQueryState<T>): void {
    this.state = next;
    for (const listener of this.listeners) listener();
  }
}

/**
 * True when a frame carries a case event (created, updated, escalated), or a change
 * of appeal density: shared screens get appeals only in aggregate (the `hotspots`
 * layer), so that is how they learn the appeal counts moved.
 */
export function hasCaseEvent(frame: FeedFrame): boolean {
  return frame.events.some((event) => event.topic.startsWith('case.') || event.topic === 'appeal.density');
}

/**
 * Wires a LiveQuery to the shared live store: case events poke it, and so does the
 * connection coming back to live. Returns the unsubscribe.
 */
export function followFeed(query: { poke: () => void }, store: WallStore): () => void {
  const untap = store.tapFrames((frame) => {
    if (hasCaseEvent(frame)) query.poke();
  });
  let wasLive = store.getState().status === 'live';
  const unsubscribe = store.subscribe(() => {
    const live = store.getState().status === 'live';
    if (live && !wasLive) query.poke();
    wasLive = live;
  });
  return () => {
    untap();
    unsubscribe();
  };
}

/**
 * React binding: `key` names what to fetch (null: nothing yet), `load` fetches it.
 * With a store, the answer follows the live feed.
 */
export function useLiveQuery<T>(
  key: string | null,
  load: (signal: AbortSignal) => Promise<T>,
  store: WallStore | null,
): LiveQueryState<T> & { refresh: () => void } {
  const [query] = useState(() => new LiveQuery<T>());
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });
  useEffect(() => {
    query.set(key, (signal) => loadRef.current(signal));
  }, [query, key]);
  useEffect(() => (store ? followFeed(query, store) : undefined), [query, store]);
  useEffect(() => () => query.stop(), [query]);
  const state = useSyncExternalStore(query.subscribe, query.getState, query.getState);
  return { ...state, refresh: query.refresh };
}

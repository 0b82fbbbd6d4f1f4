'use client';

import { createContext, useContext } from 'react';
import type { Snapshot } from '../../server/protocol/rest';
import type { FeedFrame } from '../../server/protocol/wire';
import type { Layer } from '../../server/protocol/vocab';
import { fetchSnapshot } from './api';
import { LiveStore, useStoreSlice, type ConnectionStatus } from './live-store';
import { applyFrames } from './wall-frames';
import { emptyState, LIMITS, pruneState, shanghaiDay, stateFromSnapshot, type WallState } from './wall-state';

export * from './wall-state';

/** What end-to-end tests read from `window.__hcm`. */
export interface HcmProbe {
  lastSeq: number;
  incidents: number;
  appeals: number;
  alerts: number;
  rejectedFrames: number;
  status: ConnectionStatus;
  /** The signed-in actor's area code, once known. */
  area: string | null;
  signedOut: string | null;
}

declare global {
  interface Window {
    __hcm?: HcmProbe;
  }
}

/** A quiet snapshot reload at least this often: a backstop (alerts expiring, anything missed). */
const REFRESH_MS = 10 * 60_000;

/**
 * The wall's store (a LiveStore, see live-store.ts): what the last snapshot said plus
 * every feed event applied since. Only the socket controller writes to it; React and
 * the map layers read it through useWall.
 */
export class WallStore extends LiveStore<WallState> {
  private lastRefreshAt = Date.now();

  /** `layers`: what the snapshot carries (the alert desk needs only alerts); the controller subscribes to the same. */
  constructor(
    private readonly area: string | null = null,
    private readonly layers?: readonly Layer[],
  ) {
    super(emptyState());
  }

  async load(signal: AbortSignal): Promise<void> {
    const snapshot = await fetchSnapshot({ area: this.area, appealHours: LIMITS.appealHours, layers: this.layers }, signal);
    this.replaceFromSnapshot(snapshot);
  }

  /** Replaces everything with a snapshot; queued frames are discarded (the re-subscribe replays them). */
  replaceFromSnapshot(snapshot: Snapshot, now = Date.now()): void {
    this.lastRefreshAt = now;
    this.replace(stateFromSnapshot(this.state, snapshot, now));
  }

  protected reduce(state: WallState, frames: readonly FeedFrame[], now: number): WallState {
    return applyFrames(state, frames, now, this.layers?.includes('appeals') ? 'cases' : 'density');
  }

  /** Prunes by age; asks for a quiet reload when the Shanghai day changes (today's count restarts) or REFRESH_MS passed. */
  override tick(now: number): boolean {
    this.prune(now);
    return shanghaiDay(now) !== this.state.day || now - this.lastRefreshAt >= REFRESH_MS;
  }

  /** Drops appeals past the heat window and expired alerts; call about once a minute. */
  prune(now = Date.now()): void {
    const next = pruneState(this.state, now);
    if (next !== this.state) this.commit(next);
  }

  protected override published(next: WallState): void {
    if (typeof window === 'undefined') return;
    window.__hcm = {
      lastSeq: next.lastSeq,
      incidents: next.incidents.size,
      appeals: next.appeals.size,
      alerts: next.alerts.size,
      rejectedFrames: next.rejectedFrames,
      status: next.status,
      area: next.me?.area?.code ?? null,
      signedOut: next.signedOut,
    };
  }
}

// --- React binding -----------------------------------------------------------------------

export const WallStoreContext = createContext<WallStore | null>(null);

export function useWallStore(): WallStore {
  const store = useContext(WallStoreContext);
  if (!store) throw new Error('useWallStore outside <WallStoreContext>');
  return store;
}

/** Subscribes to one slice; the selector must return a stored reference or a primitive. */
export function useWall<T>(selector: (state: WallState) => T): T {
  return useStoreSlice(useWallStore(), selector);
}

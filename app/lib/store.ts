'use client';

import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ClientConfig, Snapshot } from '../../server/protocol/rest';
import type { FeedFrame } from '../../server/protocol/wire';
import type { Me } from './session';
import { applyFrames } from './wall-frames';
import { emptyState, pruneState, stateFromSnapshot, type ConnectionStatus, type SignOutState, type WallState } from './wall-state';

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

/**
 * The wall's store: what the last snapshot said plus every feed event applied since.
 * Only the socket controller writes to it; React and the map layers read it through
 * useSyncExternalStore. Frames are queued and merged once per animation frame, so a
 * burst of a thousand events costs one state change and one repaint.
 */
export class WallStore {
  private state: WallState = emptyState();
  private readonly listeners = new Set<() => void>();
  private pending: FeedFrame[] = [];
  private pendingTo = 0;
  private rafId: number | null = null;
  private timerId: ReturnType<typeof setTimeout> | null = null;
  private readonly taps = new Set<(frame: FeedFrame) => void>();

  getState = (): WallState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Highest seq received (applied or queued): what a re-subscribe should ask to continue from. */
  get receivedSeq(): number {
    return Math.max(this.state.lastSeq, this.pendingTo);
  }

  setStatus(status: ConnectionStatus): void {
    if (this.state.status !== status) this.commit({ ...this.state, status });
  }

  setMe(me: Me): void {
    this.commit({ ...this.state, me });
  }

  setSignedOut(reason: string): void {
    this.commit({ ...this.state, signedOut: reason });
  }

  setSignOut(signOut: SignOutState): void {
    if (this.state.signOut !== signOut) this.commit({ ...this.state, signOut });
  }

  setConfig(config: ClientConfig): void {
    this.commit({ ...this.state, config });
  }

  setLoadFailed(failed: boolean): void {
    if (this.state.loadFailed !== failed) this.commit({ ...this.state, loadFailed: failed });
  }

  countRejectedFrame(): void {
    this.commit({ ...this.state, rejectedFrames: this.state.rejectedFrames + 1 });
  }

  /** Replaces everything with a snapshot; queued frames are discarded (the re-subscribe replays them). */
  replaceFromSnapshot(snapshot: Snapshot, now = Date.now()): void {
    this.cancelFlush();
    this.pending = [];
    this.pendingTo = 0;
    this.commit(stateFromSnapshot(this.state, snapshot, now));
  }

  /**
   * Hears every validated frame as it arrives, before merging: for views that react
   * to the feed without keeping its items (the leader's indicators re-fetch on case
   * events). Returns the unsubscribe.
   */
  tapFrames(listener: (frame: FeedFrame) => void): () => void {
    this.taps.add(listener);
    return () => this.taps.delete(listener);
  }

  /** Queues a validated frame; it is merged with others on the next animation frame. */
  enqueueFrame(frame: FeedFrame): void {
    for (const tap of this.taps) tap(frame);
    this.pending.push(frame);
    this.pendingTo = Math.max(this.pendingTo, frame.to);
    this.scheduleFlush();
  }

  /** Applies queued frames now (also called by the scheduler). */
  flush = (): void => {
    this.cancelFlush();
    if (this.pending.length === 0) return;
    const frames = this.pending;
    this.pending = [];
    this.pendingTo = 0;
    this.commit(applyFrames(this.state, frames, Date.now()));
  };

  /** Drops appeals past the heat window and expired alerts; call about once a minute. */
  prune(now = Date.now()): void {
    const next = pruneState(this.state, now);
    if (next !== this.state) this.commit(next);
  }

  dispose(): void {
    this.cancelFlush();
    this.pending = [];
    this.listeners.clear();
    this.taps.clear();
  }

  private scheduleFlush(): void {
    if (this.rafId !== null || this.timerId !== null) return;
    // rAF pauses in hidden tabs; the timer bounds the queue there.
    this.rafId = requestAnimationFrame(this.flush);
    this.timerId = setTimeout(this.flush, 500);
  }

  private cancelFlush(): void {
    if (this.rafId !== null) cancelAnimationFrame(this.rafId);
    if (this.timerId !== null) clearTimeout(this.timerId);
    this.rafId = null;
    this.timerId = null;
  }

  private commit(next: WallState): void {
    this.state = next;
    if (typeof window !== 'undefined') {
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
    for (const listener of this.listeners) listener();
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
  const store = useWallStore();
  return useSyncExternalStore(
    store.subscribe,
    () => selector(store.getState()),
    () => selector(store.getState()),
  );
}

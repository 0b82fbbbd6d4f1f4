'use client';

import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ClientConfig } from '../../server/protocol/rest';
import type { FeedEvent, FeedFrame, ResponderPosition, ResponderStatusEvent } from '../../server/protocol/wire';
import type { Me } from './session';

/**
 * The live client, store half: ONE mechanism for every surface (the wall, /dispatch,
 * /report). The socket half is SocketController (socket-controller.ts), which is
 * the only code that touches socket.io-client. Usage:
 *
 *   class MyStore extends LiveStore<MyState> {          // MyState extends LiveBase
 *     async load(signal) { const page = await fetch…; this.replace({ ...this.state, …, loaded: true, lastSeq: page.seq }); }
 *     protected reduce(state, frames, now) { … pure merge of feed frames … }
 *   }
 *   const store = new MyStore(initialState);
 *   const controller = new SocketController(store, { layers: ['incidents', 'appeals'] });
 *   controller.start();   // later: controller.stop(); controller.signOut();
 *   <LiveStoreContext value={store}> … useLive((s) => s.status) … </LiveStoreContext>
 *
 * What a surface implements:
 * - `load(signal)`: its base state over REST (snapshot, queue page, my tasks…),
 *   committed with `replace(next)` where `next.lastSeq` is the feed seq the answer is
 *   consistent with (the controller subscribes from it). Throw to be retried;
 *   the controller calls it at start, on resync and when `tick` asks.
 * - `reduce(state, frames, now)`: the pure merge of validated feed frames, called
 *   at most once per animation frame with everything queued since. Delivery is
 *   at-least-once: drop events at or below `state.lastSeq` (`freshEvents` helps) and
 *   move `lastSeq` to the last frame's `to`.
 * - optional `tick(now)`: about once a minute (prune by age); return true to ask
 *   the controller for a quiet reload (a backstop, e.g. the day changed).
 * - optional `receivePosition(event)`: desk surfaces get responders' live positions
 *   (volatile `responderPosition`; no seq, no replay; GET /api/responders is the base).
 * - optional `receiveResponderStatus(event)`: a responder went on or off duty (`responderStatus`).
 * - optional `reconnected()`: the socket is back after a drop; a surface re-reads what
 *   only ever arrives live (the responders' positions and statuses).
 * - optional `published(state)`: runs after every commit (e.g. an e2e probe on window).
 * - optional `admits(me)`: a surface for some roles only; false → the controller
 *   stops once `me` is set (nothing loaded, no socket) and the page shows "not for
 *   your role" from `state.me`.
 *
 * Everything else (connection status, who is signed in, config, sign-out progress,
 * load failures, rejected frames) is LiveBase, written by the controller only, and
 * read by shared UI pieces through `useLive`.
 */
export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'resyncing';

/** The sign-out button's progress: idle, waiting for the server, or the server could not be reached. */
export type SignOutState = 'idle' | 'pending' | 'failed';

/** The connection fields every surface's state carries. */
export interface LiveBase {
  config: ClientConfig | null;
  /** Who is signed in (GET /api/auth/me); null until known. */
  me: Me | null;
  /** The server's reason when it ended this page's credential (the page leaves for /login shortly). */
  signedOut: string | null;
  signOut: SignOutState;
  /** The base state has been loaded at least once. */
  loaded: boolean;
  loadFailed: boolean;
  status: ConnectionStatus;
  /** Feed seq of the last applied event (or of the last load). */
  lastSeq: number;
  /** Wall-clock ms of the last load or applied event. */
  lastUpdateAt: number | null;
  rejectedFrames: number;
}

export function liveBase(): LiveBase {
  return {
    config: null,
    me: null,
    signedOut: null,
    signOut: 'idle',
    loaded: false,
    loadFailed: false,
    status: 'connecting',
    lastSeq: 0,
    lastUpdateAt: null,
    rejectedFrames: 0,
  };
}

/** The events of `frames` above `lastSeq`, in order, and the seq the frames reach. */
export function freshEvents(frames: readonly FeedFrame[], lastSeq: number): { events: FeedEvent[]; lastSeq: number } {
  const events: FeedEvent[] = [];
  let seq = lastSeq;
  for (const frame of frames) {
    for (const event of frame.events) {
      if (event.seq <= seq) continue;
      seq = event.seq;
      events.push(event);
    }
    seq = Math.max(seq, frame.to);
  }
  return { events, lastSeq: seq };
}

/** What the socket controller needs of a store. */
export interface LiveSink {
  readonly receivedSeq: number;
  getState(): LiveBase;
  setStatus(status: ConnectionStatus): void;
  setMe(me: Me): void;
  setConfig(config: ClientConfig): void;
  setLoadFailed(failed: boolean): void;
  setSignedOut(reason: string): void;
  setSignOut(signOut: SignOutState): void;
  countRejectedFrame(): void;
  enqueueFrame(frame: FeedFrame): void;
  load(signal: AbortSignal): Promise<void>;
  tick(now: number): boolean;
  receivePosition?(event: ResponderPosition): void;
  receiveResponderStatus?(event: ResponderStatusEvent): void;
  reconnected?(): void;
  admits?(me: Me): boolean;
}

/**
 * Base of every surface's store: state + listeners for useSyncExternalStore, the
 * connection setters, and the frame queue merged once per animation frame (a burst
 * of a thousand events costs one state change and one repaint).
 */
export abstract class LiveStore<S extends LiveBase> implements LiveSink {
  protected state: S;
  private readonly listeners = new Set<() => void>();
  private pending: FeedFrame[] = [];
  private pendingTo = 0;
  private readonly taps = new Set<(frame: FeedFrame) => void>();
  private rafId: number | null = null;
  private timerId: ReturnType<typeof setTimeout> | null = null;

  constructor(initial: S) {
    this.state = initial;
  }

  abstract load(signal: AbortSignal): Promise<void>;
  protected abstract reduce(state: S, frames: readonly FeedFrame[], now: number): S;

  tick(_now: number): boolean {
    return false;
  }

  getState = (): S => this.state;

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

  /** Queues a validated frame; it is merged with others on the next animation frame. */
  /**
   * Hears every validated frame as it arrives, before merging: for views that react
   * to the feed without keeping its items (the leader's indicators re-fetch on case
   * events). Returns the unsubscribe.
   */
  tapFrames(listener: (frame: FeedFrame) => void): () => void {
    this.taps.add(listener);
    return () => this.taps.delete(listener);
  }

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
    this.commit(this.reduce(this.state, frames, Date.now()));
  };

  dispose(): void {
    this.cancelFlush();
    this.pending = [];
    this.listeners.clear();
    this.taps.clear();
  }

  /** Replaces the state after a load; queued frames are discarded (the re-subscribe replays them). */
  protected replace(next: S): void {
    this.cancelFlush();
    this.pending = [];
    this.pendingTo = 0;
    this.commit(next);
  }

  protected commit(next: S): void {
    this.state = next;
    this.published?.(next);
    for (const listener of this.listeners) listener();
  }

  protected published?(state: S): void;

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
}

// --- React binding -----------------------------------------------------------------------

/** The surface's store, for the pieces every surface shares (connection pill, who is signed in, map outlines). */
export const LiveStoreContext = createContext<LiveStore<LiveBase> | null>(null);

export function useLiveStore(): LiveStore<LiveBase> {
  const store = useContext(LiveStoreContext);
  if (!store) throw new Error('useLiveStore outside <LiveStoreContext>');
  return store;
}

/** Subscribes to one slice of any store; the selector must return a stored reference or a primitive. */
export function useStoreSlice<S extends LiveBase, T>(store: LiveStore<S>, selector: (state: S) => T): T {
  return useSyncExternalStore(
    store.subscribe,
    () => selector(store.getState()),
    () => selector(store.getState()),
  );
}

/** One slice of the connection fields of the surface's store (LiveStoreContext). */
export function useLive<T>(selector: (state: LiveBase) => T): T {
  return useStoreSlice(useLiveStore(), selector);
}

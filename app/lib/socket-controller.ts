'use client';

import { io, type Socket } from 'socket.io-client';
import type { Layer } from '../../server/protocol/vocab';
import {
  feedFrameSchema,
  PROTOCOL_VERSION,
  resyncSchema,
  responderPositionSchema,
  responderStatusSchema,
  signedOutSchema,
  type Ack,
  type ClientToServerEvents,
  type PositionReport,
  type PositionResult,
  type ServerToClientEvents,
  type SubscribeRequest,
} from '../../server/protocol/wire';
import { fetchConfig, isAbort, isUnauthenticated, SHARED_SCREEN_LAYERS } from './api';
import type { LiveSink } from './live-store';
import { fetchMe, goToLogin, holdPageRequests, loginReasonOf, onCredentialEnded, postLogout, releasePageRequests, showingSignedOutNotice } from './session';

/**
 * The only code that touches socket.io-client, shared by every surface (the wall,
 * /dispatch, /report): it feeds any LiveStore (live-store.ts explains the pair).
 * It loads who is signed in and the config, has the store load its base state over
 * REST (snapshot, queue, tasks…), subscribes from the seq that state is consistent
 * with, feeds validated frames into the store, and recovers by itself:
 *
 * - reconnect (network loss, server restart): subscribe again with since = last seq
 *   received; the server replays the gap from the feed table;
 * - ack mode 'resync' or a 'resync' event: the store reloads, then subscribe from it;
 * - once a minute the store's `tick` may ask for a quiet reload (the wall: the day
 *   changed in Shanghai, or REFRESH_MS passed — a backstop: cases move and close
 *   through `case.updated` in the feed, so it is not how the counts stay right).
 *
 * Desk surfaces whose store has `receivePosition` get responders' live positions
 * (`responderPosition`, volatile); a grid worker's app sends its own with
 * `sendPosition`.
 *
 * Authentication: the wall opens on the actor's jurisdiction (config, snapshot and
 * subscription default to it on the server). No credential — a REST 401 or the
 * handshake refused with UNAUTHENTICATED — sends the page to the login page; a
 * `signedOut` notice (logout elsewhere, expiry, revocation) is shown for
 * SIGNED_OUT_NOTICE_MS, then the page goes there too.
 *
 * Between sending `subscribe` (since = S) and its answer, only the replay frame
 * (replay, from = S) is accepted: live frames of the previous subscription may
 * still be in flight, and applying one ahead of the replay would make the replay's
 * older events look like duplicates.
 */
type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const SUBSCRIBE_TIMEOUT_MS = 15_000;
const POSITION_TIMEOUT_MS = 10_000;
const TICK_MS = 60_000;
/** Failed reconnect attempts before the pill says offline rather than reconnecting. */
const OFFLINE_AFTER_ATTEMPTS = 4;
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 15_000;
/** How long the wall shows why it was signed out before leaving for the login page. */
const SIGNED_OUT_NOTICE_MS = 3_000;

export interface ControllerOptions {
  /** The area to follow (inside the jurisdiction); default: the signed-in actor's jurisdiction. */
  area?: string | null;
  /** Feed layers to subscribe to; default: a shared screen's (incidents, hotspots, alerts). */
  layers?: Layer[];
}

export class SocketController {
  private socket: LiveSocket | null = null;
  private stopped = false;
  /** The socket has connected once: a later connect is a reconnection. */
  private connectedBefore = false;
  /** since of the subscribe in flight; NaN while a snapshot reload is in progress. */
  private gate: number | null = null;
  private subscribeEpoch = 0;
  private reloading: Promise<void> | null = null;
  private readonly abort = new AbortController();
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private signingOut = false;
  private unlistenEnded: (() => void) | null = null;
  /** The first load is done and the socket may connect (before it, `online` only wakes the retries). */
  private baseLoaded = false;
  private readonly wakeRetries = new Set<() => void>();
  private readonly layers: Layer[];
  private readonly area: string | null;

  constructor(
    private readonly store: LiveSink,
    options: ControllerOptions = {},
  ) {
    this.layers = options.layers ?? [...SHARED_SCREEN_LAYERS];
    this.area = options.area ?? null;
  }

  start(): void {
    const socket: LiveSocket = io({ autoConnect: false, reconnectionDelayMax: 5_000 });
    this.socket = socket;
    socket.on('connect', this.onConnect);
    socket.on('disconnect', this.onDisconnect);
    socket.on('connect_error', this.onConnectError);
    socket.io.on('reconnect_attempt', this.onReconnectAttempt);
    socket.on('feed', this.onFeed);
    socket.on('resync', this.onResync);
    socket.on('signedOut', this.onSignedOut);
    if (this.store.receivePosition) socket.on('responderPosition', this.onResponderPosition);
    if (this.store.receiveResponderStatus) socket.on('responderStatus', this.onResponderStatus);
    window.addEventListener('online', this.onBrowserOnline);
    window.addEventListener('offline', this.onBrowserOffline);
    this.unlistenEnded = onCredentialEnded(this.credentialEnded);
    const tick = setInterval(this.onTick, TICK_MS);
    this.timers.add(tick as unknown as ReturnType<typeof setTimeout>);

    this.store.setStatus('connecting');
    void this.initialLoad();
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    window.removeEventListener('online', this.onBrowserOnline);
    window.removeEventListener('offline', this.onBrowserOffline);
    this.unlistenEnded?.();
    this.unlistenEnded = null;
    if (this.socket) {
      this.socket.removeAllListeners();
      this.socket.io.removeAllListeners();
      this.socket.disconnect();
      this.socket = null;
    }
  }

  /**
   * Sends this grid worker's position (socket `position`); resolves with the ack, or
   * null when there is no connection or no answer in time (the caller just tries
   * again at its next fix). The server keeps one per POSITION_EVERY_MS.
   */
  sendPosition(report: Omit<PositionReport, 'v'>): Promise<Ack<PositionResult> | null> {
    const socket = this.socket;
    if (!socket?.connected || this.stopped) return Promise.resolve(null);
    // The ack is optional in the contract (fire-and-forget is allowed), which the timeout typing cannot express.
    const timed = socket.timeout(POSITION_TIMEOUT_MS) as unknown as {
      emit(event: 'position', report: PositionReport, ack: (error: Error | null, result: Ack<PositionResult>) => void): void;
    };
    return new Promise((resolve) => {
      timed.emit('position', { v: PROTOCOL_VERSION, ...report }, (error, result) => resolve(error ? null : result));
    });
  }

  /**
   * Signs out: the server revokes the session (and would tell this socket so; the
   * notice is ignored, since we asked), then the socket closes and the page goes
   * to the login page. If the server cannot be reached, the wall stays as it was
   * and says so.
   */
  async signOut(): Promise<void> {
    if (this.stopped || this.store.getState().signOut === 'pending') return;
    this.store.setSignOut('pending');
    this.signingOut = true;
    // Nothing of the page's may reach the server after its session ends (it would come back 401).
    holdPageRequests();
    const ok = await postLogout();
    if (this.stopped) return;
    if (!ok) {
      this.signingOut = false;
      releasePageRequests();
      this.store.setSignOut('failed');
      return;
    }
    this.stop();
    goToLogin('signed_out');
  }

  // --- loading ---------------------------------------------------------------------------

  private async initialLoad(): Promise<void> {
    const [me, config] = await Promise.all([
      this.retrying(() => fetchMe(this.abort.signal)),
      this.retrying(() => fetchConfig(this.abort.signal)),
    ]);
    if (!me || !config) return;
    this.store.setMe(me);
    this.store.setConfig(config);
    // A surface for some roles only: nothing more to load or follow (it says so itself).
    if (this.store.admits && !this.store.admits(me)) {
      this.stop();
      return;
    }
    if (!(await this.loadBase())) return;
    this.baseLoaded = true;
    this.socket?.connect();
  }

  /** Has the store load its base state (retrying until it works or the controller stops). */
  private async loadBase(): Promise<boolean> {
    const done = await this.retrying(async () => {
      await this.store.load(this.abort.signal);
      return true;
    });
    return done === true;
  }

  private async retrying<T>(work: () => Promise<T>): Promise<T | null> {
    let delay = RETRY_MIN_MS;
    while (!this.stopped) {
      try {
        const result = await work();
        this.store.setLoadFailed(false);
        return result;
      } catch (error) {
        if (this.stopped || isAbort(error) || isUnauthenticated(error)) return null;
        this.store.setLoadFailed(true);
        this.store.setStatus(navigator.onLine === false ? 'offline' : 'reconnecting');
        // The browser's `online` event cuts the wait short (a page opened with no network).
        await new Promise<void>((resolve) => {
          const wake = () => {
            this.wakeRetries.delete(wake);
            resolve();
          };
          this.wakeRetries.add(wake);
          this.later(wake, delay);
        });
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
    return null;
  }

  /** Reloads the store's base state, then subscribes from it. Concurrent calls share one reload. */
  private reload(quiet: boolean): Promise<void> {
    this.reloading ??= (async () => {
      if (!quiet) this.store.setStatus('resyncing');
      this.gate = Number.NaN;
      this.subscribeEpoch++;
      const ok = await this.loadBase();
      this.reloading = null;
      if (!ok || this.stopped) return;
      if (this.socket?.connected) this.subscribe();
    })();
    return this.reloading;
  }

  // --- subscription ----------------------------------------------------------------------

  private subscribe(): void {
    const socket = this.socket;
    if (!socket || this.stopped) return;
    const since = this.store.receivedSeq;
    const request: SubscribeRequest = { v: PROTOCOL_VERSION, layers: this.layers, since };
    if (this.area) request.area = this.area;
    const epoch = ++this.subscribeEpoch;
    this.gate = since;
    socket.timeout(SUBSCRIBE_TIMEOUT_MS).emit('subscribe', request, (error, ack) => {
      if (epoch !== this.subscribeEpoch || this.stopped) return;
      if (error) {
        // No answer: treat the connection as dead and let reconnect subscribe again.
        this.store.setStatus('reconnecting');
        socket.disconnect().connect();
        return;
      }
      if (!ack.ok) {
        this.gate = null;
        this.store.setStatus('offline');
        this.later(() => {
          if (socket.connected && epoch === this.subscribeEpoch) this.subscribe();
        }, RETRY_MAX_MS);
        return;
      }
      this.gate = null;
      if (ack.data.mode === 'resync') {
        void this.reload(false);
        return;
      }
      this.store.setStatus('live');
    });
  }

  // --- socket events ---------------------------------------------------------------------

  private readonly onConnect = (): void => {
    // Back after a drop: what only ever comes live (positions, duty statuses) may have been missed meanwhile.
    if (this.connectedBefore) this.store.reconnected?.();
    this.connectedBefore = true;
    if (this.reloading) return; // the reload subscribes when it is done
    this.subscribe();
  };

  private readonly onDisconnect = (reason: Socket.DisconnectReason): void => {
    // Signing out: the server ends this socket on purpose; reconnecting would only be refused.
    if (this.stopped || this.signingOut) return;
    this.gate = null;
    this.subscribeEpoch++;
    this.store.setStatus(navigator.onLine === false ? 'offline' : 'reconnecting');
    // The server hung up on purpose: socket.io does not retry that by itself.
    if (reason === 'io server disconnect') this.later(() => this.socket?.connect(), RETRY_MIN_MS);
  };

  private readonly onConnectError = (error: Error & { data?: { code?: string } }): void => {
    if (this.stopped || this.signingOut) return;
    // The handshake was refused for want of a credential: no reconnect will fix that.
    if (error.message === 'UNAUTHENTICATED' || error.data?.code === 'UNAUTHENTICATED') {
      this.stop();
      goToLogin('unauthenticated');
      return;
    }
    if (navigator.onLine === false) this.store.setStatus('offline');
  };

  private readonly onSignedOut = (raw: unknown): void => {
    if (this.stopped || this.signingOut) return;
    const parsed = signedOutSchema.safeParse(raw);
    if (!parsed.success) this.store.countRejectedFrame();
    this.credentialEnded(parsed.success ? parsed.data.reason : 'revoked');
  };

  /** The server ended this page's credential (its socket's notice, or a REST 401 naming why): say why, then leave. */
  private readonly credentialEnded = (reason: string): void => {
    if (this.stopped || this.signingOut) return;
    // The server disconnects next; nothing here may reconnect with a dead credential.
    this.stop();
    showingSignedOutNotice();
    this.store.setSignedOut(reason);
    setTimeout(() => goToLogin(loginReasonOf(reason)), SIGNED_OUT_NOTICE_MS);
  };

  private readonly onReconnectAttempt = (attempt: number): void => {
    if (this.stopped) return;
    this.store.setStatus(navigator.onLine === false || attempt > OFFLINE_AFTER_ATTEMPTS ? 'offline' : 'reconnecting');
  };

  private readonly onFeed = (raw: unknown): void => {
    const parsed = feedFrameSchema.safeParse(raw);
    if (!parsed.success) {
      this.store.countRejectedFrame();
      return;
    }
    const frame = parsed.data;
    if (this.gate !== null) {
      if (!(frame.replay && frame.from === this.gate)) return; // stale frame of the previous subscription
      this.gate = null;
    }
    this.store.enqueueFrame(frame);
  };

  private readonly onResync = (raw: unknown): void => {
    if (!resyncSchema.safeParse(raw).success) {
      this.store.countRejectedFrame();
      return;
    }
    void this.reload(false);
  };

  private readonly onResponderPosition = (raw: unknown): void => {
    const parsed = responderPositionSchema.safeParse(raw);
    if (!parsed.success) {
      this.store.countRejectedFrame();
      return;
    }
    this.store.receivePosition?.(parsed.data);
  };

  private readonly onResponderStatus = (raw: unknown): void => {
    const parsed = responderStatusSchema.safeParse(raw);
    if (!parsed.success) {
      this.store.countRejectedFrame();
      return;
    }
    this.store.receiveResponderStatus?.(parsed.data);
  };

  private readonly onBrowserOnline = (): void => {
    const socket = this.socket;
    if (!socket || this.stopped || this.signingOut) return;
    for (const wake of [...this.wakeRetries]) wake();
    // Still loading (opened with no network): the load connects the socket when it is done.
    if (!this.baseLoaded) return;
    if (!socket.connected) {
      socket.connect();
      return;
    }
    // The socket may have survived the outage while frames were lost or held back:
    // subscribing again replays anything after the last seq received, and says live.
    if (!this.reloading) this.subscribe();
  };

  private readonly onBrowserOffline = (): void => {
    this.store.setStatus('offline');
  };

  private readonly onTick = (): void => {
    const wantsReload = this.store.tick(Date.now());
    if (!wantsReload || !this.store.getState().loaded || this.reloading || !this.socket?.connected) return;
    void this.reload(true);
  };

  // --- helpers ---------------------------------------------------------------------------

  private later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) fn();
    }, ms);
    this.timers.add(timer);
  }
}

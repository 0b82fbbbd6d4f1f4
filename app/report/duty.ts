'use client';

import type { Ack, PositionReport, PositionResult } from '../../server/protocol/wire';
import { POSITION_EVERY_MS } from '../../server/protocol/wire';
import type { GeoTracker } from './geo';

/**
 * On-duty position sharing: while the worker is on duty (their responder record's
 * status, switched by PUT /api/me/status: see setDutyStatus), the latest fix goes to the
 * server over the socket (`position`, volatile and throttled there too) about
 * every POSITION_EVERY_MS, at the pace the ack asks (`retryInMs`). A fix older than
 * STALE_MS is not sent (the phone lost its GPS: better no position than a wrong
 * one). A refusal because the account has no responder record stops sharing and
 * says so; no connection just waits for the next turn.
 */
const STALE_MS = 2 * 60_000;
/** With no connection to send on, the next try comes this soon (the socket may just be starting). */
const NO_LINK_RETRY_MS = 1_000;

/** not_linked: no responder record; no_fix: no recent GPS fix; offline: no connection to send it on (it goes when there is). */
export type DutyProblem = 'not_linked' | 'no_fix' | 'offline' | null;

export interface DutyState {
  on: boolean;
  lastSharedAt: number | null;
  problem: DutyProblem;
}

/** Whether a responder status counts as on duty (busy is on duty, with work in hand). */
export function isOnDuty(status: string | null | undefined): boolean {
  return status === 'on_duty' || status === 'busy';
}

type Send = (report: Omit<PositionReport, 'v'>) => Promise<Ack<PositionResult> | null>;

export class DutySharer {
  private state: DutyState = { on: false, lastSharedAt: null, problem: null };
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private releaseGeo: (() => void) | null = null;
  private unwatchGeo: (() => void) | null = null;

  private send: Send | null = null;

  constructor(private readonly geo: GeoTracker) {}

  /** The way out (the live client's `sendPosition`); null while there is none. */
  connect(send: Send | null): void {
    this.send = send;
  }

  getState = (): DutyState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  setOn(on: boolean): void {
    if (on === this.state.on) return;
    this.set({ on, lastSharedAt: on ? this.state.lastSharedAt : null, problem: null });
    if (on) {
      this.releaseGeo = this.geo.acquire();
      // A first fix arriving while waiting for one is shared at once, not at the next turn.
      this.unwatchGeo = this.geo.subscribe(() => {
        if (this.state.on && this.state.problem === 'no_fix' && this.geo.getState().fix) this.schedule(0);
      });
      this.schedule(0);
    } else {
      this.clear();
      this.unwatchGeo?.();
      this.unwatchGeo = null;
      this.releaseGeo?.();
      this.releaseGeo = null;
    }
  }

  private schedule(ms: number): void {
    this.clear();
    this.timer = setTimeout(() => void this.turn(), ms);
  }

  private clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private async turn(): Promise<void> {
    this.timer = null;
    if (!this.state.on) return;
    const fix = this.geo.getState().fix;
    if (!fix || Date.now() - fix.at > STALE_MS) {
      this.set({ ...this.state, problem: 'no_fix' });
      this.schedule(POSITION_EVERY_MS);
      return;
    }
    const ack = this.send ? await this.send({ lng: fix.lng, lat: fix.lat, accuracy: Math.min(100_000, Math.max(0, fix.accuracy)) }) : null;
    if (!this.state.on) return;
    if (ack && !ack.ok && ack.code === 'FORBIDDEN') {
      // Not a grid worker with a responder record: no retry will change that.
      this.set({ ...this.state, problem: 'not_linked' });
      return;
    }
    if (ack?.ok && ack.data.stored) this.set({ ...this.state, lastSharedAt: Date.now(), problem: null });
    else if (!ack) {
      // No connection yet (the page is starting, or the socket is reconnecting): "offline" only when the browser says so.
      if (navigator.onLine === false) this.set({ ...this.state, problem: 'offline' });
    } else if (ack.ok && this.state.problem !== null) this.set({ ...this.state, problem: null });
    // Without a connection, try again soon: the first position goes as soon as the socket is up.
    const wait = ack?.ok ? ack.data.retryInMs || POSITION_EVERY_MS : ack ? POSITION_EVERY_MS : NO_LINK_RETRY_MS;
    this.schedule(Math.max(1_000, wait));
  }

  private set(next: DutyState): void {
    this.state = next;
    for (const listener of this.listeners) listener();
  }
}

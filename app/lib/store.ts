'use client';

import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ClientConfig, OpenCounts, Snapshot } from '../../server/protocol/rest';
import { CLOSED_STATUSES, type Severity } from '../../server/protocol/vocab';
import type { AlertEventData, CaseEventData, FeedEvent, FeedFrame } from '../../server/protocol/wire';

/**
 * The wall's state: what the last snapshot said plus every feed event applied since.
 * Only the socket controller writes to it; React and the map layers read it through
 * useSyncExternalStore. Frames are queued and merged once per animation frame, so a
 * burst of a thousand events costs one state change and one repaint.
 *
 * Every collection is bounded so a wall can run for days with flat memory: incidents
 * are capped (oldest dropped first), appeals and alerts are pruned by age/expiry.
 */
export type ConnectionStatus = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'resyncing';

export interface Totals {
  openIncidents: number;
  openAppeals: number;
  activeAlerts: number;
  todayCases: number;
}

export interface RecentItem {
  key: string;
  type: 'incident' | 'alert';
  id: number;
  /** ISO time shown in the list: reported (incidents), issued (alerts; null when unknown). */
  at: string | null;
  /** Category code (incidents) or alert type code (alerts). */
  code: string;
  severity: Severity;
  grid: string | null;
  lng: number | null;
  lat: number | null;
}

export interface WallState {
  config: ClientConfig | null;
  /** A snapshot has been applied at least once. */
  loaded: boolean;
  loadFailed: boolean;
  status: ConnectionStatus;
  lastSeq: number;
  /** Wall-clock ms of the last snapshot or applied event. */
  lastUpdateAt: number | null;
  /** Shanghai calendar day (YYYY-MM-DD) the totals were counted on. */
  day: string;
  incidents: ReadonlyMap<number, CaseEventData>;
  appeals: ReadonlyMap<number, CaseEventData>;
  alerts: ReadonlyMap<number, AlertEventData>;
  openByGrid: Readonly<Record<string, OpenCounts>>;
  totals: Totals;
  /** Newest incidents first (capped). */
  recentIncidents: readonly RecentItem[];
  /** Newest alerts first (capped); the list shows those still active above the incidents. */
  recentAlerts: readonly RecentItem[];
  truncated: boolean;
  rejectedFrames: number;
}

export const LIMITS = {
  /** Points kept for the incident layer (the snapshot's default limit). */
  incidents: 20_000,
  appeals: 20_000,
  /** Appeals older than this leave the heat layer (matches the snapshot's appealHours). */
  appealHours: 24,
  alerts: 500,
  recentIncidents: 40,
  recentAlerts: 12,
} as const;

const OPEN_ALERT = new Set(['active', 'acknowledged']);
const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** Calendar day in Asia/Shanghai (UTC+8, no DST). */
export function shanghaiDay(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

function isOpen(data: CaseEventData): boolean {
  return !CLOSED_STATUSES.includes(data.status);
}

function alertIsLive(alert: AlertEventData, now: number): boolean {
  return OPEN_ALERT.has(alert.status) && (alert.expires === null || Date.parse(alert.expires) > now);
}

function incidentItem(c: CaseEventData): RecentItem {
  return {
    key: `c${c.id}`,
    type: 'incident',
    id: c.id,
    at: c.reportedAt,
    code: c.category,
    severity: c.severity,
    grid: c.grid,
    lng: c.lng,
    lat: c.lat,
  };
}

function alertItem(a: AlertEventData, at: string | null): RecentItem {
  return { key: `a${a.id}`, type: 'alert', id: a.id, at, code: a.eventType, severity: a.severity, grid: null, lng: null, lat: null };
}

function emptyState(): WallState {
  return {
    config: null,
    loaded: false,
    loadFailed: false,
    status: 'connecting',
    lastSeq: 0,
    lastUpdateAt: null,
    day: shanghaiDay(Date.now()),
    incidents: new Map(),
    appeals: new Map(),
    alerts: new Map(),
    openByGrid: {},
    totals: { openIncidents: 0, openAppeals: 0, activeAlerts: 0, todayCases: 0 },
    recentIncidents: [],
    recentAlerts: [],
    truncated: false,
    rejectedFrames: 0,
  };
}

/** Drops the oldest entries (first inserted) beyond `cap`. */
function capMap<V>(map: Map<number, V>, cap: number): void {
  if (map.size <= cap) return;
  let excess = map.size - cap;
  for (const key of map.keys()) {
    map.delete(key);
    if (--excess <= 0) break;
  }
}

export interface HcmProbe {
  lastSeq: number;
  incidents: number;
  appeals: number;
  alerts: number;
  rejectedFrames: number;
  status: ConnectionStatus;
}

declare global {
  interface Window {
    __hcm?: HcmProbe;
  }
}

export class WallStore {
  private state: WallState = emptyState();
  private readonly listeners = new Set<() => void>();
  private pending: FeedFrame[] = [];
  private pendingTo = 0;
  private rafId: number | null = null;
  private timerId: ReturnType<typeof setTimeout> | null = null;

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
    const incidents = new Map<number, CaseEventData>();
    // Snapshot lists are newest first; insert oldest first so capMap evicts the oldest.
    for (let i = snapshot.incidents.length - 1; i >= 0; i--) incidents.set(snapshot.incidents[i]!.id, snapshot.incidents[i]!);
    const appeals = new Map<number, CaseEventData>();
    for (let i = snapshot.appeals.length - 1; i >= 0; i--) appeals.set(snapshot.appeals[i]!.id, snapshot.appeals[i]!);
    const alerts = new Map<number, AlertEventData>();
    for (let i = snapshot.alerts.length - 1; i >= 0; i--) alerts.set(snapshot.alerts[i]!.id, snapshot.alerts[i]!);
    const recentIncidents = snapshot.incidents.slice(0, LIMITS.recentIncidents).map(incidentItem);
    const recentAlerts = snapshot.alerts.slice(0, LIMITS.recentAlerts).map((a) => alertItem(a, a.onset));
    this.commit({
      ...this.state,
      loaded: true,
      loadFailed: false,
      lastSeq: snapshot.seq,
      lastUpdateAt: now,
      day: shanghaiDay(now),
      incidents,
      appeals,
      alerts,
      openByGrid: snapshot.openByGrid,
      totals: { ...snapshot.totals, activeAlerts: alerts.size },
      recentIncidents,
      recentAlerts,
      truncated: snapshot.truncated,
    });
  }

  /** Queues a validated frame; it is merged with others on the next animation frame. */
  enqueueFrame(frame: FeedFrame): void {
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
    const cutoff = now - LIMITS.appealHours * 3600_000;
    let appeals: Map<number, CaseEventData> | null = null;
    for (const [id, appeal] of this.state.appeals) {
      if (Date.parse(appeal.reportedAt) < cutoff) (appeals ??= new Map(this.state.appeals)).delete(id);
    }
    let alerts: Map<number, AlertEventData> | null = null;
    for (const [id, alert] of this.state.alerts) {
      if (!alertIsLive(alert, now)) (alerts ??= new Map(this.state.alerts)).delete(id);
    }
    if (!appeals && !alerts) return;
    const nextAlerts = alerts ?? this.state.alerts;
    this.commit({
      ...this.state,
      appeals: appeals ?? this.state.appeals,
      alerts: nextAlerts,
      totals: { ...this.state.totals, activeAlerts: nextAlerts.size },
    });
  }

  dispose(): void {
    this.cancelFlush();
    this.pending = [];
    this.listeners.clear();
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
      };
    }
    for (const listener of this.listeners) listener();
  }
}

/** Pure merge of frames into state; copies only the collections that change. */
export function applyFrames(state: WallState, frames: readonly FeedFrame[], now: number): WallState {
  let lastSeq = state.lastSeq;
  let incidents: Map<number, CaseEventData> | null = null;
  let appeals: Map<number, CaseEventData> | null = null;
  let alerts: Map<number, AlertEventData> | null = null;
  let openByGrid: Record<string, OpenCounts> | null = null;
  const totals = { ...state.totals };
  const freshIncidents: RecentItem[] = [];
  const freshAlerts: RecentItem[] = [];
  const today = shanghaiDay(now);
  let applied = 0;

  const bumpGrid = (grid: string | null, kind: 'incidents' | 'appeals') => {
    openByGrid ??= { ...state.openByGrid };
    const key = grid ?? '';
    const prev = openByGrid[key] ?? { incidents: 0, appeals: 0 };
    openByGrid[key] = { ...prev, [kind]: prev[kind] + 1 };
  };

  const applyEvent = (event: FeedEvent) => {
    if (event.topic === 'case.created') {
      const data = event.data;
      const open = isOpen(data);
      if (shanghaiDay(Date.parse(data.reportedAt)) === today) totals.todayCases++;
      if (data.kind === 'incident') {
        if (open) {
          incidents ??= new Map(state.incidents);
          incidents.set(data.id, data);
          totals.openIncidents++;
          bumpGrid(data.grid, 'incidents');
          freshIncidents.push(incidentItem(data));
        }
      } else {
        appeals ??= new Map(state.appeals);
        appeals.set(data.id, data);
        if (open) {
          totals.openAppeals++;
          bumpGrid(data.grid, 'appeals');
        }
      }
    } else if (alertIsLive(event.data, now)) {
      alerts ??= new Map(state.alerts);
      alerts.set(event.data.id, event.data);
      freshAlerts.push(alertItem(event.data, event.at));
    }
  };

  for (const frame of frames) {
    for (const event of frame.events) {
      // At-least-once delivery: anything at or below the applied seq is a duplicate.
      if (event.seq <= lastSeq) continue;
      lastSeq = event.seq;
      applyEvent(event);
      applied++;
    }
    lastSeq = Math.max(lastSeq, frame.to);
  }

  if (incidents) capMap(incidents, LIMITS.incidents);
  if (appeals) capMap(appeals, LIMITS.appeals);
  if (alerts) capMap(alerts, LIMITS.alerts);
  const nextAlerts = alerts ?? state.alerts;
  totals.activeAlerts = nextAlerts.size;
  const prepend = (fresh: RecentItem[], old: readonly RecentItem[], cap: number) =>
    fresh.length > 0 ? [...fresh.reverse(), ...old].slice(0, cap) : old;

  return {
    ...state,
    lastSeq,
    lastUpdateAt: applied > 0 ? now : state.lastUpdateAt,
    incidents: incidents ?? state.incidents,
    appeals: appeals ?? state.appeals,
    alerts: nextAlerts,
    openByGrid: openByGrid ?? state.openByGrid,
    totals,
    recentIncidents: prepend(freshIncidents, state.recentIncidents, LIMITS.recentIncidents),
    recentAlerts: prepend(freshAlerts, state.recentAlerts, LIMITS.recentAlerts),
  };
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

import type { ClientConfig, OpenCounts, Snapshot } from '../../server/protocol/rest';
import { CLOSED_STATUSES, type Severity } from '../../server/protocol/vocab';
import type { AlertEventData, CaseEventData, FeedEvent, FeedFrame } from '../../server/protocol/wire';
import type { Me } from './session';
import type { ConnectionStatus, SignOutState } from './live-store';

/**
 * The wall's state and the pure functions that move it: snapshot → state, frames →
 * state, pruning. No DOM, no React: the store (store.ts) schedules them, tests call
 * them directly.
 *
 * Every collection is bounded so a wall can run for days with flat memory: incidents
 * are capped (oldest dropped first), appeals and alerts are pruned by age/expiry.
 */
export type { ConnectionStatus, SignOutState } from './live-store';

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
  /** Who is signed in (GET /api/auth/me); null until known. */
  me: Me | null;
  /** The server's reason when it ended this page's credential (the page leaves for /login shortly). */
  signedOut: string | null;
  signOut: SignOutState;
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

/** The alert an alert event carries, without the event's own fields (action, level, to). */
function alertOf(event: Extract<FeedEvent, { layer: 'alerts' }>): AlertEventData {
  switch (event.topic) {
    case 'alert.created':
      return event.payload;
    case 'alert.updated': {
      const { action: _action, ...alert } = event.payload;
      return alert;
    }
    case 'alert.escalated': {
      const { level: _level, to: _to, ...alert } = event.payload;
      return alert;
    }
  }
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

export function emptyState(): WallState {
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

/** The state a snapshot describes; connection fields (config, status, counters of rejects) carry over. */
export function stateFromSnapshot(state: WallState, snapshot: Snapshot, now: number): WallState {
  const incidents = new Map<number, CaseEventData>();
  // Snapshot lists are newest first; insert oldest first so capMap evicts the oldest.
  for (let i = snapshot.incidents.length - 1; i >= 0; i--) incidents.set(snapshot.incidents[i]!.id, snapshot.incidents[i]!);
  const appeals = new Map<number, CaseEventData>();
  for (let i = snapshot.appeals.length - 1; i >= 0; i--) appeals.set(snapshot.appeals[i]!.id, snapshot.appeals[i]!);
  const alerts = new Map<number, AlertEventData>();
  for (let i = snapshot.alerts.length - 1; i >= 0; i--) alerts.set(snapshot.alerts[i]!.id, snapshot.alerts[i]!);
  return {
    ...state,
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
    recentIncidents: snapshot.incidents.slice(0, LIMITS.recentIncidents).map(incidentItem),
    recentAlerts: snapshot.alerts.slice(0, LIMITS.recentAlerts).map((a) => alertItem(a, a.onset)),
    truncated: snapshot.truncated,
  };
}

/** Drops appeals older than the heat window and alerts no longer live; returns `state` itself when nothing changes. */
export function pruneState(state: WallState, now: number): WallState {
  const cutoff = now - LIMITS.appealHours * 3600_000;
  let appeals: Map<number, CaseEventData> | null = null;
  for (const [id, appeal] of state.appeals) {
    if (Date.parse(appeal.reportedAt) < cutoff) (appeals ??= new Map(state.appeals)).delete(id);
  }
  let alerts: Map<number, AlertEventData> | null = null;
  for (const [id, alert] of state.alerts) {
    if (!alertIsLive(alert, now)) (alerts ??= new Map(state.alerts)).delete(id);
  }
  if (!appeals && !alerts) return state;
  const nextAlerts = alerts ?? state.alerts;
  return {
    ...state,
    appeals: appeals ?? state.appeals,
    alerts: nextAlerts,
    totals: { ...state.totals, activeAlerts: nextAlerts.size },
  };
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
      const data = event.payload;
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
    } else if (event.topic === 'case.updated' || event.topic === 'case.escalated') {
      // TODO(issue 7): follow case changes live.
    } else {
      applyAlert(event);
    }
  };

  /** Alerts: a live one is kept as it now is; one that ended (expired, cancelled, superseded) leaves. */
  const applyAlert = (event: Extract<FeedEvent, { layer: 'alerts' }>) => {
    const alert = alertOf(event);
    if (alertIsLive(alert, now)) {
      alerts ??= new Map(state.alerts);
      alerts.set(alert.id, alert);
      if (event.topic === 'alert.created') freshAlerts.push(alertItem(alert, event.at));
    } else if ((alerts ?? state.alerts).has(alert.id)) {
      alerts ??= new Map(state.alerts);
      alerts.delete(alert.id);
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


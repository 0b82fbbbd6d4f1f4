import type { ClientConfig, OpenCounts, Snapshot } from '../../server/protocol/rest';
import type { CaseStatus, Severity, SlaState } from '../../server/protocol/vocab';
import type { AlertEventData, AppealDensityData, CaseEventData, HotspotEventData } from '../../server/protocol/wire';
import type { Me } from './session';
import type { ConnectionStatus, SignOutState } from './live-store';

/**
 * The wall's state and the pure functions that move it: snapshot → state, frames →
 * state, pruning. No DOM, no React: the store (store.ts) schedules them, tests call
 * them directly.
 *
 * Every collection is bounded so a wall can run for days with flat memory: incidents
 * are capped (oldest dropped first), appeals and alerts are pruned by age/expiry.
 * Frames are merged by applyFrames (wall-frames.ts): cases move live, and a finished
 * one leaves the map, the list and the open counts.
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
  /** Incidents: where the case is in the loop, its running stage's SLA state, escalation levels. */
  status: CaseStatus | null;
  sla: SlaState | null;
  escalation: number;
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
  /** Live appeal hotspots by id (the `hotspots` layer; an ended one leaves). */
  hotspots: ReadonlyMap<number, HotspotEventData>;
  /** Appeals of the window per grid, k-suppressed, by district code (the `hotspots` layer): the heat layer's input. */
  density: ReadonlyMap<string, AppealDensityData>;
  openByGrid: Readonly<Record<string, OpenCounts>>;
  /** Cases this wall saw finish since its snapshot (bounded): never counted down twice. */
  closedIds: ReadonlySet<number>;
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
  hotspots: 500,
  recentIncidents: 40,
  recentAlerts: 12,
  closedIds: 5_000,
} as const;

const OPEN_ALERT = new Set(['active', 'acknowledged']);
const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** Calendar day in Asia/Shanghai (UTC+8, no DST). */
export function shanghaiDay(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

export function alertIsLive(alert: AlertEventData, now: number): boolean {
  return OPEN_ALERT.has(alert.status) && (alert.expires === null || Date.parse(alert.expires) > now);
}

export function incidentItem(c: CaseEventData): RecentItem {
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
    status: c.status,
    sla: c.sla?.state ?? null,
    escalation: c.escalation,
  };
}

export function alertItem(a: AlertEventData, at: string | null): RecentItem {
  return {
    key: `a${a.id}`,
    type: 'alert',
    id: a.id,
    at,
    code: a.eventType,
    severity: a.severity,
    grid: null,
    lng: null,
    lat: null,
    status: null,
    sla: null,
    escalation: 0,
  };
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
    hotspots: new Map(),
    density: new Map(),
    openByGrid: {},
    closedIds: new Set(),
    totals: { openIncidents: 0, openAppeals: 0, activeAlerts: 0, todayCases: 0 },
    recentIncidents: [],
    recentAlerts: [],
    truncated: false,
    rejectedFrames: 0,
  };
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
  const hotspots = new Map<number, HotspotEventData>(snapshot.hotspots.map((h) => [h.id, h]));
  const density = new Map<string, AppealDensityData>(snapshot.appealDensity.map((d) => [d.area, d]));
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
    hotspots,
    density,
    openByGrid: snapshot.openByGrid,
    closedIds: new Set(),
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

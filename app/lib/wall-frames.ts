import type { OpenCounts } from '../../server/protocol/rest';
import { CLOSED_STATUSES } from '../../server/protocol/vocab';
import type { AlertEventData, AppealDensityData, CaseEventData, FeedEvent, FeedFrame, HotspotEventData } from '../../server/protocol/wire';
import { LIMITS, alertIsLive, alertItem, incidentItem, shanghaiDay, type RecentItem, type Totals, type WallState } from './wall-state';

export function isOpen(data: CaseEventData): boolean {
  return !CLOSED_STATUSES.includes(data.status);
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

/**
 * Where the open-appeal total moves from: `cases` when the subscriber gets individual
 * appeals (their case events count), `density` on shared screens, which get only the
 * districts' `appeal.density` rows (each carries the district's open appeals).
 */
export type AppealTotals = 'cases' | 'density';

/** Pure merge of frames into state; copies only the collections that change. */
export function applyFrames(state: WallState, frames: readonly FeedFrame[], now: number, appealTotals: AppealTotals = 'cases'): WallState {
  const draft = new WallDraft(state, now, appealTotals);
  let lastSeq = state.lastSeq;
  let applied = 0;

  const applyEvent = (event: FeedEvent) => {
    switch (event.topic) {
      case 'case.created':
        return draft.created(event.payload);
      case 'case.updated':
      case 'case.escalated':
        return draft.updated(event.payload);
      case 'alert.created':
      case 'alert.updated':
      case 'alert.escalated':
        return draft.alert(alertOf(event), event.topic === 'alert.created' ? event.at : null);
      case 'hotspot.updated':
        return draft.hotspot(event.payload);
      case 'appeal.density':
        return draft.density(event.payload);
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
  return draft.result(lastSeq, applied);
}

/**
 * One batch of feed events applied to a wall state: collections are copied on
 * first write only, counts move with each event, the result is built once.
 *
 * Counting rule for updates. Totals and per-grid counts are exact over the whole
 * jurisdiction (the snapshot counts in SQL), while the maps are capped (incidents)
 * or windowed (appeals: the heat layer's last 24 h). An update changes the counts
 * only when the case crosses between open and finished (closed / rejected /
 * merged). For a case the wall holds, its held status says which side it was on.
 * For one it does not hold, it was open: finished statuses are terminal, so the
 * one event that finishes a case is the first event after the case was open, and
 * a case that finished before the snapshot sends no later events. A case the wall
 * saw finish is remembered (bounded set `closedIds`) so that a second finished
 * payload for it — none is expected, but the scheduler may race a close — never
 * counts twice. Counts never go below zero. The periodic snapshot reload remains
 * the backstop, not the mechanism.
 */
export class WallDraft {
  private incidents: Map<number, CaseEventData> | null = null;
  private appeals: Map<number, CaseEventData> | null = null;
  private alerts: Map<number, AlertEventData> | null = null;
  private hotspots: Map<number, HotspotEventData> | null = null;
  private densities: Map<string, AppealDensityData> | null = null;
  private openByGrid: Record<string, OpenCounts> | null = null;
  private closedIds: Set<number> | null = null;
  private readonly totals: Totals;
  private readonly freshIncidents: RecentItem[] = [];
  private readonly freshAlerts: RecentItem[] = [];
  /** Latest data of updated incidents, to refresh (or drop) their recent-list rows once. */
  private readonly changed = new Map<number, CaseEventData>();
  private readonly today: string;

  constructor(
    private readonly state: WallState,
    private readonly now: number,
    private readonly appealTotals: AppealTotals = 'cases',
  ) {
    this.totals = { ...state.totals };
    this.today = shanghaiDay(now);
  }

  created(data: CaseEventData): void {
    const open = isOpen(data);
    if (shanghaiDay(Date.parse(data.reportedAt)) === this.today) this.totals.todayCases++;
    if (data.kind === 'incident') {
      if (!open) return;
      this.mutable('incidents').set(data.id, data);
      this.freshIncidents.push(incidentItem(data));
    } else {
      this.mutable('appeals').set(data.id, data);
    }
    if (open) this.count(data, +1);
  }

  /** case.updated and case.escalated: the payload is the whole case as it now is. */
  updated(data: CaseEventData): void {
    const layer = data.kind === 'incident' ? 'incidents' : 'appeals';
    const held = (this[layer] ?? this.state[layer]).get(data.id);
    // Versions rise by one per command; scheduler changes (SLA state, escalation) keep
    // the version, so an equal one is newer news (the feed is in seq order).
    if (held && data.version < held.version) return;
    const closedIds = this.closedIds ?? this.state.closedIds;
    const wasOpen = held ? isOpen(held) : !closedIds.has(data.id);
    const open = isOpen(data);
    if (wasOpen !== open) this.count(data, open ? +1 : -1);
    if (!open) this.rememberClosed(data.id);

    if (layer === 'incidents') {
      if (open) this.mutable('incidents').set(data.id, data);
      else if (held) this.mutable('incidents').delete(data.id);
      this.changed.set(data.id, data);
    } else if (held || Date.parse(data.reportedAt) >= this.now - LIMITS.appealHours * 3600_000) {
      // Appeals stay in the heat window whatever their status (as in the snapshot).
      this.mutable('appeals').set(data.id, data);
    }
  }

  /**
   * Alerts: a live one is kept as it now is (a new one, `createdAt` set, joins the
   * list); one that ended (expired, cancelled, superseded) leaves.
   */
  alert(alert: AlertEventData, createdAt: string | null): void {
    if (alertIsLive(alert, this.now)) {
      (this.alerts ??= new Map(this.state.alerts)).set(alert.id, alert);
      if (createdAt !== null) this.freshAlerts.push(alertItem(alert, createdAt));
    } else if ((this.alerts ?? this.state.alerts).has(alert.id)) {
      (this.alerts ??= new Map(this.state.alerts)).delete(alert.id);
    }
  }

  /** A hotspot as the last detection run left it; an ended one leaves the map. */
  hotspot(data: HotspotEventData): void {
    const next = (this.hotspots ??= new Map(this.state.hotspots));
    if (data.trend === 'ended') next.delete(data.id);
    else next.set(data.id, data);
    capMap(next, LIMITS.hotspots);
  }

  /** A district's appeal counts per grid replace the ones it had; on shared screens its open appeals move the total. */
  density(data: AppealDensityData): void {
    const densities = (this.densities ??= new Map(this.state.density));
    const prev = densities.get(data.area);
    // The district's open appeals moved by the difference from what the screen last
    // knew (the snapshot read its density and totals in one transaction).
    if (this.appealTotals === 'density' && data.open !== undefined && prev?.open !== undefined) {
      this.totals.openAppeals = Math.max(0, this.totals.openAppeals + data.open - prev.open);
    }
    densities.set(data.area, data);
  }

  result(lastSeq: number, applied: number): WallState {
    const { state } = this;
    if (this.incidents) capMap(this.incidents, LIMITS.incidents);
    if (this.appeals) capMap(this.appeals, LIMITS.appeals);
    if (this.alerts) capMap(this.alerts, LIMITS.alerts);
    const alerts = this.alerts ?? state.alerts;
    const prepend = (fresh: RecentItem[], old: readonly RecentItem[], cap: number) =>
      fresh.length > 0 ? [...fresh.reverse(), ...old].slice(0, cap) : old;
    return {
      ...state,
      lastSeq,
      lastUpdateAt: applied > 0 ? this.now : state.lastUpdateAt,
      incidents: this.incidents ?? state.incidents,
      appeals: this.appeals ?? state.appeals,
      alerts,
      hotspots: this.hotspots ?? state.hotspots,
      density: this.densities ?? state.density,
      openByGrid: this.openByGrid ?? state.openByGrid,
      closedIds: this.closedIds ?? state.closedIds,
      totals: { ...this.totals, activeAlerts: alerts.size },
      recentIncidents: this.refreshRecent(prepend(this.freshIncidents, state.recentIncidents, LIMITS.recentIncidents)),
      recentAlerts: prepend(this.freshAlerts, state.recentAlerts, LIMITS.recentAlerts),
    };
  }

  /** Recent rows show a case as it now is; a finished case leaves the list as it leaves the map. */
  private refreshRecent(items: readonly RecentItem[]): readonly RecentItem[] {
    if (this.changed.size === 0 || !items.some((item) => this.changed.has(item.id))) return items;
    const next: RecentItem[] = [];
    for (const item of items) {
      const data = this.changed.get(item.id);
      if (!data) next.push(item);
      else if (isOpen(data)) next.push(incidentItem(data));
    }
    return next;
  }

  private mutable(key: 'incidents' | 'appeals'): Map<number, CaseEventData> {
    if (key === 'incidents') return (this.incidents ??= new Map(this.state.incidents));
    return (this.appeals ??= new Map(this.state.appeals));
  }

  private count(data: CaseEventData, delta: 1 | -1): void {
    const kind = data.kind === 'incident' ? 'incidents' : 'appeals';
    const total = kind === 'incidents' ? 'openIncidents' : 'openAppeals';
    this.totals[total] = Math.max(0, this.totals[total] + delta);
    this.openByGrid ??= { ...this.state.openByGrid };
    const key = data.grid ?? '';
    const prev = this.openByGrid[key] ?? { incidents: 0, appeals: 0 };
    this.openByGrid[key] = { ...prev, [kind]: Math.max(0, prev[kind] + delta) };
  }

  private rememberClosed(id: number): void {
    const ids = (this.closedIds ??= new Set(this.state.closedIds));
    ids.delete(id);
    ids.add(id);
    // Oldest first out: a Set iterates in insertion order.
    for (const old of ids) {
      if (ids.size <= LIMITS.closedIds) break;
      ids.delete(old);
    }
  }
}

/** Drops the oldest entries (first inserted) beyond `cap`. */
export function capMap<V>(map: Map<number, V>, cap: number): void {
  if (map.size <= cap) return;
  let excess = map.size - cap;
  for (const key of map.keys()) {
    map.delete(key);
    if (--excess <= 0) break;
  }
}

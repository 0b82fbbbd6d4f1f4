import { describe, expect, it } from 'vitest';
import { applyFrames } from '../../app/lib/wall-frames';
import { LIMITS, emptyState, pruneState, shanghaiDay, stateFromSnapshot } from '../../app/lib/wall-state';
import type { Snapshot } from '../../server/protocol/rest';
import {
  PROTOCOL_VERSION,
  type AlertEventData,
  type AppealDensityData,
  type CaseEventData,
  type FeedEvent,
  type FeedFrame,
  type HotspotEventData,
} from '../../server/protocol/wire';
import { REPORTED_LIFECYCLE } from '../../db/records';

const NOW = Date.parse('2026-11-24T04:00:00Z'); // 12:00 in Guiyang

function caseData(id: number, extra: Partial<CaseEventData> = {}): CaseEventData {
  return {
    id,
    kind: 'incident',
    channel: 'grid_worker',
    category: '0102',
    topic: null,
    severity: 'Moderate',
    status: 'reported',
    lng: 106.7,
    lat: 26.6,
    grid: '520103001001001',
    title: null,
    reportedAt: new Date(NOW - 60_000).toISOString(),
    ...REPORTED_LIFECYCLE,
    ...extra,
  };
}

function alertData(id: number, extra: Partial<AlertEventData> = {}): AlertEventData {
  return {
    id, source: 'api', eventType: 'FIRE', headline: 'h', severity: 'Severe', urgency: 'Immediate', certainty: 'Observed',
    status: 'active', onset: null, expires: null, affectedGrids: 1,
    impact: { openCases: 0, onDutyResponders: 0, population: 0 },
    ack: { pending: ['520102'], acknowledged: [], level: 0, records: [] },
    geometry: { type: 'MultiPolygon', coordinates: [] },
    ...extra,
  };
}

function alertEvent(seq: number, event: Pick<Extract<FeedEvent, { layer: 'alerts' }>, 'topic' | 'payload'>): FeedEvent {
  return { seq, at: new Date(NOW).toISOString(), layer: 'alerts', areaCodes: ['520100', '520102'], ...event } as FeedEvent;
}

function event(seq: number, data: CaseEventData): FeedEvent {
  return { seq, at: new Date(NOW).toISOString(), topic: 'case.created', layer: data.kind === 'incident' ? 'incidents' : 'appeals', areaCodes: ['520100'], payload: data };
}

function frame(from: number, to: number, events: FeedEvent[]): FeedFrame {
  return { v: PROTOCOL_VERSION, from, to, replay: false, events };
}

const snapshot: Snapshot = {
  seq: 10,
  at: new Date(NOW).toISOString(),
  area: null,
  incidents: [caseData(2), caseData(1)],
  appeals: [],
  alerts: [],
  openByGrid: { '520103001001001': { incidents: 2, appeals: 0 } },
  hotspots: [],
  appealDensity: [],
  totals: { openIncidents: 2, openAppeals: 0, activeAlerts: 0, todayCases: 2 },
  truncated: false,
};

describe('wall state', () => {
  it('starts from a snapshot at its seq', () => {
    const state = stateFromSnapshot(emptyState(), snapshot, NOW);
    expect(state.lastSeq).toBe(10);
    expect(state.incidents.size).toBe(2);
    expect(state.recentIncidents.map((r) => r.id)).toEqual([2, 1]);
  });

  it('applies each event once, however often it is delivered', () => {
    const base = stateFromSnapshot(emptyState(), snapshot, NOW);
    const fresh = event(11, caseData(3));
    const appeal = event(12, caseData(4, { kind: 'appeal', channel: 'hotline_12345', category: 'TS', grid: null }));
    const once = applyFrames(base, [frame(10, 12, [fresh, appeal])], NOW);
    const again = applyFrames(once, [frame(10, 12, [fresh, appeal]), frame(9, 11, [event(10, caseData(99))])], NOW);
    for (const state of [once, again]) {
      expect(state.lastSeq).toBe(12);
      expect(state.totals).toMatchObject({ openIncidents: 3, openAppeals: 1, todayCases: 4 });
      expect(state.openByGrid['520103001001001']).toEqual({ incidents: 3, appeals: 0 });
      expect(state.openByGrid['']).toEqual({ incidents: 0, appeals: 1 });
      expect(state.incidents.has(99)).toBe(false);
    }
    expect(again.recentIncidents[0]!.id).toBe(3);
  });

  it('advances lastSeq to the frame end even when no event in it is for this client', () => {
    const state = applyFrames(stateFromSnapshot(emptyState(), snapshot, NOW), [frame(10, 40, [])], NOW);
    expect(state.lastSeq).toBe(40);
  });

  it('counts a case reported yesterday (Shanghai time) as open but not as today', () => {
    const yesterday = new Date(Date.parse('2026-11-23T15:59:00Z')).toISOString(); // 23:59 on the 23rd in Guiyang
    expect(shanghaiDay(Date.parse(yesterday))).toBe('2026-11-23');
    const state = applyFrames(stateFromSnapshot(emptyState(), snapshot, NOW), [frame(10, 11, [event(11, caseData(5, { reportedAt: yesterday }))])], NOW);
    expect(state.totals).toMatchObject({ openIncidents: 3, todayCases: 2 });
  });

  it('keeps memory bounded: incidents capped, old appeals and expired alerts pruned', () => {
    let state = stateFromSnapshot(emptyState(), { ...snapshot, incidents: [] }, NOW);
    const many = Array.from({ length: LIMITS.incidents + 50 }, (_, i) => event(11 + i, caseData(100 + i)));
    state = applyFrames(state, [frame(10, 10 + many.length, many)], NOW);
    expect(state.incidents.size).toBe(LIMITS.incidents);
    expect(state.incidents.has(100)).toBe(false);
    expect(state.recentIncidents).toHaveLength(LIMITS.recentIncidents);

    const oldAppeal = caseData(7, { kind: 'appeal', reportedAt: new Date(NOW - 25 * 3600_000).toISOString() });
    const alert = {
      seq: state.lastSeq + 2,
      at: new Date(NOW).toISOString(),
      topic: 'alert.created' as const,
      layer: 'alerts' as const,
      areaCodes: ['520100'],
      payload: {
        ...alertData(1, { expires: new Date(NOW + 60_000).toISOString() }),
      },
    };
    state = applyFrames(state, [frame(state.lastSeq, state.lastSeq + 2, [event(state.lastSeq + 1, oldAppeal), alert])], NOW);
    expect(state.appeals.size).toBe(1);
    expect(state.totals.activeAlerts).toBe(1);
    const later = pruneState(state, NOW + 120_000);
    expect(later.appeals.size).toBe(0);
    expect(later.totals.activeAlerts).toBe(0);
    expect(pruneState(later, NOW + 130_000)).toBe(later);
  });
  it('follows alerts live: acknowledged and escalated ones stay as they now are, ended ones leave, a late update of an unknown alert is ignored', () => {
    let state = stateFromSnapshot(emptyState(), snapshot, NOW);
    state = applyFrames(state, [frame(10, 11, [alertEvent(11, { topic: 'alert.created', payload: alertData(7) })])], NOW);
    expect(state.alerts.get(7)?.status).toBe('active');
    expect(state.recentAlerts.map((a) => a.id)).toEqual([7]);
    const escalated = alertData(7, { ack: { pending: ['520102'], acknowledged: [], level: 1, records: [] } });
    state = applyFrames(state, [frame(11, 12, [alertEvent(12, { topic: 'alert.escalated', payload: { ...escalated, level: 1, to: '520100' } })])], NOW);
    expect(state.alerts.get(7)).toEqual(escalated);
    const acknowledged = alertData(7, { status: 'acknowledged', ack: { pending: [], acknowledged: ['520102'], level: 1, records: [{ area: '520102', by: '南明区值班员', at: '2026-06-01T02:00:00.000Z' }] } });
    state = applyFrames(state, [frame(12, 13, [alertEvent(13, { topic: 'alert.updated', payload: { ...acknowledged, action: 'acknowledged' } })])], NOW);
    expect(state.alerts.get(7)).toEqual(acknowledged);
    expect(state.totals.activeAlerts).toBe(1);
    // Updates are not new alerts: the ticker keeps one entry.
    expect(state.recentAlerts.map((a) => a.id)).toEqual([7]);
    state = applyFrames(state, [frame(13, 14, [alertEvent(14, { topic: 'alert.updated', payload: { ...alertData(7, { status: 'cancelled' }), action: 'cancelled' } })])], NOW);
    expect(state.alerts.has(7)).toBe(false);
    expect(state.totals.activeAlerts).toBe(0);
    const ignored = applyFrames(state, [frame(14, 15, [alertEvent(15, { topic: 'alert.updated', payload: { ...alertData(8, { status: 'expired' }), action: 'expired' } })])], NOW);
    expect(ignored.alerts).toBe(state.alerts);
  });
});

function updated(seq: number, data: CaseEventData, action = 'register'): FeedEvent {
  return { seq, at: new Date(NOW).toISOString(), topic: 'case.updated', layer: data.kind === 'incident' ? 'incidents' : 'appeals', areaCodes: ['520100'], payload: { ...data, action } };
}

function escalated(seq: number, data: CaseEventData): FeedEvent {
  return { seq, at: new Date(NOW).toISOString(), topic: 'case.escalated', layer: 'incidents', areaCodes: ['520100'], payload: { ...data, level: data.escalation, to: '520103' } };
}

/** Applies events one frame each, numbering seqs after the state's. */
function play(state: ReturnType<typeof emptyState>, ...events: Array<(seq: number) => FeedEvent>) {
  for (const make of events) {
    const seq = state.lastSeq + 1;
    state = applyFrames(state, [frame(state.lastSeq, seq, [make(seq)])], NOW);
  }
  return state;
}

const GRID = '520103001001001';
const OVERDUE = { stage: 'handle' as const, dueAt: new Date(NOW - 1000).toISOString(), state: 'overdue' as const, beyondCalendar: false };

describe('wall state follows case changes', () => {
  const base = () => stateFromSnapshot(emptyState(), snapshot, NOW);

  it('moves a case through the loop in place: status, SLA state and escalation show in the list; counts stay', () => {
    let state = play(base(), (s) => updated(s, caseData(2, { status: 'registered', version: 2 })));
    expect(state.incidents.get(2)!.status).toBe('registered');
    expect(state.recentIncidents.find((r) => r.id === 2)).toMatchObject({ status: 'registered', sla: null, escalation: 0 });
    // The scheduler keeps the version: an equal one is applied.
    state = play(state, (s) => updated(s, caseData(2, { status: 'registered', version: 2, sla: OVERDUE }), 'sla_overdue'));
    expect(state.recentIncidents.find((r) => r.id === 2)!.sla).toBe('overdue');
    state = play(state, (s) => escalated(s, caseData(2, { status: 'registered', version: 2, sla: OVERDUE, escalation: 1 })));
    expect(state.incidents.get(2)!.escalation).toBe(1);
    expect(state.recentIncidents.find((r) => r.id === 2)!.escalation).toBe(1);
    expect(state.totals.openIncidents).toBe(2);
    expect(state.openByGrid[GRID]).toEqual({ incidents: 2, appeals: 0 });
    // Recent-list order is kept (newest reported first), not reshuffled by updates.
    expect(state.recentIncidents.map((r) => r.id)).toEqual([2, 1]);
  });

  it('ignores a payload older than the version it holds', () => {
    let state = play(base(), (s) => updated(s, caseData(1, { status: 'dispatched', version: 3 }), 'dispatch'));
    state = play(state, (s) => updated(s, caseData(1, { status: 'registered', version: 2 })));
    expect(state.incidents.get(1)!.status).toBe('dispatched');
    state = play(state, (s) => updated(s, caseData(1, { status: 'rejected', version: 2 }), 'reject'));
    expect(state.incidents.has(1)).toBe(true);
    expect(state.totals.openIncidents).toBe(2);
  });

  it('a finished case leaves the map, the list and the counts, once', () => {
    let state = play(base(), (s) => updated(s, caseData(1, { status: 'closed', version: 7, sla: null }), 'close'));
    expect(state.incidents.has(1)).toBe(false);
    expect(state.recentIncidents.map((r) => r.id)).toEqual([2]);
    expect(state.totals.openIncidents).toBe(1);
    expect(state.openByGrid[GRID]).toEqual({ incidents: 1, appeals: 0 });
    // A second finished payload for it (a racing scheduler write) does not count twice.
    state = play(state, (s) => updated(s, caseData(1, { status: 'closed', version: 7 }), 'sla_overdue'));
    expect(state.totals.openIncidents).toBe(1);
    state = play(state, (s) => updated(s, caseData(2, { status: 'merged', version: 2, mergedInto: 1 }), 'merge'));
    expect(state.totals.openIncidents).toBe(0);
    expect(state.incidents.size).toBe(0);
    expect(state.recentIncidents).toEqual([]);
  });

  it('counts down cases it never held (capped snapshot, appeals past the heat window)', () => {
    // The city has 5 open incidents and 3 open appeals; the wall holds 2 incidents and no appeals.
    const capped: Snapshot = {
      ...snapshot,
      openByGrid: { [GRID]: { incidents: 5, appeals: 3 } },
      totals: { openIncidents: 5, openAppeals: 3, activeAlerts: 0, todayCases: 2 },
      truncated: true,
    };
    const oldReport = new Date(NOW - 3 * 24 * 3600_000).toISOString();
    let state = play(
      stateFromSnapshot(emptyState(), capped, NOW),
      (s) => updated(s, caseData(40, { status: 'rejected', version: 2, reportedAt: oldReport }), 'reject'),
      (s) => updated(s, caseData(41, { kind: 'appeal', status: 'closed', version: 6, reportedAt: oldReport }), 'close'),
    );
    expect(state.totals).toMatchObject({ openIncidents: 4, openAppeals: 2, todayCases: 2 });
    expect(state.openByGrid[GRID]).toEqual({ incidents: 4, appeals: 2 });
    expect(state.incidents.has(40)).toBe(false);
    expect(state.appeals.has(41)).toBe(false); // older than the heat window: not shown
    // An open case it did not hold is shown from its first update on, without counting it again.
    state = play(state, (s) => updated(s, caseData(42, { status: 'in_progress', version: 4, reportedAt: oldReport }), 'accept'));
    expect(state.incidents.get(42)!.status).toBe('in_progress');
    expect(state.totals.openIncidents).toBe(4);
  });

  it('keeps a finished appeal in the heat window but not in the open counts', () => {
    const appeal = caseData(50, { kind: 'appeal', channel: 'hotline_12345', category: 'TS' });
    let state = play(base(), (s) => event(s, appeal));
    expect(state.totals.openAppeals).toBe(1);
    state = play(state, (s) => updated(s, { ...appeal, status: 'closed', version: 6 }, 'close'));
    expect(state.appeals.get(50)!.status).toBe('closed');
    expect(state.totals.openAppeals).toBe(0);
    expect(state.openByGrid[GRID]).toEqual({ incidents: 2, appeals: 0 });
  });

  it('never counts below zero, and applies a frame of mixed events in seq order', () => {
    const empty: Snapshot = { ...snapshot, incidents: [], openByGrid: {}, totals: { openIncidents: 0, openAppeals: 0, activeAlerts: 0, todayCases: 0 } };
    let state = play(stateFromSnapshot(emptyState(), empty, NOW), (s) => updated(s, caseData(60, { status: 'closed', version: 6 }), 'close'));
    expect(state.totals.openIncidents).toBe(0);
    expect(state.openByGrid[GRID]).toEqual({ incidents: 0, appeals: 0 });
    // created → registered → rejected in one frame: it appears and leaves within the same repaint.
    const s0 = state.lastSeq;
    state = applyFrames(state, [frame(s0, s0 + 3, [
      event(s0 + 1, caseData(61)),
      updated(s0 + 2, caseData(61, { status: 'registered', version: 2 })),
      updated(s0 + 3, caseData(61, { status: 'rejected', version: 3 }), 'reject'),
    ])], NOW);
    expect(state.incidents.has(61)).toBe(false);
    expect(state.recentIncidents.some((r) => r.id === 61)).toBe(false);
    expect(state.totals).toMatchObject({ openIncidents: 0, todayCases: 1 });
  });

  it('forgets the oldest finished ids beyond its bound', () => {
    let state = base();
    const many = Array.from({ length: LIMITS.closedIds + 10 }, (_, i) => updated(11 + i, caseData(1000 + i, { status: 'closed', version: 6 }), 'close'));
    state = applyFrames(state, [frame(10, 10 + many.length, many)], NOW);
    expect(state.closedIds.size).toBe(LIMITS.closedIds);
    expect(state.closedIds.has(1000)).toBe(false);
    expect(state.closedIds.has(1000 + LIMITS.closedIds + 9)).toBe(true);
  });
});

describe('wall state follows the hotspot layer (aggregates only)', () => {
  const hotspot = (id: number, extra: Partial<HotspotEventData> = {}): HotspotEventData => ({
    id, topic: null, trend: 'emerging', count: 5, previousCount: null, peakCount: 5,
    firstSeen: new Date(NOW - 3600_000).toISOString(), lastSeen: new Date(NOW).toISOString(),
    center: [106.7, 26.6], outline: { type: 'MultiPolygon', coordinates: [] },
    topics: { 噪音扰民: 5 }, areas: [{ code: '520103001', name: '街道', count: 5 }], alertId: null,
    ...extra,
  });
  const hotspotEvent = (seq: number, payload: HotspotEventData): FeedEvent =>
    ({ seq, at: new Date(NOW).toISOString(), topic: 'hotspot.updated', layer: 'hotspots', areaCodes: ['520100', '520103'], payload });
  const densityEvent = (seq: number, payload: AppealDensityData): FeedEvent =>
    ({ seq, at: new Date(NOW).toISOString(), topic: 'appeal.density', layer: 'hotspots', areaCodes: ['520100', payload.area], payload });
  const density = (area: string, cells: Record<string, number>, suppressed: number): AppealDensityData => ({ area, windowHours: 24, k: 3, cells, suppressed });

  it('starts from the snapshot’s hotspots and density', () => {
    const state = stateFromSnapshot(emptyState(), { ...snapshot, hotspots: [hotspot(1)], appealDensity: [density('520103', { '520103001001001': 4 }, 2)] }, NOW);
    expect([...state.hotspots.keys()]).toEqual([1]);
    expect(state.density.get('520103')?.cells).toEqual({ '520103001001001': 4 });
  });

  it('keeps a hotspot as its last run left it, drops an ended one, and replaces a district’s density whole', () => {
    let state = stateFromSnapshot(emptyState(), snapshot, NOW);
    const s0 = state.lastSeq;
    state = applyFrames(state, [frame(s0, s0 + 4, [
      hotspotEvent(s0 + 1, hotspot(1)),
      hotspotEvent(s0 + 2, hotspot(2, { trend: 'stable' })),
      hotspotEvent(s0 + 3, hotspot(1, { trend: 'growing', count: 8, previousCount: 5 })),
      densityEvent(s0 + 4, density('520103', { '520103001001001': 3, '520103001001002': 6 }, 1)),
    ])], NOW);
    expect(state.hotspots.get(1)).toMatchObject({ trend: 'growing', count: 8 });
    expect(state.hotspots.get(2)?.trend).toBe('stable');
    state = applyFrames(state, [frame(s0 + 4, s0 + 6, [
      hotspotEvent(s0 + 5, hotspot(2, { trend: 'ended', count: 0 })),
      densityEvent(s0 + 6, density('520103', { '520103001001002': 7 }, 3)),
    ])], NOW);
    expect([...state.hotspots.keys()]).toEqual([1]);
    expect(state.density.get('520103')).toEqual(density('520103', { '520103001001002': 7 }, 3));
    // Neither touches the case counts.
    expect(state.totals).toMatchObject({ openIncidents: 2, openAppeals: 0 });
  });

  it('moves a shared screen’s open-appeal total by each district’s change in open appeals, and only there', () => {
    const withOpen = (area: string, open: number | undefined): AppealDensityData => ({ ...density(area, {}, 0), open });
    const start = stateFromSnapshot(emptyState(), {
      ...snapshot,
      // 40 open in scope: 12 in 520103, 20 in 520102, 8 in no district (the city desk's).
      totals: { ...snapshot.totals, openAppeals: 40 },
      appealDensity: [withOpen('520103', 12), withOpen('520102', 20)],
    }, NOW);
    const s0 = start.lastSeq;
    const frames = [frame(s0, s0 + 3, [
      densityEvent(s0 + 1, withOpen('520103', 15)),
      densityEvent(s0 + 2, withOpen('520102', 17)),
      densityEvent(s0 + 3, withOpen('520103', 14)),
    ])];
    // 40 + (15 − 12) + (17 − 20) + (14 − 15)
    expect(applyFrames(start, frames, NOW, 'density').totals.openAppeals).toBe(39);
    // A subscriber given individual appeals counts their case events instead: density leaves the total alone.
    expect(applyFrames(start, frames, NOW, 'cases').totals.openAppeals).toBe(40);
    // A row from before `open` existed moves nothing; the next row only sets the baseline again.
    const old = applyFrames(start, [frame(s0, s0 + 1, [densityEvent(s0 + 1, withOpen('520103', undefined))])], NOW, 'density');
    expect(old.totals.openAppeals).toBe(40);
    const after = applyFrames(old, [frame(s0 + 1, s0 + 2, [densityEvent(s0 + 2, withOpen('520103', 10))])], NOW, 'density');
    expect(after.totals.openAppeals).toBe(40);
  });
});

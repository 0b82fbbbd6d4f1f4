import { describe, expect, it } from 'vitest';
import { applyQueueEvents, clockLook, compareRows, emptyQueue, inTab, NO_FILTERS, queueFromResponse, type QueueSlice } from '../../app/dispatch/state/queue';
import { REPORTED_LIFECYCLE } from '../../db/records';
import type { QueueResponse, QueueRow } from '../../server/protocol/dispatch';
import type { CaseEventData, FeedEvent } from '../../server/protocol/wire';

/**
 * The dispatch console's queue merge: feed events move cases into, out of and
 * within the tab on screen, in the server's order (deadline ascending, none last,
 * then id), under the filters, never backwards in version.
 */
const NOW = Date.parse('2026-11-24T04:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const AREAS = ['520100', '520102', '520102001', '520102001001', '520102001001001'];

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
    grid: '520102001001001',
    title: null,
    reportedAt: iso(NOW - 60_000),
    ...REPORTED_LIFECYCLE,
    sla: { stage: 'register', dueAt: iso(NOW + id * 60_000), state: 'normal', beyondCalendar: false },
    ...extra,
  };
}

function row(id: number, extra: Partial<CaseEventData> = {}): QueueRow {
  return { ...caseData(id, extra), address: `addr ${id}`, warnAt: iso(NOW + id * 30_000) };
}

let seq = 100;
function updated(data: CaseEventData, areaCodes = AREAS): FeedEvent {
  return { seq: ++seq, at: iso(NOW), topic: 'case.updated', layer: 'incidents', areaCodes, payload: { ...data, action: 'x' } };
}
function created(data: CaseEventData, areaCodes = AREAS): FeedEvent {
  return { seq: ++seq, at: iso(NOW), topic: 'case.created', layer: 'incidents', areaCodes, payload: data };
}

function page(tab: QueueSlice['tab'], rows: QueueRow[], next: string | null = null, filters = NO_FILTERS): QueueSlice {
  const response: QueueResponse = { tab, area: '520102', seq: 100, at: iso(NOW), counts: null, cases: rows, next };
  return queueFromResponse(tab, filters, response, null);
}

const ids = (q: QueueSlice) => q.rows.map((r) => r.id);

describe('dispatch queue', () => {
  it('puts each status in its tab, and overdue across them for live cases only', () => {
    expect(inTab('register', caseData(1))).toBe(true);
    expect(inTab('dispatch', caseData(1, { status: 'returned' }))).toBe(true);
    expect(inTab('handling', caseData(1, { status: 'suspended' }))).toBe(true);
    expect(inTab('verify', caseData(1, { status: 'handled' }))).toBe(true);
    const late = { stage: 'handle' as const, dueAt: iso(NOW - 1), state: 'overdue' as const, beyondCalendar: false };
    expect(inTab('overdue', caseData(1, { status: 'in_progress', sla: late }))).toBe(true);
    expect(inTab('overdue', caseData(1, { status: 'closed', sla: late }))).toBe(false);
    expect(inTab('register', caseData(1, { status: 'registered' }))).toBe(false);
  });

  it('orders by deadline, no deadline last, then id', () => {
    const a = row(5);
    const b = row(3);
    const none = row(1, { sla: null });
    const tie = row(9, { sla: a.sla });
    expect([none, a, tie, b].sort(compareRows).map((r) => r.id)).toEqual([3, 5, 9, 1]);
  });

  it('inserts a new case in its place, moves one out when its status leaves the tab, and keeps address and warnAt', () => {
    let q = page('register', [row(2), row(6)]);
    q = applyQueueEvents(q, [created(caseData(4))]);
    expect(ids(q)).toEqual([2, 4, 6]);
    expect(q.rows[1]!.address).toBeNull();
    q = applyQueueEvents(q, [updated(caseData(6, { version: 2, severity: 'Severe' }))]);
    expect(q.rows[2]).toMatchObject({ id: 6, severity: 'Severe', address: 'addr 6', warnAt: iso(NOW + 6 * 30_000) });
    q = applyQueueEvents(q, [updated(caseData(2, { version: 2, status: 'registered' }))]);
    expect(ids(q)).toEqual([4, 6]);
  });

  it('moves a case to its new place when its deadline changes, and forgets a warnAt of another stage', () => {
    let q = page('handling', [row(2, { status: 'dispatched' }), row(4, { status: 'dispatched' })]);
    const sooner = { stage: 'handle' as const, dueAt: iso(NOW + 10_000), state: 'normal' as const, beyondCalendar: false };
    q = applyQueueEvents(q, [updated(caseData(4, { version: 3, status: 'in_progress', sla: sooner }))]);
    expect(ids(q)).toEqual([4, 2]);
    expect(q.rows[0]!.warnAt).toBeNull();
  });

  it('ignores a payload older than the row it holds, and applies the same version again harmlessly', () => {
    let q = page('register', [row(3, { version: 4, severity: 'Extreme' })]);
    const older = applyQueueEvents(q, [updated(caseData(3, { version: 2, severity: 'Minor', status: 'registered' }))]);
    expect(older).toBe(q);
    q = applyQueueEvents(q, [updated(caseData(3, { version: 4, severity: 'Extreme' }))]);
    expect(ids(q)).toEqual([3]);
  });

  it('applies the filters, the area by the event’s area codes', () => {
    const filters = { category: '0102', severity: null, channel: null, area: '520102001' };
    let q = page('register', [], null, filters);
    q = applyQueueEvents(q, [
      created(caseData(1)),
      created(caseData(2, { category: '0401' })),
      created(caseData(3), ['520100', '520103', '520103001']),
    ]);
    expect(ids(q)).toEqual([1]);
    // A case edited out of the filter leaves.
    q = applyQueueEvents(q, [updated(caseData(1, { version: 2, category: '0401' }))]);
    expect(ids(q)).toEqual([]);
  });

  it('leaves a newcomer that sorts after the last row of an incomplete page to its later page', () => {
    let q = page('register', [row(2), row(4)], 'cursor');
    q = applyQueueEvents(q, [created(caseData(9)), created(caseData(3))]);
    expect(ids(q)).toEqual([2, 3, 4]);
    // A case already on the page moves freely.
    q = applyQueueEvents(q, [updated(caseData(2, { version: 2, sla: { stage: 'register', dueAt: iso(NOW + 99 * 60_000), state: 'normal', beyondCalendar: false } }))]);
    expect(ids(q)).toEqual([3, 4, 2]);
  });

  it('ignores alert events and returns the same slice when nothing changes', () => {
    const q = emptyQueue();
    const alert = { seq: 1, at: iso(NOW), topic: 'alert.updated', layer: 'alerts', areaCodes: AREAS, payload: {} } as unknown as FeedEvent;
    expect(applyQueueEvents(q, [alert])).toBe(q);
  });

  it('turns the clock amber at warnAt (or when the server says warning), red past the deadline, grey while suspended', () => {
    const c = row(10);
    const warnAt = Date.parse(c.warnAt!);
    const due = Date.parse(c.sla!.dueAt!);
    expect(clockLook(c, warnAt - 1)).toBe('normal');
    expect(clockLook(c, warnAt)).toBe('warning');
    expect(clockLook({ ...c, warnAt: null, sla: { ...c.sla!, state: 'warning' } }, NOW)).toBe('warning');
    expect(clockLook(c, due)).toBe('overdue');
    expect(clockLook({ ...c, sla: { ...c.sla!, state: 'overdue' } }, NOW)).toBe('overdue');
    expect(clockLook({ ...c, status: 'suspended', sla: { ...c.sla!, dueAt: null } }, NOW)).toBe('paused');
    expect(clockLook({ ...c, sla: null }, NOW)).toBe('none');
  });
});

import { describe, expect, it } from 'vitest';
import { applyCaseChange, applyFeedEvents, sortTasks, taskActions, tasksFromResponse, type Task } from '../../app/report/tasks-state';
import { REPORTED_LIFECYCLE } from '../../db/records';
import type { CaseEventData, FeedEvent } from '../../server/protocol/wire';

const ME = 7;
const AT = '2026-11-24T04:00:00.000Z';

function data(id: number, extra: Partial<CaseEventData> = {}): CaseEventData {
  return {
    id, kind: 'incident', channel: 'grid_worker', category: '0102', topic: null, severity: 'Moderate', status: 'dispatched',
    lng: 106.7, lat: 26.6, grid: '520102001001001', title: `case ${id}`, reportedAt: AT,
    ...REPORTED_LIFECYCLE, version: 3, assigneeId: ME,
    sla: { stage: 'handle', dueAt: '2026-11-24T08:00:00.000Z', state: 'normal', beyondCalendar: false },
    ...extra,
  };
}

function task(id: number, extra: Partial<Task> = {}): Task {
  return { ...data(id), address: `地址 ${id}`, description: `描述 ${id}`, warnAt: null, updatedAt: AT, ...extra };
}

function updated(seq: number, payload: CaseEventData, action = 'dispatch'): FeedEvent {
  return { seq, at: AT, topic: 'case.updated', layer: 'incidents', areaCodes: ['520100', '520102'], payload: { ...payload, action } };
}

const responder = { id: ME, code: 'R7', name: '网格员', status: 'on_duty', homeGrid: '520102001001001' };

describe('report tasks state', () => {
  it('adds a case dispatched to me, live, and asks for its details', () => {
    const state = tasksFromResponse({ responder, tasks: [], seq: 0 });
    const { state: next, refetch } = applyFeedEvents(state, [updated(10, data(5))]);
    expect(next.tasks.map((t) => t.id)).toEqual([5]);
    expect(refetch).toBe(true);
  });

  it('ignores cases dispatched to someone else and alerts', () => {
    const state = tasksFromResponse({ responder, tasks: [], seq: 0 });
    const alert = { seq: 11, at: AT, topic: 'alert.created', layer: 'alerts', areaCodes: [], payload: {} } as unknown as FeedEvent;
    const { state: next, refetch } = applyFeedEvents(state, [updated(10, data(5, { assigneeId: 8 })), alert]);
    expect(next.tasks).toEqual([]);
    expect(refetch).toBe(false);
  });

  it('keeps the details it has when a known task moves on, and drops it once closed or reassigned', () => {
    let state = tasksFromResponse({ responder, tasks: [task(5), task(6)], seq: 0 });
    state = applyFeedEvents(state, [updated(10, data(5, { status: 'in_progress', version: 4 }), 'accept')]).state;
    expect(state.tasks.find((t) => t.id === 5)).toMatchObject({ status: 'in_progress', version: 4, address: '地址 5' });
    state = applyFeedEvents(state, [updated(11, data(5, { status: 'closed', version: 6 }), 'close')]).state;
    state = applyFeedEvents(state, [updated(12, data(6, { assigneeId: 9, version: 5 }))]).state;
    expect(state.tasks).toEqual([]);
  });

  it('never goes back to an older version (a replayed or late event)', () => {
    const state = tasksFromResponse({ responder, tasks: [task(5, { status: 'handled', version: 5 })], seq: 0 });
    const { state: next } = applyCaseChange(state, data(5, { status: 'in_progress', version: 4 }));
    expect(next.tasks[0]).toMatchObject({ status: 'handled', version: 5 });
    // And an older event cannot remove it either.
    expect(applyCaseChange(state, data(5, { assigneeId: 9, version: 3 })).state.tasks).toHaveLength(1);
  });

  it('knows no tasks without a linked responder', () => {
    const state = tasksFromResponse({ responder: null, tasks: [], seq: 0 });
    expect(applyFeedEvents(state, [updated(10, data(5))]).state.tasks).toEqual([]);
  });

  it('lists what needs me first: to accept, then to handle, then awaiting the check; by deadline within', () => {
    const sorted = sortTasks([
      task(1, { status: 'handled' }),
      task(2, { status: 'in_progress', sla: { stage: 'handle', dueAt: '2026-11-24T09:00:00.000Z', state: 'normal', beyondCalendar: false } }),
      task(3, { status: 'in_progress', sla: { stage: 'handle', dueAt: '2026-11-24T05:00:00.000Z', state: 'warning', beyondCalendar: false } }),
      task(4, { status: 'dispatched' }),
    ]);
    expect(sorted.map((t) => t.id)).toEqual([4, 3, 2, 1]);
  });

  it('offers 接单/回退 when dispatched, 处置反馈 in progress, nothing otherwise', () => {
    expect(taskActions({ status: 'dispatched' })).toEqual(['accept', 'return']);
    expect(taskActions({ status: 'in_progress' })).toEqual(['handle']);
    expect(taskActions({ status: 'handled' })).toEqual([]);
  });
});

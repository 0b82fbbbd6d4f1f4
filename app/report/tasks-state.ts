import type { LinkedResponder, MyTasks, TaskRow } from '../../server/protocol/rest';
import type { CaseEventData, FeedEvent } from '../../server/protocol/wire';

/**
 * The grid worker's task list, as pure functions: loaded from GET /api/me/tasks,
 * then kept current by the feed (case.created / case.updated / case.escalated
 * whose `assigneeId` is the worker's responder) and by the answers to the
 * worker's own commands. A case keeps the highest version seen, so a late or
 * replayed event never undoes a newer state.
 */
export type Task = TaskRow;

export const OPEN_TASK_STATUSES: readonly string[] = ['dispatched', 'in_progress', 'handled', 'suspended'];

export interface TasksState {
  loaded: boolean;
  responder: LinkedResponder | null;
  tasks: Task[];
}

export const EMPTY_TASKS: TasksState = { loaded: false, responder: null, tasks: [] };

/** The order of the list: what needs the worker first (接单, then 处置), then by deadline. */
const STATUS_ORDER: Record<string, number> = { dispatched: 0, in_progress: 1, suspended: 2, handled: 3 };

export function sortTasks(tasks: readonly Task[]): Task[] {
  const due = (t: Task) => (t.sla?.dueAt ? Date.parse(t.sla.dueAt) : Number.POSITIVE_INFINITY);
  return [...tasks].sort((a, b) => (STATUS_ORDER[a.status] ?? 9) - (STATUS_ORDER[b.status] ?? 9) || due(a) - due(b) || b.id - a.id);
}

export function tasksFromResponse(body: MyTasks): TasksState {
  return { loaded: true, responder: body.responder, tasks: sortTasks(body.tasks) };
}

/**
 * Folds one case change in. Returns the new state and whether the case is a task
 * we know nothing else about (address, description: the list should be reloaded).
 */
export function applyCaseChange(state: TasksState, data: CaseEventData, at: string | null = null): { state: TasksState; unknown: boolean } {
  const me = state.responder?.id ?? null;
  const index = state.tasks.findIndex((t) => t.id === data.id);
  const known = index >= 0 ? state.tasks[index]! : null;
  if (known && known.version > data.version) return { state, unknown: false };
  const mine = me !== null && data.assigneeId === me && OPEN_TASK_STATUSES.includes(data.status);
  if (!mine) {
    if (!known) return { state, unknown: false };
    return { state: { ...state, tasks: state.tasks.filter((t) => t.id !== data.id) }, unknown: false };
  }
  const { action: _action, level: _level, to: _to, ...fields } = data as CaseEventData & { action?: string; level?: number; to?: string };
  const merged: Task = known
    ? { ...known, ...fields, updatedAt: at ?? known.updatedAt }
    : { ...fields, address: null, description: null, warnAt: null, updatedAt: at ?? new Date().toISOString() };
  const tasks = known ? state.tasks.map((t) => (t.id === data.id ? merged : t)) : [...state.tasks, merged];
  return { state: { ...state, tasks: sortTasks(tasks) }, unknown: !known };
}

/** Folds feed events in (any topic; only cases matter here). */
export function applyFeedEvents(state: TasksState, events: readonly FeedEvent[]): { state: TasksState; refetch: boolean } {
  let next = state;
  let refetch = false;
  for (const event of events) {
    switch (event.topic) {
      case 'case.created':
      case 'case.updated':
      case 'case.escalated': {
        const result = applyCaseChange(next, event.payload, event.at);
        next = result.state;
        refetch ||= result.unknown;
        break;
      }
      case 'alert.created':
      case 'alert.updated':
      case 'alert.escalated':
      case 'hotspot.updated':
      case 'appeal.density':
        break;
    }
  }
  return { state: next, refetch };
}

/** What the worker may do with a task now (the server has the last word). */
export function taskActions(task: Pick<Task, 'status'>): Array<'accept' | 'return' | 'handle'> {
  switch (task.status) {
    case 'dispatched':
      return ['accept', 'return'];
    case 'in_progress':
      return ['handle'];
    default:
      return [];
  }
}

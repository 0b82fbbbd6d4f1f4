import type { QueueResponse, QueueRow, QueueTab } from '../../../server/protocol/dispatch';
import { CLOSED_STATUSES, type CaseStatus } from '../../../server/protocol/vocab';
import type { CaseEventData, FeedEvent } from '../../../server/protocol/wire';

/**
 * The dispatch queue as the console holds it, and the pure functions that move it:
 * a REST page (GET /api/dispatch/queue) is the base; feed events (case.created,
 * case.updated, case.escalated) move cases in, out and within it at once. The
 * server's rules are mirrored here (db/queries/queue.ts): the tab a status belongs
 * to, the order (deadline ascending, none last, then id), the filters.
 * Counts, addresses and warnAt of newcomers come from the next quiet refresh.
 */
export const QUEUE_TABS = ['register', 'dispatch', 'handling', 'verify', 'overdue'] as const satisfies readonly QueueTab[];

export interface QueueFilters {
  category: string | null;
  severity: string | null;
  channel: string | null;
  /** An area inside the jurisdiction (a street, community…), or null for all of it. */
  area: string | null;
}

export const NO_FILTERS: QueueFilters = { category: null, severity: null, channel: null, area: null };

export interface QueueSlice {
  tab: QueueTab;
  filters: QueueFilters;
  /** In queue order. */
  rows: readonly QueueRow[];
  counts: Record<QueueTab, number> | null;
  /** Cursor of the next page; null when the tab is complete. */
  next: string | null;
  /** Feed seq the last REST page was consistent with. */
  seq: number;
  status: 'loading' | 'ready' | 'failed';
}

export function emptyQueue(tab: QueueTab = 'register', filters: QueueFilters = NO_FILTERS): QueueSlice {
  return { tab, filters, rows: [], counts: null, next: null, seq: 0, status: 'loading' };
}

const TAB_STATUSES: Record<Exclude<QueueTab, 'overdue'>, readonly CaseStatus[]> = {
  register: ['reported'],
  dispatch: ['registered', 'returned'],
  handling: ['dispatched', 'in_progress', 'suspended'],
  verify: ['handled'],
};

export function isOpenStatus(status: CaseStatus): boolean {
  return !CLOSED_STATUSES.includes(status);
}

export function inTab(tab: QueueTab, c: Pick<CaseEventData, 'status' | 'sla'>): boolean {
  if (tab === 'overdue') return c.sla?.state === 'overdue' && isOpenStatus(c.status);
  return TAB_STATUSES[tab].includes(c.status);
}

/** The tab a case is worked in (its status); overdue is a view across them. */
export function homeTab(status: CaseStatus): Exclude<QueueTab, 'overdue'> | null {
  for (const tab of ['register', 'dispatch', 'handling', 'verify'] as const) if (TAB_STATUSES[tab].includes(status)) return tab;
  return null;
}

function matches(filters: QueueFilters, c: CaseEventData, areaCodes: readonly string[] | null): boolean {
  if (filters.category && c.category !== filters.category) return false;
  if (filters.severity && c.severity !== filters.severity) return false;
  if (filters.channel && c.channel !== filters.channel) return false;
  if (filters.area && areaCodes && !areaCodes.includes(filters.area)) return false;
  return true;
}

/** Queue order: deadline ascending, no deadline last, then id. */
export function compareRows(a: Pick<QueueRow, 'sla' | 'id'>, b: Pick<QueueRow, 'sla' | 'id'>): number {
  const da = a.sla?.dueAt ? Date.parse(a.sla.dueAt) : Number.POSITIVE_INFINITY;
  const db = b.sla?.dueAt ? Date.parse(b.sla.dueAt) : Number.POSITIVE_INFINITY;
  if (da !== db) return da < db ? -1 : 1;
  return a.id - b.id;
}

export function queueFromResponse(tab: QueueTab, filters: QueueFilters, response: QueueResponse, previous: QueueSlice | null): QueueSlice {
  return {
    tab,
    filters,
    rows: [...response.cases].sort(compareRows),
    counts: response.counts ?? previous?.counts ?? null,
    next: response.next,
    seq: response.seq,
    status: 'ready',
  };
}

/** The case a feed event carries, without the event's own fields. */
export function caseOfEvent(event: FeedEvent): CaseEventData | null {
  switch (event.topic) {
    case 'case.created':
      return event.payload;
    case 'case.updated': {
      const { action: _action, ...data } = event.payload;
      return data;
    }
    case 'case.escalated': {
      const { level: _level, to: _to, ...data } = event.payload;
      return data;
    }
    case 'alert.created':
    case 'alert.updated':
    case 'alert.escalated':
    case 'hotspot.updated':
    case 'appeal.density':
      return null;
  }
}

/**
 * Applies case events to the queue: a case that now belongs (tab, filters) is put
 * in its place (kept beyond the loaded page only when the page is complete), one
 * that no longer belongs leaves. A payload older than the row held is ignored.
 *
 * The tab counts follow what is known for certain: a new case counts in its tab; a
 * case on screen moves from its tab to its new one; a case that enters a complete
 * page was not in that tab before. What it left is then unknown (it was not on
 * screen): the next refresh of the page brings the exact counts.
 * Returns the same slice when nothing changed.
 */
export function applyQueueEvents(queue: QueueSlice, events: readonly FeedEvent[]): QueueSlice {
  let rows: QueueRow[] | null = null;
  let counts: Record<QueueTab, number> | null = null;
  const count = (tab: QueueTab | null, delta: number) => {
    if (!tab || !queue.counts) return;
    counts ??= { ...queue.counts };
    counts[tab] = Math.max(0, counts[tab] + delta);
  };
  /** The tabs a case counts in under the filters: its status's tab and, when late, 已超时. */
  const countIn = (c: CaseEventData, areaCodes: readonly string[] | null, delta: number) => {
    if (!isOpenStatus(c.status) || !matches(queue.filters, c, areaCodes)) return;
    count(homeTab(c.status), delta);
    if (inTab('overdue', c)) count('overdue', delta);
  };
  for (const event of events) {
    const data = caseOfEvent(event);
    if (!data) continue;
    const current = rows ?? queue.rows;
    const index = current.findIndex((r) => r.id === data.id);
    const held = index >= 0 ? current[index]! : null;
    if (held && data.version < held.version) continue;
    const belongs = inTab(queue.tab, data) && matches(queue.filters, data, event.areaCodes);
    if (held) {
      countIn(held, null, -1);
      countIn(data, event.areaCodes, +1);
    } else if (event.topic === 'case.created') {
      countIn(data, event.areaCodes, +1);
    } else if (belongs && queue.next === null) {
      count(queue.tab, +1);
    }
    if (!belongs) {
      if (held) (rows ??= [...queue.rows]).splice(index, 1);
      continue;
    }
    const sameStage = held !== null && held.sla?.stage === data.sla?.stage && held.sla?.dueAt === data.sla?.dueAt;
    const row: QueueRow = { ...data, address: held?.address ?? null, warnAt: sameStage ? held.warnAt : null };
    const next = rows ?? (rows = [...queue.rows]);
    if (index >= 0) next.splice(index, 1);
    // A page that stops short: a case sorting after its last row belongs to a later page.
    const last = next[next.length - 1];
    if (!held && queue.next !== null && last && compareRows(row, last) > 0) continue;
    let at = next.findIndex((r) => compareRows(row, r) < 0);
    if (at < 0) at = next.length;
    next.splice(at, 0, row);
  }
  if (!rows && !counts) return queue;
  return { ...queue, rows: rows ?? queue.rows, counts: counts ?? queue.counts };
}

/** The SLA look of a row at `now`: the clock turns amber at warnAt (or when the server says warning), red past the deadline. */
export type ClockLook = 'normal' | 'warning' | 'overdue' | 'paused' | 'none';

export function clockLook(c: Pick<QueueRow, 'sla' | 'status'> & { warnAt?: string | null }, now: number): ClockLook {
  if (!c.sla) return 'none';
  if (c.status === 'suspended' || c.sla.dueAt === null) return 'paused';
  const due = Date.parse(c.sla.dueAt);
  if (c.sla.state === 'overdue' || now >= due) return 'overdue';
  if (c.sla.state === 'warning' || (c.warnAt && now >= Date.parse(c.warnAt))) return 'warning';
  return 'normal';
}

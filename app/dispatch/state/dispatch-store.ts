'use client';

import { createContext, useContext } from 'react';
import type { QueueTab, ResponderListEntry } from '../../../server/protocol/dispatch';
import type { CaseEventData, FeedEvent, FeedFrame, ResponderPosition, ResponderStatusEvent } from '../../../server/protocol/wire';
import { isAbort } from '../../lib/api';
import { freshEvents, liveBase, LiveStore, useStoreSlice, type LiveBase } from '../../lib/live-store';
import type { Me } from '../../lib/session';
import { CONSOLE_ROLES, hasRole } from '../roles';
import { fetchQueue, fetchResponders, QUEUE_MAX_PAGE, QUEUE_PAGE } from './api';
import { applyQueueEvents, caseOfEvent, emptyQueue, isOpenStatus, NO_FILTERS, queueFromResponse, type QueueFilters, type QueueSlice } from './queue';

/**
 * The dispatch console's store (a LiveStore, app/lib/live-store.ts): the queue tab
 * on screen, the open case as the feed last described it, the open cases around it,
 * and the responders with their live positions. The socket controller feeds it;
 * the console's components read it with useDispatch and call its methods.
 *
 * Live without reloads: feed events move queue rows at once (queue.ts); a quiet
 * refresh of the page follows within REFRESH_DEBOUNCE_MS for counts, addresses and
 * warnAt of newcomers, and events newer than that page's seq are applied again on
 * top of it, so nothing seen is lost by the refresh.
 */
export interface DispatchState extends LiveBase {
  queue: QueueSlice;
  selectedId: number | null;
  openId: number | null;
  /** The open case, newest version seen (REST or feed). */
  openCase: CaseEventData | null;
  /** Area whose open cases are `nearby` (the open case's community). */
  nearbyArea: string | null;
  nearby: ReadonlyMap<number, CaseEventData>;
  responders: ReadonlyMap<number, ResponderListEntry>;
}

const REFRESH_DEBOUNCE_MS = 1_200;
const REFRESH_MAX_WAIT_MS = 5_000;
const RETRY_MS = 3_000;
const RECENT_EVENTS = 2_000;
const POSITIONS_FLUSH_MS = 250;

function initialState(): DispatchState {
  return {
    ...liveBase(),
    queue: emptyQueue(),
    selectedId: null,
    openId: null,
    openCase: null,
    nearbyArea: null,
    nearby: new Map(),
    responders: new Map(),
  };
}

export class DispatchStore extends LiveStore<DispatchState> {
  /** Case events applied lately, to re-apply on top of a page read before them. */
  private recent: FeedEvent[] = [];
  private queueEpoch = 0;
  private queueAbort: AbortController | null = null;
  /** A page read is in flight; a refresh asked meanwhile runs after it (never aborts it: a slow server must not starve the queue). */
  private reading = false;
  private readAgain = false;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private refreshDueBy = 0;
  private positions = new Map<number, ResponderPosition>();
  private positionsTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;

  constructor() {
    super(initialState());
  }

  admits(me: Me): boolean {
    return me.kind === 'user' && hasRole(CONSOLE_ROLES, me.role);
  }

  /** Base state: the queue page on screen and the responders (at start and after a resync). */
  async load(signal: AbortSignal): Promise<void> {
    const { tab, filters } = this.state.queue;
    const epoch = ++this.queueEpoch;
    const [page, responders] = await Promise.all([
      fetchQueue(tab, filters, { limit: this.pageSize() }, signal),
      fetchResponders(signal),
    ]);
    this.recent = [];
    const queue = epoch === this.queueEpoch ? queueFromResponse(tab, filters, page, this.state.queue) : this.state.queue;
    this.replace({
      ...this.state,
      loaded: true,
      loadFailed: false,
      lastSeq: page.seq,
      lastUpdateAt: Date.now(),
      queue,
      responders: new Map(responders.responders.map((r) => [r.id, r])),
    });
  }

  protected reduce(state: DispatchState, frames: readonly FeedFrame[], now: number): DispatchState {
    const { events, lastSeq } = freshEvents(frames, state.lastSeq);
    const cases = events.filter((e) => e.layer !== 'alerts');
    if (cases.length === 0) return lastSeq === state.lastSeq ? state : { ...state, lastSeq };
    this.recent.push(...cases);
    if (this.recent.length > RECENT_EVENTS) this.recent.splice(0, this.recent.length - RECENT_EVENTS);
    this.scheduleRefresh();
    return { ...this.followCases(state, cases), lastSeq, lastUpdateAt: now };
  }

  /** The queue, the open case and the nearby cases after some case events. */
  private followCases(state: DispatchState, events: readonly FeedEvent[]): DispatchState {
    let { openCase, nearby } = state;
    let nearbyCopy: Map<number, CaseEventData> | null = null;
    for (const event of events) {
      const data = caseOfEvent(event);
      if (!data) continue;
      if (data.id === state.openId && (!openCase || data.version >= openCase.version)) openCase = data;
      if (state.nearbyArea && event.areaCodes.includes(state.nearbyArea)) {
        const held = (nearbyCopy ?? nearby).get(data.id);
        if (held && held.version > data.version) continue;
        nearbyCopy ??= new Map(nearby);
        if (isOpenStatus(data.status)) nearbyCopy.set(data.id, data);
        else nearbyCopy.delete(data.id);
      }
    }
    if (nearbyCopy) nearby = nearbyCopy;
    const queue = applyQueueEvents(state.queue, events);
    return { ...state, queue, openCase, nearby, selectedId: keepSelection(state, queue) };
  }

  // --- queue -----------------------------------------------------------------------------

  setTab(tab: QueueTab): void {
    if (tab === this.state.queue.tab && this.state.queue.status !== 'failed') return;
    this.reloadQueue(tab, this.state.queue.filters);
  }

  setFilters(filters: QueueFilters): void {
    this.reloadQueue(this.state.queue.tab, filters);
  }

  clearFilters(): void {
    this.reloadQueue(this.state.queue.tab, NO_FILTERS);
  }

  /** The next page of the tab, appended. */
  async loadMore(): Promise<void> {
    const queue = this.state.queue;
    if (!queue.next) return;
    const epoch = this.queueEpoch;
    try {
      const page = await fetchQueue(queue.tab, queue.filters, { cursor: queue.next, counts: false });
      if (epoch !== this.queueEpoch || this.disposed) return;
      const known = new Set(this.state.queue.rows.map((r) => r.id));
      const rows = [...this.state.queue.rows, ...page.cases.filter((r) => !known.has(r.id))];
      this.commit({ ...this.state, queue: { ...this.state.queue, rows, next: page.next } });
    } catch (error) {
      if (!isAbort(error)) this.scheduleRefresh();
    }
  }

  private reloadQueue(tab: QueueTab, filters: QueueFilters): void {
    const counts = this.state.queue.counts;
    const queue = { ...emptyQueue(tab, filters), counts };
    this.commit({ ...this.state, queue, selectedId: null });
    // Another tab or filter: the read in flight is for the old one.
    this.queueAbort?.abort();
    void this.fetchPage(QUEUE_PAGE);
  }

  /** A quiet re-read of the page on screen, unless one is in flight (then right after it). */
  private refreshNow(): void {
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    void this.fetchPage(this.pageSize());
  }

  /** Reads the tab's page again (counts included) and re-applies the events seen since. */
  private async fetchPage(limit: number): Promise<void> {
    this.cancelRefresh();
    const abort = new AbortController();
    this.queueAbort = abort;
    this.reading = true;
    const epoch = ++this.queueEpoch;
    const { tab, filters } = this.state.queue;
    try {
      const page = await fetchQueue(tab, filters, { limit }, abort.signal);
      if (epoch !== this.queueEpoch || this.disposed) return;
      const base = queueFromResponse(tab, filters, page, this.state.queue);
      const newer = this.recent.filter((e) => e.seq > page.seq);
      const queue = applyQueueEvents(base, newer);
      this.commit({ ...this.state, queue, selectedId: keepSelection(this.state, queue) });
    } catch (error) {
      if (epoch !== this.queueEpoch || this.disposed || isAbort(error)) return;
      if (this.state.queue.rows.length === 0) this.commit({ ...this.state, queue: { ...this.state.queue, status: 'failed' } });
      this.refreshTimer = setTimeout(() => void this.fetchPage(limit), RETRY_MS);
    } finally {
      if (this.queueAbort === abort) {
        this.queueAbort = null;
        this.reading = false;
        if (this.readAgain) {
          this.readAgain = false;
          this.scheduleRefresh();
        }
      }
    }
  }

  private pageSize(): number {
    return Math.min(QUEUE_MAX_PAGE, Math.max(QUEUE_PAGE, this.state.queue.rows.length));
  }

  /** A quiet refresh after a burst of events: debounced, but never later than REFRESH_MAX_WAIT_MS after the first. */
  private scheduleRefresh(): void {
    if (this.disposed || !this.state.loaded) return;
    const now = Date.now();
    if (this.refreshTimer === null) this.refreshDueBy = now + REFRESH_MAX_WAIT_MS;
    else clearTimeout(this.refreshTimer);
    const wait = Math.max(0, Math.min(REFRESH_DEBOUNCE_MS, this.refreshDueBy - now));
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      this.refreshNow();
    }, wait);
  }

  private cancelRefresh(): void {
    if (this.refreshTimer !== null) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
  }

  // --- selection and the open case --------------------------------------------------------

  select(id: number | null): void {
    if (this.state.selectedId !== id) this.commit({ ...this.state, selectedId: id });
  }

  /** Moves the selection by `delta` rows (clamped); selects the first row when none is. */
  moveSelection(delta: number): number | null {
    const rows = this.state.queue.rows;
    if (rows.length === 0) return null;
    const index = rows.findIndex((r) => r.id === this.state.selectedId);
    const next = index < 0 ? (delta > 0 ? 0 : rows.length - 1) : Math.max(0, Math.min(rows.length - 1, index + delta));
    const id = rows[next]!.id;
    this.select(id);
    return id;
  }

  open(id: number | null): void {
    if (id === this.state.openId) return;
    const row = id === null ? null : (this.state.queue.rows.find((r) => r.id === id) ?? null);
    this.commit({ ...this.state, openId: id, openCase: row, selectedId: id ?? this.state.selectedId, nearbyArea: null, nearby: new Map() });
  }

  /** The open case as REST (or a command's answer) describes it; an older version than the one held is ignored. */
  noteCase(data: CaseEventData): void {
    if (data.id !== this.state.openId) return;
    const held = this.state.openCase;
    if (held && held.version > data.version) return;
    this.commit({ ...this.state, openCase: data });
  }

  setNearby(area: string, cases: readonly CaseEventData[]): void {
    const nearby = new Map(cases.filter((c) => isOpenStatus(c.status)).map((c) => [c.id, c]));
    this.commit({ ...this.state, nearbyArea: area, nearby });
  }

  // --- responders --------------------------------------------------------------------------

  /** Volatile positions: batched, one commit per POSITIONS_FLUSH_MS however many arrive. */
  receivePosition(event: ResponderPosition): void {
    this.positions.set(event.id, event);
    if (this.positionsTimer !== null || this.disposed) return;
    this.positionsTimer = setTimeout(this.flushPositions, POSITIONS_FLUSH_MS);
  }

  /** A responder went on or off duty: shown at once (and a position still waiting in the batch takes the new status). */
  receiveResponderStatus(event: ResponderStatusEvent): void {
    const waiting = this.positions.get(event.id);
    if (waiting) this.positions.set(event.id, { ...waiting, status: event.status });
    const held = this.state.responders.get(event.id);
    if (!held || held.status === event.status) return;
    const responders = new Map(this.state.responders);
    responders.set(event.id, { ...held, status: event.status });
    this.commit({ ...this.state, responders });
  }

  /** Back after a drop: positions and statuses sent meanwhile were not replayed, so the list is read again. */
  reconnected(): void {
    if (this.disposed || !this.state.loaded) return;
    void fetchResponders()
      .then((body) => {
        if (this.disposed) return;
        this.commit({ ...this.state, responders: new Map(body.responders.map((r) => [r.id, r])) });
      })
      .catch(() => {
        // The next reconnect or resync reads them again; the map keeps what it had.
      });
  }

  private readonly flushPositions = (): void => {
    this.positionsTimer = null;
    if (this.positions.size === 0) return;
    const responders = new Map(this.state.responders);
    for (const [id, p] of this.positions) {
      const held = responders.get(id);
      if (!held) continue; // not in this jurisdiction's list (the list is the base)
      responders.set(id, { ...held, lng: p.lng, lat: p.lat, accuracy: p.accuracy, positionAt: p.at, status: p.status });
    }
    this.positions.clear();
    this.commit({ ...this.state, responders });
  };

  override dispose(): void {
    this.disposed = true;
    this.cancelRefresh();
    this.queueAbort?.abort();
    if (this.positionsTimer !== null) clearTimeout(this.positionsTimer);
    super.dispose();
  }
}

/** The selection stays on its case; when that case left the queue, on the row now at its place. */
function keepSelection(state: DispatchState, queue: QueueSlice): number | null {
  const id = state.selectedId;
  if (id === null || queue.rows.some((r) => r.id === id)) return id;
  const oldIndex = state.queue.rows.findIndex((r) => r.id === id);
  if (queue.rows.length === 0) return null;
  return queue.rows[Math.min(Math.max(0, oldIndex), queue.rows.length - 1)]!.id;
}

// --- React binding -----------------------------------------------------------------------

export const DispatchStoreContext = createContext<DispatchStore | null>(null);

export function useDispatchStore(): DispatchStore {
  const store = useContext(DispatchStoreContext);
  if (!store) throw new Error('useDispatchStore outside <DispatchStoreContext>');
  return store;
}

/** One slice of the console's state; the selector must return a stored reference or a primitive. */
export function useDispatch<T>(selector: (state: DispatchState) => T): T {
  return useStoreSlice(useDispatchStore(), selector);
}

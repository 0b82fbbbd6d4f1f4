'use client';

import { createContext, useContext } from 'react';
import type { FeedFrame } from '../../server/protocol/wire';
import { freshEvents, liveBase, LiveStore, useStoreSlice, type LiveBase } from '../lib/live-store';
import type { Me } from '../lib/session';
import type { CaseLike } from './outbox';
import { fetchMyTasks } from './report-api';
import { applyCaseChange, applyFeedEvents, EMPTY_TASKS, sortTasks, tasksFromResponse, type TasksState } from './tasks-state';
import { saveTasksCache, type TasksCache } from './tasks-cache';

export interface ReportState extends LiveBase {
  tasks: TasksState;
  /** The list shown is the one saved at the last load (an offline start), not a live one yet. */
  tasksCachedAt: string | null;
}

/** A quiet reload of the tasks at least this often (a backstop; the feed keeps them current). */
const REFRESH_MS = 10 * 60_000;

/**
 * The grid worker's store (a LiveStore, app/lib/live-store.ts, fed by the shared
 * SocketController): my tasks from GET /api/me/tasks — with the feed seq they are
 * consistent with — plus every case event about my responder since. The answers
 * to my own commands are folded in too (applyCase), so the list moves at once,
 * before the feed event comes back. For grid workers only (`admits`).
 */
export class ReportStore extends LiveStore<ReportState> {
  private lastLoadAt = 0;
  private detailsWanted = false;
  private detailsLoading = false;

  constructor() {
    super({ ...liveBase(), tasks: EMPTY_TASKS, tasksCachedAt: null });
  }

  admits(me: Me): boolean {
    return me.role === 'grid_worker';
  }

  async load(signal: AbortSignal): Promise<void> {
    const result = await fetchMyTasks(signal);
    if (!result.ok) throw new Error(result.network ? 'network' : `${result.status} ${result.code}`);
    const now = Date.now();
    this.lastLoadAt = now;
    const tasks = tasksFromResponse(result.body);
    this.replace({ ...this.state, tasks, tasksCachedAt: null, loaded: true, loadFailed: false, lastSeq: result.body.seq, lastUpdateAt: now });
    const login = this.state.me?.login;
    if (login) void saveTasksCache(login, { responder: tasks.responder, tasks: tasks.tasks, at: new Date(now).toISOString() });
  }

  protected reduce(state: ReportState, frames: readonly FeedFrame[], now: number): ReportState {
    const { events, lastSeq } = freshEvents(frames, state.lastSeq);
    const { state: tasks, refetch } = applyFeedEvents(state.tasks, events);
    // A task new to this list arrives without its address and description: fetch them after this commit.
    if (refetch) this.detailsWanted = true;
    return { ...state, tasks, lastSeq, lastUpdateAt: events.length > 0 ? now : state.lastUpdateAt };
  }

  protected override published(): void {
    if (this.detailsWanted && !this.detailsLoading) void this.loadDetails();
  }

  override tick(now: number): boolean {
    return this.state.loaded && now - this.lastLoadAt >= REFRESH_MS;
  }

  /** The case as a command's answer has it: the list changes now, not when the feed echoes it. */
  applyCase(data: CaseLike & Record<string, unknown>): void {
    const { state } = applyCaseChange(this.state.tasks, data as unknown as Parameters<typeof applyCaseChange>[1], new Date().toISOString());
    if (state !== this.state.tasks) this.commit({ ...this.state, tasks: state });
  }

  /** My responder's duty status as the server now has it (the answer of PUT /api/me/status). */
  setResponderStatus(status: string): void {
    const responder = this.state.tasks.responder;
    if (!responder || responder.status === status) return;
    this.commit({ ...this.state, tasks: { ...this.state.tasks, responder: { ...responder, status } } });
  }

  /** Shows the tasks saved at the last load while nothing live has arrived (opened with no network). */
  restoreCached(cache: TasksCache): void {
    if (this.state.loaded) return;
    this.commit({ ...this.state, tasks: { loaded: true, responder: cache.responder, tasks: cache.tasks }, tasksCachedAt: cache.at });
  }

  /** Address and description of tasks that came in by the feed (GET /api/me/tasks has them; the feed does not). */
  private async loadDetails(): Promise<void> {
    this.detailsWanted = false;
    this.detailsLoading = true;
    try {
      const result = await fetchMyTasks();
      if (!result.ok) return;
      const byId = new Map(result.body.tasks.map((t) => [t.id, t]));
      const tasks = sortTasks(
        this.state.tasks.tasks.map((t) => {
          const full = byId.get(t.id);
          if (!full) return t;
          return full.version >= t.version ? { ...t, ...full } : { ...t, address: full.address, description: full.description };
        }),
      );
      this.commit({ ...this.state, tasks: { ...this.state.tasks, tasks } });
    } finally {
      this.detailsLoading = false;
      if (this.detailsWanted) void this.loadDetails();
    }
  }
}

// --- React binding -----------------------------------------------------------------------

export const ReportStoreContext = createContext<ReportStore | null>(null);

export function useReportStore(): ReportStore {
  const store = useContext(ReportStoreContext);
  if (!store) throw new Error('useReportStore outside <ReportStoreContext>');
  return store;
}

export function useReport<T>(selector: (state: ReportState) => T): T {
  return useStoreSlice(useReportStore(), selector);
}

'use client';

import { createStore, get, set, type UseStore } from 'idb-keyval';
import type { LinkedResponder } from '../../server/protocol/rest';
import type { Me } from '../lib/session';
import type { Task } from './tasks-state';

/**
 * What the app remembers for an offline start (opened with no network, from the
 * home screen): the last task list loaded, per worker, in IndexedDB, and who was
 * signed in last, in localStorage — so the outbox of the right worker is shown
 * and keeps going before /api/auth/me can answer.
 */
export interface TasksCache {
  responder: LinkedResponder | null;
  tasks: Task[];
  at: string;
}

let store: UseStore | null = null;
function db(): UseStore {
  store ??= createStore('hcm-report-cache', 'tasks');
  return store;
}

export async function saveTasksCache(login: string, cache: TasksCache): Promise<void> {
  try {
    await set(login, cache, db());
  } catch {
    // Storage unavailable (private mode): the app still works online.
    return;
  }
}

export async function readTasksCache(login: string): Promise<TasksCache | null> {
  try {
    return (await get<TasksCache>(login, db())) ?? null;
  } catch {
    return null;
  }
}

const LAST_WORKER_KEY = 'hcm.report.worker';

export interface LastWorker {
  login: string;
  name: string;
}

export function rememberWorker(me: Me): void {
  if (!me.login) return;
  try {
    localStorage.setItem(LAST_WORKER_KEY, JSON.stringify({ login: me.login, name: me.name } satisfies LastWorker));
  } catch {
    return;
  }
}

export function lastWorker(): LastWorker | null {
  try {
    const raw = JSON.parse(localStorage.getItem(LAST_WORKER_KEY) ?? 'null') as Partial<LastWorker> | null;
    return raw && typeof raw.login === 'string' && typeof raw.name === 'string' ? { login: raw.login, name: raw.name } : null;
  } catch {
    return null;
  }
}

export function forgetWorker(): void {
  try {
    localStorage.removeItem(LAST_WORKER_KEY);
  } catch {
    return;
  }
}

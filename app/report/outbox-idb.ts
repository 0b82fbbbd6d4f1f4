'use client';

import { createStore, del, entries, set, type UseStore } from 'idb-keyval';
import type { OutboxItem } from './outbox';
import type { OutboxStorage } from './outbox-runner';

/**
 * The outbox in IndexedDB (idb-keyval): one record per item under
 * `<login>|<id>`, photos as Blobs inside it, so a record is written once when
 * queued and again only when its state changes — never the whole queue at once.
 */
let store: UseStore | null = null;
function db(): UseStore {
  store ??= createStore('hcm-report', 'outbox');
  return store;
}

const keyOf = (login: string, id: string) => `${login}|${id}`;

export const idbOutboxStorage: OutboxStorage = {
  async list(login) {
    const all = await entries<string, OutboxItem>(db());
    return all.filter(([key]) => key.startsWith(`${login}|`)).map(([, item]) => item);
  },
  put: (item) => set(keyOf(item.login, item.id), item, db()),
  remove: (login, id) => del(keyOf(login, id), db()),
};

/** Runs `work` holding a lock shared by this worker's tabs, where the browser has Web Locks. */
export function tabLock(login: string): <T>(work: () => Promise<T>) => Promise<T> {
  return (work) => {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    return locks ? (locks.request(`hcm-outbox:${login}`, work) as Promise<Awaited<ReturnType<typeof work>>>) : work();
  };
}

/**
 * PostgreSQL advisory lock keys, in one place so no two uses collide. The feed's
 * transaction-level lock (db/queries/feed.ts, 'HCMF') is the third.
 */

/** Session lock around migrations and demo seeding: one process at a time does them, the others wait and find them done. */
export const STARTUP_LOCK_KEY = 0x48434d53; // 'HCMS'

/** Session lock held by the scheduler's leader on its own connection (server/services/leader.ts). */
export const SCHEDULER_LOCK_KEY = 0x48434d4c; // 'HCML'

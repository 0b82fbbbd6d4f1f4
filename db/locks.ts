/**
 * PostgreSQL advisory lock keys, in one place so no two uses collide. The feed's
 * transaction-level lock (db/queries/feed.ts, 'HCMF') is the third.
 */

/** Session lock around migrations and demo seeding: one process at a time does them, the others wait and find them done. */
export const STARTUP_LOCK_KEY = 0x48434d53; // 'HCMS'

/** Session lock held by the scheduler's leader on its own connection (server/services/leader.ts). */
export const SCHEDULER_LOCK_KEY = 0x48434d4c; // 'HCML'

/**
 * Transaction locks (classid 'HCMR', objid = hashtext of the key) on the contact keys of the
 * appeals an intake transaction stores (db/queries/repeats.ts): two appeals of one contact
 * committing at the same moment queue, so the second sees the first and links to it.
 */
export const REPEAT_LOCK_CLASS = 0x48434d52; // 'HCMR'

import { integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Counters of rate-limiter-flexible's RateLimiterDrizzle store (its required
 * shape: key, points, expire). Used when login throttling must be shared by
 * several app processes (THROTTLE_STORE=database); one process keeps them in memory.
 */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  points: integer('points').notNull(),
  expire: timestamp('expire', { withTimezone: true }),
});

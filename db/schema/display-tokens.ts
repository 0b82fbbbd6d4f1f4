import { sql } from 'drizzle-orm';
import { index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { areas } from './areas';
import { users } from './users';

/**
 * Unattended wall screens: a long random secret (only its SHA-256 is stored),
 * read-only, bound to one area, revocable. `created_by` is NULL when the token
 * came from the command line or the demo seed.
 */
export const displayTokens = pgTable(
  'display_tokens',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    createdBy: integer('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('display_tokens_area_idx').on(t.areaId)],
);

import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { areas } from './areas';
import { CASE_CHANNELS } from '../vocab';

/**
 * Intake systems (12345 hotline, WeChat platform, Open311 partner, sensor
 * gateway). A key is `hcm_<key_prefix>_<secret>`: the prefix is public and finds
 * the row, the stored hash is SHA-256 of the whole key. The secret is 32 random
 * bytes, so a fast hash is right here: there is nothing to brute-force, unlike a
 * human password (which gets argon2id).
 */
export const apiClients = pgTable(
  'api_clients',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    keyPrefix: text('key_prefix').notNull().unique(),
    keyHash: text('key_hash').notNull(),
    /** The intake channels this client may report through. */
    channels: text('channels', { enum: CASE_CHANNELS }).array().notNull(),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    disabled: boolean('disabled').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [index('api_clients_area_idx').on(t.areaId)],
);

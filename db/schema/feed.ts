import { sql } from 'drizzle-orm';
import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { LAYERS } from '../vocab';


/**
 * The outbox. Every change a screen must see writes one row here in the same
 * transaction as the change. Writers serialise on an advisory lock just before
 * inserting (db/queries/feed.ts), so seq order equals commit order and a reader
 * that has seen seq N can never later find a committed row below N.
 */
export const feed = pgTable(
  'feed',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().default(sql`now()`),
    topic: text('topic').notNull(),
    layer: text('layer', { enum: LAYERS }).notNull(),
    areaCodes: text('area_codes').array().notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
  },
  (t) => [index('feed_area_codes_gin').using('gin', t.areaCodes), index('feed_at_idx').on(t.at)],
);

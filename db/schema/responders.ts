import { sql } from 'drizzle-orm';
import { index, integer, pgTable, real, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { areas } from './areas';
import { users } from './users';
import { point } from './geometry';
import { RESPONDER_ROLES, RESPONDER_STATUSES } from '../vocab';

export const responders = pgTable(
  'responders',
  {
    id: serial('id').primaryKey(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    role: text('role', { enum: RESPONDER_ROLES }).notNull(),
    department: text('department'),
    homeGridId: integer('home_grid_id').references(() => areas.id),
    status: text('status', { enum: RESPONDER_STATUSES }).notNull().default('on_duty'),
    geom: point('geom'),
    positionAt: timestamp('position_at', { withTimezone: true }),
    /** Radius (m) of the last reported position's uncertainty, as the device gave it (null when it gave none). */
    positionAccuracy: real('position_accuracy'),
    /** The login of a responder who uses the app (a grid worker's account); null for units without one. */
    userId: integer('user_id')
      .unique()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [index('responders_geom_gist').using('gist', t.geom), index('responders_home_grid_idx').on(t.homeGridId)],
);

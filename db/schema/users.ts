import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { areas } from './areas';
import { ROLES } from '../vocab';

/**
 * People who log in. Every user has one role and one jurisdiction (`area_id`, any
 * level from the city to a grid). Logins are unique regardless of case: `Admin`
 * and `admin` are the same person (a unique index on lower(login)).
 */
export const users = pgTable(
  'users',
  {
    id: serial('id').primaryKey(),
    login: text('login').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    areaId: integer('area_id')
      .notNull()
      .references(() => areas.id),
    /** argon2id PHC string (`$argon2id$v=19$m=…`): parameters travel with the hash. */
    passwordHash: text('password_hash').notNull(),
    disabled: boolean('disabled').notNull().default(false),
    passwordChangedAt: timestamp('password_changed_at', { withTimezone: true }).notNull().default(sql`now()`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [uniqueIndex('users_login_lower_uq').on(sql`lower(${t.login})`), index('users_area_idx').on(t.areaId)],
);

import { sql } from 'drizzle-orm';
import { bigint, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { cases } from './cases';

/**
 * Reporters' personal data, one row per case, kept apart from `cases` so it can
 * never travel in feed payloads, snapshots or case lists by accident. Read masked
 * by default; a cleared role reveals it through an audited call.
 */
export const caseContacts = pgTable('case_contacts', {
  caseId: bigint('case_id', { mode: 'number' })
    .primaryKey()
    .references(() => cases.id, { onDelete: 'cascade' }),
  name: text('name'),
  phone: text('phone'),
  idNumber: text('id_number'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
});

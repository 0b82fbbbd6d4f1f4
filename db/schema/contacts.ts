import { sql } from 'drizzle-orm';
import { bigint, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { cases } from './cases';

/**
 * Reporters' personal data, one row per case, kept apart from `cases` so it can
 * never travel in feed payloads, snapshots or case lists by accident. Read masked
 * by default; a cleared role reveals it through an audited call.
 */
export const caseContacts = pgTable(
  'case_contacts',
  {
    caseId: bigint('case_id', { mode: 'number' })
      .primaryKey()
      .references(() => cases.id, { onDelete: 'cascade' }),
    name: text('name'),
    phone: text('phone'),
    idNumber: text('id_number'),
    /**
     * Keyed hashes (HMAC-SHA256 with the server's CONTACT_KEY_SECRET, base64url) of the
     * normalised phone and ID number of an appeal's reporter (server/auth/contact-keys.ts):
     * what finds repeat appeals (重复件) without comparing personal data in clear. Like
     * the contact itself they never leave this table.
     */
    phoneKey: text('phone_key'),
    idKey: text('id_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    index('case_contacts_phone_key_idx').on(t.phoneKey).where(sql`phone_key IS NOT NULL`),
    index('case_contacts_id_key_idx').on(t.idKey).where(sql`id_key IS NOT NULL`),
  ],
);

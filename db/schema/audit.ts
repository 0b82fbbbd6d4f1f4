import { sql } from 'drizzle-orm';
import { bigserial, index, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { AUDIT_OUTCOMES } from '../vocab';

/**
 * Who did what, when, from where, and whether it was allowed. Written in the same
 * transaction as the change it records (db/queries/audit.ts), so a rolled-back
 * write leaves no row and a committed one always has its row. `area_codes` is the
 * root-to-area path of what the row concerns; admins list rows within their scope
 * by one array-contains test (GIN). Rows that concern no area carry the root codes.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().default(sql`now()`),
    /** `user:12`, `display:3`, `api_client:1`, `anonymous`, `system:cli`. */
    actor: text('actor').notNull(),
    /** Human label at the time (login or name): kept even if the account is renamed later. */
    actorLabel: text('actor_label'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    areaCodes: text('area_codes').array().notNull(),
    ip: text('ip'),
    outcome: text('outcome', { enum: AUDIT_OUTCOMES }).notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('audit_log_at_idx').on(t.at, t.id), index('audit_log_area_codes_gin').using('gin', t.areaCodes)],
);

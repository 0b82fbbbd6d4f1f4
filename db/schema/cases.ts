import { sql } from 'drizzle-orm';
import { bigserial, bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { areas } from './areas';
import { point } from './geometry';
import { responders } from './responders';
import { CASE_CHANNELS, CASE_KINDS, CASE_STATUSES, SEVERITIES } from '../vocab';

export const cases = pgTable(
  'cases',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind', { enum: CASE_KINDS }).notNull(),
    channel: text('channel', { enum: CASE_CHANNELS }).notNull(),
    externalId: text('external_id').notNull(),
    category: text('category').notNull(),
    topic: text('topic'),
    severity: text('severity', { enum: SEVERITIES }).notNull().default('Unknown'),
    status: text('status', { enum: CASE_STATUSES }).notNull().default('reported'),
    title: text('title'),
    description: text('description'),
    address: text('address'),
    geom: point('geom').notNull(),
    /** Unit grid found by point-in-polygon; NULL when the point lies outside every grid. */
    gridId: integer('grid_id').references(() => areas.id),
    /** Codes from the city root to the grid (or just the roots when unassigned): the case's scoping key. */
    areaCodes: text('area_codes').array().notNull(),
    reportedAt: timestamp('reported_at', { withTimezone: true }).notNull(),
    slaDueAt: timestamp('sla_due_at', { withTimezone: true }),
    assigneeId: integer('assignee_id').references(() => responders.id),
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    uniqueIndex('cases_channel_external_id_uq').on(t.channel, t.externalId),
    index('cases_geom_gist').using('gist', t.geom),
    index('cases_grid_idx').on(t.gridId),
    index('cases_area_codes_gin').using('gin', t.areaCodes),
    index('cases_kind_status_idx').on(t.kind, t.status),
    index('cases_reported_at_idx').on(t.reportedAt),
  ],
);

export const caseEvents = pgTable(
  'case_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull().default(sql`now()`),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    note: text('note'),
  },
  (t) => [index('case_events_case_idx').on(t.caseId, t.at)],
);

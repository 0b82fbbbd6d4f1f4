import { sql } from 'drizzle-orm';
import { type AnyPgColumn, bigserial, bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { areas } from './areas';
import { point } from './geometry';
import { responders } from './responders';
import { CASE_CHANNELS, CASE_KINDS, CASE_STATUSES, SEVERITIES, SLA_STAGES, SLA_STATES } from '../vocab';

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
    assigneeId: integer('assignee_id').references(() => responders.id),
    attributes: jsonb('attributes').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),

    // ---- The lifecycle (server/domain/workflow): one row is one CaseState. ----
    /** Rises by exactly one per accepted command (optimistic concurrency). */
    version: integer('version').notNull().default(1),
    /** Accepted 返工 (rework) commands. */
    rework: integer('rework').notNull().default(0),
    /** 专业部门 code the case is dispatched to. */
    department: text('department'),
    /** While suspended: the status to resume to. */
    priorStatus: text('prior_status', { enum: CASE_STATUSES }),
    mergedInto: bigint('merged_into', { mode: 'number' }).references((): AnyPgColumn => cases.id),
    /** An open case of the same category within 50 m and 24 h found at intake: shown, never merged automatically. */
    duplicateOf: bigint('duplicate_of', { mode: 'number' }).references((): AnyPgColumn => cases.id),
    /**
     * 重复件: an appeal from the same contact (phone or ID number, by their keyed hash in
     * case_contacts) as an earlier appeal reported within 30 days: the oldest such appeal.
     * Set once, in the intake transaction (db/queries/repeats.ts).
     */
    repeatOf: bigint('repeat_of', { mode: 'number' }).references((): AnyPgColumn => cases.id),
    /** { by, at, reason } of a 挂账 request waiting for approval. */
    pendingSuspension: jsonb('pending_suspension').$type<{ by: number; at: number; reason: string }>(),
    /** { by, at, reason, extend } of a 延期 request waiting for approval. */
    pendingExtension: jsonb('pending_extension').$type<{ by: number; at: number; reason: string; extend: Record<string, number> }>(),
    closedAt: timestamp('closed_at', { withTimezone: true }),

    // ---- The SLA clock of the running stage (server/domain/sla). ----
    /** StageClock { stage, startedAt, pauses, extensions }; null once the case is finished. */
    slaClock: jsonb('sla_clock').$type<Record<string, unknown>>(),
    slaStage: text('sla_stage', { enum: SLA_STAGES }),
    /** Deadline of the running stage; null while suspended (unknown until resumed) or finished. */
    slaDueAt: timestamp('sla_due_at', { withTimezone: true }),
    /** When the stage turns `warning` (≤ warningShare of its time left). */
    slaWarnAt: timestamp('sla_warn_at', { withTimezone: true }),
    slaState: text('sla_state', { enum: SLA_STATES }).notNull().default('normal'),
    /** The deadline arithmetic ran past the last year of the working calendar (weekends only): flagged. */
    slaBeyondCalendar: boolean('sla_beyond_calendar').notNull().default(false),
    /** Levels above the case's own area it has been escalated to while overdue (0 = none). */
    escalationLevel: integer('escalation_level').notNull().default(0),
    /** When the next escalation is due while overdue; null when none is pending. */
    nextEscalationAt: timestamp('next_escalation_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('cases_channel_external_id_uq').on(t.channel, t.externalId),
    index('cases_geom_gist').using('gist', t.geom),
    index('cases_grid_idx').on(t.gridId),
    index('cases_area_codes_gin').using('gin', t.areaCodes),
    index('cases_kind_status_idx').on(t.kind, t.status),
    index('cases_reported_at_idx').on(t.reportedAt),
    // The scheduler's three sweeps, each over a small partial index.
    index('cases_sla_warn_idx').on(t.slaWarnAt).where(sql`sla_state = 'normal' AND sla_warn_at IS NOT NULL`),
    index('cases_sla_due_idx').on(t.slaDueAt).where(sql`sla_state <> 'overdue' AND sla_due_at IS NOT NULL`),
    index('cases_escalation_idx').on(t.nextEscalationAt).where(sql`next_escalation_at IS NOT NULL`),
    index('cases_assignee_open_idx').on(t.assigneeId).where(sql`status IN ('dispatched', 'in_progress', 'handled', 'suspended')`),
    index('cases_duplicate_of_idx').on(t.duplicateOf).where(sql`duplicate_of IS NOT NULL`),
    index('cases_repeat_of_idx').on(t.repeatOf).where(sql`repeat_of IS NOT NULL`),
    // Open cases per area "now" (indicator panels): only the open few, whatever the history's size.
    index('cases_open_area_codes_gin').using('gin', t.areaCodes).where(sql`status NOT IN ('closed', 'rejected', 'merged')`),
    index('cases_open_category_idx').on(t.category, t.reportedAt).where(sql`status NOT IN ('closed', 'rejected', 'merged')`),
    // The dispatch queue (db/queries/queue.ts): live cases in deadline order (none last), walked in order and keyset-paged…
    index('cases_queue_idx').on(sql`coalesce(${t.slaDueAt}, 'infinity'::timestamptz)`, t.id).where(sql`status NOT IN ('closed', 'rejected', 'merged')`),
    // …and its tab counts: one index-only pass over the live cases (area codes in the key, as drizzle has no INCLUDE) instead of the table.
    index('cases_open_scope_idx').on(t.status, t.slaState, t.areaCodes).where(sql`status NOT IN ('closed', 'rejected', 'merged')`),
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
    /** `user:12`, `channel:hotline_12345`, `system:scheduler`. */
    actor: text('actor').notNull(),
    /** The action fired (reported, register, dispatch, …) or what the scheduler did (sla_warning, sla_overdue, escalated, sla_recomputed). */
    action: text('action').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    note: text('note'),
    /** The case version this event produced (null for events that do not change the case's version). */
    version: integer('version'),
    /** The command's payload (reason, assignee, department, photos, extension, …): no personal data. */
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    /** The idempotency key of the command that wrote this event. */
    commandId: text('command_id'),
  },
  (t) => [index('case_events_case_idx').on(t.caseId, t.at), index('case_events_at_idx').on(t.at)],
);

/**
 * Idempotency of case commands: the first result of each command id, kept so a
 * retry (a lost response, an offline queue flushing twice) gets the same answer and
 * writes nothing. `fingerprint` is a hash of who sent what; the same id with a
 * different command is refused.
 */
export const caseCommands = pgTable(
  'case_commands',
  {
    commandId: text('command_id').primaryKey(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    actor: text('actor').notNull(),
    fingerprint: text('fingerprint').notNull(),
    status: integer('status').notNull(),
    response: jsonb('response').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [index('case_commands_created_idx').on(t.createdAt)],
);

import { sql } from 'drizzle-orm';
import { type AnyPgColumn, bigint, bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { AlertImpact, AlertTranslation } from '../records';
import { ALERT_STATUSES, CAP_MSG_TYPES, CAP_STATUSES, CERTAINTIES, SEVERITIES, URGENCIES } from '../vocab';
import { multiPolygon } from './geometry';
import { users } from './users';

/**
 * Public-safety alerts with OASIS CAP 1.2 semantics; the area is always stored as a
 * MultiPolygon (empty for a CAP area known only by its <areaDesc>: in the ticker, not
 * on the map). A CAP message is identified by (sender, identifier, sent): stored as
 * source = sender, external_id = `identifier,sent` (sent in UTC), so the one unique
 * key makes every intake idempotent.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    source: text('source').notNull(),
    externalId: text('external_id').notNull(),
    eventType: text('event_type').notNull(),
    headline: text('headline').notNull(),
    description: text('description'),
    severity: text('severity', { enum: SEVERITIES }).notNull(),
    urgency: text('urgency', { enum: URGENCIES }).notNull(),
    certainty: text('certainty', { enum: CERTAINTIES }).notNull(),
    status: text('status', { enum: ALERT_STATUSES }).notNull().default('active'),
    onset: timestamp('onset', { withTimezone: true }),
    expires: timestamp('expires', { withTimezone: true }),
    geom: multiPolygon('geom').notNull(),
    /** Codes of every area (all levels) the alert polygon intersects: its scoping key. */
    areaCodes: text('area_codes').array().notNull(),
    affectedGrids: integer('affected_grids').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),

    // ---- CAP 1.2 (server/cap): what the message said beyond the display fields. ----
    /** CAP <status>: anything but Actual is stored and flagged, never pushed to walls. */
    messageStatus: text('message_status', { enum: CAP_STATUSES }).notNull().default('Actual'),
    msgType: text('msg_type', { enum: CAP_MSG_TYPES }).notNull().default('Alert'),
    /** Shown on walls (feed rows, snapshots): false for a non-Actual status, a Cancel message, or an area that misses the city. */
    onWall: boolean('on_wall').notNull().default(true),
    /** The other <info> blocks of a CAP message (the zh-CN one drives the display). */
    translations: jsonb('translations').$type<AlertTranslation[]>().notNull().default([]),
    /** The CAP message as received, normalised (server/cap/message.ts CapMessage); null for alerts made here. */
    cap: jsonb('cap').$type<Record<string, unknown>>(),
    /** The alert (a CAP Update) that replaced this one. */
    supersededBy: bigint('superseded_by', { mode: 'number' }).references((): AnyPgColumn => alerts.id),
    /** Who stored it (`api_client:3`, `user:7`, `system:intake`): CAP Update/Cancel act only on their own principal's alerts. */
    createdBy: text('created_by'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),

    // ---- Impact, computed once when stored (PostGIS). ----
    impact: jsonb('impact').$type<AlertImpact>().notNull().default({ openCases: 0, onDutyResponders: 0, population: 0 }),

    // ---- Acknowledgement and escalation (server/domain/alerts/escalation.ts). ----
    /** The areas that must each acknowledge: the affected districts. */
    ackAreas: text('ack_areas').array().notNull().default(sql`'{}'::text[]`),
    /** Levels escalated so far while some area has not acknowledged (0 = none). */
    escalationLevel: integer('escalation_level').notNull().default(0),
    /** When the next escalation is due; null when none is pending. */
    nextEscalationAt: timestamp('next_escalation_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('alerts_source_external_id_uq').on(t.source, t.externalId),
    index('alerts_geom_gist').using('gist', t.geom),
    index('alerts_area_codes_gin').using('gin', t.areaCodes),
    index('alerts_status_idx').on(t.status),
    // The scheduler's two sweeps (expiry, escalation), each over a small partial index.
    index('alerts_expires_idx').on(t.expires).where(sql`status IN ('active', 'acknowledged') AND expires IS NOT NULL`),
    index('alerts_escalation_idx').on(t.nextEscalationAt).where(sql`next_escalation_at IS NOT NULL`),
  ],
);

/** One acknowledgement of one alert for one affected area (district): who and when. */
export const alertAcks = pgTable(
  'alert_acks',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    alertId: bigint('alert_id', { mode: 'number' })
      .notNull()
      .references(() => alerts.id),
    areaCode: text('area_code').notNull(),
    userId: integer('user_id').references(() => users.id),
    /** `user:12` (the audit log's spelling). */
    actor: text('actor').notNull(),
    actorLabel: text('actor_label'),
    note: text('note'),
    at: timestamp('at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [uniqueIndex('alert_acks_alert_area_uq').on(t.alertId, t.areaCode)],
);

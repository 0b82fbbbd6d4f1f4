import { sql } from 'drizzle-orm';
import { bigserial, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { ALERT_STATUSES, CERTAINTIES, SEVERITIES, URGENCIES } from '../vocab';
import { multiPolygon } from './geometry';

/** Public-safety alerts with OASIS CAP 1.2 semantics; the area is always stored as a MultiPolygon. */
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
  },
  (t) => [
    uniqueIndex('alerts_source_external_id_uq').on(t.source, t.externalId),
    index('alerts_geom_gist').using('gist', t.geom),
    index('alerts_area_codes_gin').using('gin', t.areaCodes),
    index('alerts_status_idx').on(t.status),
  ],
);

import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { HOTSPOT_TRENDS } from '../vocab';
import { alerts } from './alerts';
import { multiPolygon, point } from './geometry';

/**
 * Appeal hotspots (信访热点): spatio-temporal clusters of appeals found by the
 * scheduler's detection run (ST_ClusterDBSCAN over a sliding window). A hotspot
 * keeps its identity across runs (matched by overlap), so it has a history and a
 * trend; it is aggregate data only — an outline (buffered hull), counts, topics and
 * the areas it covers, never an appeal's position or reporter.
 */
export const hotspots = pgTable(
  'hotspots',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** The topic clustered on (catalogue code); null for a cluster across topics. */
    topic: text('topic'),
    trend: text('trend', { enum: HOTSPOT_TRENDS }).notNull(),
    count: integer('count').notNull(),
    previousCount: integer('previous_count'),
    peakCount: integer('peak_count').notNull(),
    firstSeen: timestamp('first_seen', { withTimezone: true }).notNull().default(sql`now()`),
    lastSeen: timestamp('last_seen', { withTimezone: true }).notNull().default(sql`now()`),
    /** Set when no cluster matched it in a run; an ended hotspot is never matched again. */
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** The cluster's hull buffered outwards (≥ 200 m) and simplified: no vertex is an appeal's position. */
    outline: multiPolygon('outline').notNull(),
    /** ST_PointOnSurface of the outline: where its label goes. */
    center: point('center').notNull(),
    /** Appeals per topic inside the outline at the last run. */
    topics: jsonb('topics').$type<Record<string, number>>().notNull().default({}),
    /** The areas it covers with its appeals in each (records.ts HotspotEventData.areas). */
    areas: jsonb('areas').$type<Array<{ code: string; name: string; count: number }>>().notNull().default([]),
    /** Codes of every area (all levels) the outline intersects: its scoping key, like cases and alerts. */
    areaCodes: text('area_codes').array().notNull(),
    /** The 信访聚集风险 alert it raised; set once, so the alert is raised once. */
    alertId: bigint('alert_id', { mode: 'number' }).references(() => alerts.id),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    index('hotspots_outline_gist').using('gist', t.outline),
    index('hotspots_center_gist').using('gist', t.center),
    index('hotspots_area_codes_gin').using('gin', t.areaCodes),
    index('hotspots_live_idx').on(t.lastSeen).where(sql`${t.endedAt} IS NULL`),
  ],
);

/** One row per hotspot per detection run it was seen in: the count over time (its trend line). */
export const hotspotHistory = pgTable(
  'hotspot_history',
  {
    hotspotId: bigint('hotspot_id', { mode: 'number' })
      .notNull()
      .references(() => hotspots.id, { onDelete: 'cascade' }),
    at: timestamp('at', { withTimezone: true }).notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.hotspotId, t.at] })],
);

import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, serial, text, timestamp, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { multiPolygon } from './geometry';
import { AREA_LEVELS } from '../vocab';


/**
 * One administrative hierarchy: city → district → street → community → grid.
 * `path` holds the codes from the root down to this area (inclusive); it is what
 * feed rows carry as their area codes, so scoping a subscription to any level is
 * one array-contains test.
 */
export const areas = pgTable(
  'areas',
  {
    id: serial('id').primaryKey(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    nameEn: text('name_en'),
    level: text('level', { enum: AREA_LEVELS }).notNull(),
    parentId: integer('parent_id').references((): AnyPgColumn => areas.id),
    path: text('path').array().notNull(),
    population: integer('population').notNull().default(0),
    households: integer('households').notNull().default(0),
    areaM2: bigint('area_m2', { mode: 'number' }).notNull().default(0),
    geom: multiPolygon('geom').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`now()`),
  },
  (t) => [
    index('areas_geom_gist').using('gist', t.geom),
    index('areas_level_idx').on(t.level),
    index('areas_parent_idx').on(t.parentId),
  ],
);

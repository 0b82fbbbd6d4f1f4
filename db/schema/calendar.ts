import { sql } from 'drizzle-orm';
import { boolean, date, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The working calendar (server/domain/sla/calendar.ts) as data: for each covered
 * year, the statutory holidays and the 调休 make-up working days. A year is covered
 * once it has a `calendar_years` row; days not listed follow Monday–Friday.
 * Seeded from `chinese-days` and extended by `npm run calendar -- import <file>`.
 */
export const calendarYears = pgTable('calendar_years', {
  year: integer('year').primaryKey(),
  /** `chinese-days@1.5.7`, or the imported file's name. */
  source: text('source').notNull(),
  importedAt: timestamp('imported_at', { withTimezone: true }).notNull().default(sql`now()`),
});

export const calendarDays = pgTable('calendar_days', {
  day: date('day', { mode: 'string' }).primaryKey(),
  /** false: a holiday (including weekend days inside a holiday block); true: a weekend day worked (调休). */
  working: boolean('working').notNull(),
  /** 春节, 国庆节, … when known. */
  name: text('name'),
});

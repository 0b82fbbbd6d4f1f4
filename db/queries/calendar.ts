import { sql } from 'drizzle-orm';
import type { Runner } from '../client';

/** One covered year of the working calendar as stored (db/schema/calendar.ts). */
export interface StoredCalendarYear {
  year: number;
  source: string;
  holidays: string[];
  workdays: string[];
}

export async function readCalendarYears(db: Runner): Promise<StoredCalendarYear[]> {
  return db.rows<StoredCalendarYear>(sql`
    SELECT y.year, y.source,
      coalesce(array_agg(d.day::text ORDER BY d.day) FILTER (WHERE d.working = false), '{}') AS holidays,
      coalesce(array_agg(d.day::text ORDER BY d.day) FILTER (WHERE d.working = true), '{}') AS workdays
    FROM calendar_years y
    LEFT JOIN calendar_days d ON d.day >= make_date(y.year, 1, 1) AND d.day < make_date(y.year + 1, 1, 1)
    GROUP BY y.year, y.source ORDER BY y.year`);
}

/**
 * Stores whole years: each given year's days are replaced (a corrected notice wins),
 * in the caller's transaction. `onlyMissing` keeps years already stored (seeding).
 */
export async function writeCalendarYears(
  tx: Runner,
  years: Array<{ year: number; holidays: string[]; workdays: string[] }>,
  source: string,
  options: { onlyMissing?: boolean } = {},
): Promise<number[]> {
  const written: number[] = [];
  for (const y of years) {
    if (options.onlyMissing) {
      const [exists] = await tx.rows<{ n: number }>(sql`SELECT 1 AS n FROM calendar_years WHERE year = ${y.year}::int`);
      if (exists) continue;
    }
    await tx.rows(sql`DELETE FROM calendar_days WHERE day >= make_date(${y.year}::int, 1, 1) AND day < make_date(${y.year}::int + 1, 1, 1)`);
    const days = [...y.holidays.map((day) => ({ day, working: false })), ...y.workdays.map((day) => ({ day, working: true }))];
    if (days.length > 0) {
      await tx.rows(sql`
        INSERT INTO calendar_days (day, working)
        SELECT d.day, d.working FROM jsonb_to_recordset(${JSON.stringify(days)}::jsonb) AS d(day date, working boolean)`);
    }
    await tx.rows(sql`
      INSERT INTO calendar_years (year, source) VALUES (${y.year}::int, ${source})
      ON CONFLICT (year) DO UPDATE SET source = excluded.source, imported_at = now()`);
    written.push(y.year);
  }
  return written;
}

/**
 * What changes when a year is imported: each stored year and when it was written.
 * Nodes compare it every few seconds (a tiny read) and reload only when it differs.
 */
export async function readCalendarStamps(db: Runner): Promise<Array<{ year: number; importedAt: string }>> {
  return db.rows(sql`SELECT year, to_char(imported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "importedAt" FROM calendar_years ORDER BY year`);
}

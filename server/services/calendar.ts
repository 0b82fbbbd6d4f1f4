import type { Database } from '../../db/client';
import { readCalendarStamps, readCalendarYears, writeCalendarYears } from '../../db/queries/calendar';
import { buildCalendar, calendarHorizon, chineseDaysYears, type CalendarOptions, type WorkingCalendar } from '../domain/sla';

/** Where the seeded years come from (recorded per year in calendar_years.source). */
export const CHINESE_DAYS_SOURCE = 'chinese-days';

/** What a reload changed: the earliest year whose days differ from before (null: nothing). */
export interface CalendarChange {
  changed: boolean;
  fromYear: number | null;
}

/**
 * The working calendar the SLA arithmetic runs on. Until `load()` it is built from
 * the `chinese-days` package; `load()` seeds the table with any package year it
 * lacks (run it under the startup lock: two nodes seeding at once would collide)
 * and then uses the table, which is where an admin's import of a newly announced
 * year lands. `refresh()` (every scheduler tick, on every node) reloads it when the
 * table changed, so running servers pick an import up within seconds.
 */
export class CalendarService {
  private calendar: WorkingCalendar;
  /** year → imported_at of what is loaded now. */
  private stamps = new Map<number, string>();

  constructor(
    private readonly database: Database,
    private readonly options: CalendarOptions = {},
  ) {
    this.calendar = buildCalendar(chineseDaysYears(), options);
  }

  current(): WorkingCalendar {
    return this.calendar;
  }

  async load(): Promise<WorkingCalendar> {
    await this.database.transaction((tx) => writeCalendarYears(tx, chineseDaysYears(), CHINESE_DAYS_SOURCE, { onlyMissing: true }));
    await this.reload();
    return this.calendar;
  }

  /** Reloads if any year was imported, replaced or removed since the last load. */
  async refresh(): Promise<CalendarChange> {
    const stamps = await readCalendarStamps(this.database);
    let fromYear: number | null = null;
    const seen = new Set<number>();
    for (const { year, importedAt } of stamps) {
      seen.add(year);
      if (this.stamps.get(year) !== importedAt) fromYear = Math.min(fromYear ?? year, year);
    }
    for (const year of this.stamps.keys()) if (!seen.has(year)) fromYear = Math.min(fromYear ?? year, year);
    if (fromYear === null) return { changed: false, fromYear: null };
    await this.reload();
    return { changed: true, fromYear };
  }

  private async reload(): Promise<void> {
    // Years and stamps in one snapshot, so a stamp never describes days it did not load.
    const { years, stamps } = await this.database.transaction(
      async (tx) => ({ years: await readCalendarYears(tx), stamps: await readCalendarStamps(tx) }),
      { isolation: 'repeatable read' },
    );
    if (years.length > 0) this.calendar = buildCalendar(years, this.options);
    this.stamps = new Map(stamps.map((s) => [s.year, s.importedAt]));
  }

  /** For /api/health: how far the covered days reach from now, and whether that ends soon. */
  horizon(now: number = Date.now()) {
    return calendarHorizon(this.calendar, now);
  }
}

import type { Database } from '../../db/client';
import { readCalendarYears, writeCalendarYears } from '../../db/queries/calendar';
import { buildCalendar, calendarHorizon, chineseDaysYears, type CalendarOptions, type WorkingCalendar } from '../domain/sla';

/** Where the seeded years come from (recorded per year in calendar_years.source). */
export const CHINESE_DAYS_SOURCE = 'chinese-days';

/**
 * The working calendar the SLA arithmetic runs on. Until `load()` it is built from
 * the `chinese-days` package; `load()` seeds the table with any package year it
 * lacks (idempotent, so several nodes may do it) and then uses the table, which is
 * where an admin's import of a newly announced year lands.
 */
export class CalendarService {
  private calendar: WorkingCalendar;

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
    const years = await readCalendarYears(this.database);
    if (years.length > 0) this.calendar = buildCalendar(years, this.options);
    return this.calendar;
  }

  /** For /api/health: the last covered year and whether it ends soon. */
  horizon(now: number = Date.now()) {
    return calendarHorizon(this.calendar, now);
  }
}

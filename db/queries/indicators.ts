import { sql, type SQL } from 'drizzle-orm';
import type { Runner } from '../client';
import type { Scope } from '../scope';
import type { AreaLevel, CaseKind } from '../vocab';
import { OPEN_CASE } from './case-columns';

/**
 * Reads for the indicator panels (server/domain/indicators): sums of indicator_daily
 * over a period (one primary-key range per area, never the events), and what is
 * open "now" from the cases' partial GIN index over open cases.
 */
export interface RollupCounters {
  reported: number;
  registered: number;
  rejected: number;
  dispatched: number;
  returned: number;
  handled: number;
  handledOnTime: number;
  closed: number;
  closedOnTime: number;
  rework: number;
  merged: number;
  suspended: number;
  extended: number;
  turnedOverdue: number;
  escalated: number;
  handleTimed: number;
  handleWorkMs: number;
}

export interface OpenNow {
  open: number;
  overdue: number;
  warning: number;
}

export interface IndicatorArea {
  code: string;
  name: string;
  nameEn: string | null;
  level: AreaLevel;
  path: string[];
}

/** Days are [from, to) Asia/Shanghai dates (YYYY-MM-DD). */
export interface DayRange {
  from: string;
  to: string;
}

const SUMS = sql`
  sum(reported)::int AS reported, sum(registered)::int AS registered, sum(rejected)::int AS rejected,
  sum(dispatched)::int AS dispatched, sum(returned)::int AS returned, sum(handled)::int AS handled,
  sum(handled_on_time)::int AS "handledOnTime", sum(closed)::int AS closed, sum(closed_on_time)::int AS "closedOnTime",
  sum(rework)::int AS rework, sum(merged)::int AS merged, sum(suspended)::int AS suspended, sum(extended)::int AS extended,
  sum(turned_overdue)::int AS "turnedOverdue", sum(escalated)::int AS escalated,
  sum(handle_timed)::int AS "handleTimed", sum(handle_work_ms)::float8 AS "handleWorkMs"`;

const kindFilter = (column: SQL, kind: CaseKind | undefined) => (kind ? sql`AND ${column} = ${kind}` : sql``);

/** The area a scope names and its children (one level down), by code. */
export async function findIndicatorAreas(db: Runner, scope: Scope): Promise<{ area: IndicatorArea; children: IndicatorArea[] } | null> {
  const rows = await db.rows<IndicatorArea & { self: boolean }>(sql`
    WITH self AS (SELECT id, code, name, name_en, level, path FROM areas WHERE code = ${scope.code})
    SELECT code, name, name_en AS "nameEn", level, path, true AS self FROM self
    UNION ALL
    SELECT a.code, a.name, a.name_en, a.level, a.path, false FROM areas a JOIN self ON a.parent_id = self.id
    ORDER BY self DESC, code`);
  const [first, ...rest] = rows;
  if (!first?.self) return null;
  const strip = ({ self: _self, ...area }: IndicatorArea & { self: boolean }) => area;
  return { area: strip(first), children: rest.map(strip) };
}

/** Sums of the rollup counters per area over the days; areas without rows are absent. */
export async function sumRollups(db: Runner, codes: readonly string[], days: DayRange, kind?: CaseKind): Promise<Map<string, RollupCounters>> {
  if (codes.length === 0) return new Map();
  const rows = await db.rows<RollupCounters & { code: string }>(sql`
    SELECT area_code AS code, ${SUMS}
    FROM indicator_daily
    WHERE area_code = ANY(${`{${codes.join(',')}}`}::text[])
      AND day >= ${days.from}::date AND day < ${days.to}::date ${kindFilter(sql`kind`, kind)}
    GROUP BY area_code`);
  return new Map(rows.map(({ code, ...counters }) => [code, counters]));
}

/** The counters of one area per bucket (day, ISO week or month) that has rows. */
export async function rollupSeries(
  db: Runner,
  code: string,
  days: DayRange,
  bucket: 'day' | 'week' | 'month',
  kind?: CaseKind,
): Promise<Array<RollupCounters & { start: string }>> {
  const start = bucket === 'day' ? sql`day` : sql`date_trunc(${bucket}, day)::date`;
  return db.rows(sql`
    SELECT ${start}::text AS start, ${SUMS}
    FROM indicator_daily
    WHERE area_code = ${code} AND day >= ${days.from}::date AND day < ${days.to}::date ${kindFilter(sql`kind`, kind)}
    GROUP BY 1 ORDER BY 1`);
}

/**
 * Open cases now in an area, split by the area one level below it (`child`: null for
 * cases that stop at the area itself, such as a city's cases outside every grid).
 */
export async function countOpenNow(db: Runner, area: IndicatorArea, kind?: CaseKind): Promise<Array<OpenNow & { child: string | null }>> {
  const depth = area.path.length;
  return db.rows(sql`
    SELECT c.area_codes[${depth + 1}::int] AS child, count(*)::int AS open,
           count(*) FILTER (WHERE c.sla_state = 'overdue')::int AS overdue,
           count(*) FILTER (WHERE c.sla_state = 'warning')::int AS warning
    FROM cases c
    WHERE ${OPEN_CASE} AND c.area_codes @> ARRAY[${area.code}::text] ${kindFilter(sql`c.kind`, kind)}
    GROUP BY 1`);
}

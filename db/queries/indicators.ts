import { sql, type SQL } from 'drizzle-orm';
import type { Runner } from '../client';
import type { Scope } from '../scope';
import type { AreaLevel, CaseKind } from '../vocab';

/**
 * Reads for the indicator panels (server/domain/indicators): sums of indicator_daily
 * over a period (one primary-key range per area, never the events), and what is
 * open "now" from indicator_open (both kept by triggers: migration 0005).
 */
export interface RollupCounters {
  reported: number;
  /** Appeals among `reported` (the denominator of 重复率). */
  appealsReported: number;
  /** Repeat appeals among them (重复件). */
  repeated: number;
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
  sum(reported)::int AS reported, coalesce(sum(reported) FILTER (WHERE kind = 'appeal'), 0)::int AS "appealsReported",
  sum(repeated)::int AS repeated, sum(registered)::int AS registered, sum(rejected)::int AS rejected,
  sum(dispatched)::int AS dispatched, sum(returned)::int AS returned, sum(handled)::int AS handled,
  sum(handled_on_time)::int AS "handledOnTime", sum(closed)::int AS closed, sum(closed_on_time)::int AS "closedOnTime",
  sum(rework)::int AS rework, sum(merged)::int AS merged, sum(suspended)::int AS suspended, sum(extended)::int AS extended,
  sum(turned_overdue)::int AS "turnedOverdue", sum(escalated)::int AS escalated,
  sum(handle_timed)::int AS "handleTimed", sum(handle_work_ms)::float8 AS "handleWorkMs"`;

const COUNTER_COLUMNS = [
  'reported', 'appealsReported', 'repeated', 'registered', 'rejected', 'dispatched', 'returned', 'handled', 'handledOnTime', 'closed', 'closedOnTime',
  'rework', 'merged', 'suspended', 'extended', 'turnedOverdue', 'escalated', 'handleTimed', 'handleWorkMs',
] as const satisfies ReadonlyArray<keyof RollupCounters>;
/** The lateral sums `d` of readPanelRows, 0 where an area has no rows in the period. */
const ZEROED = sql.raw(COUNTER_COLUMNS.map((c) => `coalesce(d."${c}", 0) AS "${c}"`).join(', '));

const kindFilter = (column: SQL, kind: CaseKind | undefined) => (kind ? sql`AND ${column} = ${kind}` : sql``);

/** The area a scope names and its children (one level down), by code. */
export async function findIndicatorAreas(
  db: Runner,
  scope: Scope,
  options: { children: boolean } = { children: true },
): Promise<{ area: IndicatorArea; children: IndicatorArea[] } | null> {
  const rows = await db.rows<IndicatorArea & { self: boolean }>(sql`
    WITH self AS (SELECT id, code, name, name_en, level, path FROM areas WHERE code = ${scope.code})
    SELECT code, name, name_en AS "nameEn", level, path, true AS self FROM self
    UNION ALL
    SELECT a.code, a.name, a.name_en, a.level, a.path, false FROM areas a JOIN self ON a.parent_id = self.id WHERE ${options.children}::boolean
    ORDER BY self DESC, code`);
  const [first, ...rest] = rows;
  if (!first?.self) return null;
  const strip = ({ self: _self, ...area }: IndicatorArea & { self: boolean }) => area;
  return { area: strip(first), children: rest.map(strip) };
}

/** One area of a panel: its identity, its counters over the days, and what is open in it now. */
export type PanelRow = IndicatorArea & RollupCounters & OpenNow & { self: boolean };

/**
 * A panel in one statement: the area, and with `children` the areas one level down,
 * each with its rollup sums over the days (a primary-key range of indicator_daily)
 * and its open counts (indicator_open). The area itself comes first; none when the
 * scope's area does not exist.
 */
export async function readPanelRows(db: Runner, scope: Scope, days: DayRange, options: { children: boolean; kind?: CaseKind }): Promise<PanelRow[]> {
  return db.rows<PanelRow>(sql`
    WITH self AS (SELECT id, code, name, name_en, level, path FROM areas WHERE code = ${scope.code}),
    listed AS (
      SELECT code, name, name_en, level, path, true AS self FROM self
      UNION ALL
      SELECT a.code, a.name, a.name_en, a.level, a.path, false FROM areas a JOIN self ON a.parent_id = self.id WHERE ${options.children}::boolean
    )
    SELECT l.code, l.name, l.name_en AS "nameEn", l.level, l.path, l.self,
      ${ZEROED}, coalesce(o.open, 0)::int AS open, coalesce(o.overdue, 0)::int AS overdue, coalesce(o.warning, 0)::int AS warning
    FROM listed l
    LEFT JOIN LATERAL (
      SELECT ${SUMS} FROM indicator_daily
      WHERE area_code = l.code AND day >= ${days.from}::date AND day < ${days.to}::date ${kindFilter(sql`kind`, options.kind)}) d ON true
    LEFT JOIN LATERAL (
      SELECT sum(open) AS open, sum(overdue) AS overdue, sum(warning) AS warning FROM indicator_open
      WHERE area_code = l.code ${kindFilter(sql`kind`, options.kind)}) o ON true
    ORDER BY l.self DESC, l.code`);
}

/** What is open in one area now (indicator_open). */
export async function readOpenNow(db: Runner, code: string, kind?: CaseKind): Promise<OpenNow> {
  const [row] = await db.rows<OpenNow>(sql`
    SELECT coalesce(sum(open), 0)::int AS open, coalesce(sum(overdue), 0)::int AS overdue, coalesce(sum(warning), 0)::int AS warning
    FROM indicator_open WHERE area_code = ${code} ${kindFilter(sql`kind`, kind)}`);
  return row!;
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
 * Merges the shards of the days before `before` (YYYY-MM-DD) into one row per area,
 * day and kind: what the scheduler runs nightly (for days before yesterday), so a
 * year's panel reads one row per day. Returns the rows written.
 */
export async function compactIndicatorRollups(db: Runner, before: string): Promise<number> {
  const [row] = await db.rows<{ n: number }>(sql`SELECT indicator_compact(${before}::date)::int AS n`);
  return row!.n;
}

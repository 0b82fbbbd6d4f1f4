import { bigint, date, integer, pgTable, primaryKey, smallint, text } from 'drizzle-orm/pg-core';
import { CASE_KINDS } from '../vocab';

/**
 * Indicator rollups: per area (every level of a case's path, city to grid), per
 * Asia/Shanghai day and per case kind (and shard), the counters the indicators are made of
 * (docs/indicators.md). Maintained by the statement-level trigger on case_events
 * (migration 0005_indicator_rollups), in the same transaction as the events, so a
 * panel is a sum over at most 366 rows per area and never a scan of the history.
 * `indicator_rebuild()` recomputes the whole table from case_events.
 */
const counter = (name: string) => integer(name).notNull().default(0);

/**
 * Writers add to one of INDICATOR_SHARDS rows per key, chosen by their transaction id,
 * so concurrent transactions do not queue on the city's row (each holds its row lock
 * until it commits); readers sum the shards.
 */
export const INDICATOR_SHARDS = 8;
const shard = () => smallint('shard').notNull().default(0);

export const indicatorDaily = pgTable(
  'indicator_daily',
  {
    areaCode: text('area_code').notNull(),
    /** The Asia/Shanghai (UTC+8) date of the events. */
    day: date('day', { mode: 'string' }).notNull(),
    kind: text('kind', { enum: CASE_KINDS }).notNull(),
    shard: shard(),
    /** Intake (`reported` events): 新增. */
    reported: counter('reported'),
    /** Intake of appeals that are repeats (重复件: `cases.repeat_of` set at intake). */
    repeated: counter('repeated'),
    registered: counter('registered'),
    rejected: counter('rejected'),
    /** Every dispatch, re-dispatches after a return included. */
    dispatched: counter('dispatched'),
    returned: counter('returned'),
    /** Every handle, re-handles after a rework included. */
    handled: counter('handled'),
    /** Handles whose 处置 stage was left before its deadline (`data.left.overdue = false`). */
    handledOnTime: counter('handled_on_time'),
    closed: counter('closed'),
    /** Closes of cases none of whose stages was ever left past its deadline. */
    closedOnTime: counter('closed_on_time'),
    rework: counter('rework'),
    merged: counter('merged'),
    /** Approved suspensions (挂账) and extensions (延期). */
    suspended: counter('suspended'),
    extended: counter('extended'),
    /** Scheduler events: a stage turned overdue; an overdue case was escalated. */
    turnedOverdue: counter('turned_overdue'),
    escalated: counter('escalated'),
    /** Handles whose working time could be measured (a dispatch or rework before them), and its sum. */
    handleTimed: counter('handle_timed'),
    handleWorkMs: bigint('handle_work_ms', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ name: 'indicator_daily_pk', columns: [t.areaCode, t.day, t.kind, t.shard] })],
);

/**
 * Open cases now per area (every level of the path) and kind: the "now" of a panel
 * (在办, 超期, 预警) without counting cases. Kept by statement-level triggers on cases
 * (insert, update, delete) from their old and new rows, so an update that moves no
 * case in or out of these counts (a version bump, dispatched → in_progress) touches
 * no counter row at all.
 */
export const indicatorOpen = pgTable(
  'indicator_open',
  {
    areaCode: text('area_code').notNull(),
    kind: text('kind', { enum: CASE_KINDS }).notNull(),
    shard: shard(),
    /** Status not closed, rejected or merged. */
    open: counter('open'),
    /** Open with sla_state = 'overdue'. */
    overdue: counter('overdue'),
    /** Open with sla_state = 'warning'. */
    warning: counter('warning'),
  },
  (t) => [primaryKey({ name: 'indicator_open_pk', columns: [t.areaCode, t.kind, t.shard] })],
);

import { sql, type SQL } from 'drizzle-orm';
import type { Database, Runner } from '../client';
import { inScope, type Scope } from '../scope';
import { isoTime } from '../spatial';
import type { CaseEventData } from '../records';
import { CASE_EVENT_COLUMNS, OPEN_CASE } from './case-columns';
import { limitStatementTime } from './session';

/**
 * The dispatch queue: a jurisdiction's live cases by tab, soonest deadline first.
 * Tabs are the desk's stages of the loop — 待立案 register, 待派遣 dispatch (incl.
 * 回退), 处置中 handling (incl. 挂账), 待核查 verify — plus 已超时 overdue (any live
 * case whose running stage is past its deadline, whatever its tab).
 */
export const QUEUE_TABS = ['register', 'dispatch', 'handling', 'verify', 'overdue'] as const;
export type QueueTab = (typeof QUEUE_TABS)[number];

const TAB_WHERE: Record<QueueTab, SQL> = {
  register: sql`c.status = 'reported'`,
  dispatch: sql`c.status IN ('registered', 'returned')`,
  handling: sql`c.status IN ('dispatched', 'in_progress', 'suspended')`,
  verify: sql`c.status = 'handled'`,
  overdue: sql`c.sla_state = 'overdue' AND ${OPEN_CASE}`,
};

export interface QueueFilters {
  categories?: readonly string[];
  severities?: readonly string[];
  channels?: readonly string[];
}

/** Position after the last row of a page: its deadline (exact, µs; null sorts last) and id. */
export interface QueueCursor {
  dueAt: string | null;
  id: number;
}

export type QueueRow = CaseEventData & {
  address: string | null;
  /** When the running stage turns `warning`: the screen turns the clock amber then, without waiting for the scheduler. */
  warnAt: string | null;
};

export interface QueuePage {
  rows: QueueRow[];
  next: QueueCursor | null;
}

function filterWhere(filters: QueueFilters): SQL {
  const parts: SQL[] = [];
  const list = (values: readonly string[]) => `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
  if (filters.categories?.length) parts.push(sql`c.category = ANY(${list(filters.categories)}::text[])`);
  if (filters.severities?.length) parts.push(sql`c.severity = ANY(${list(filters.severities)}::text[])`);
  if (filters.channels?.length) parts.push(sql`c.channel = ANY(${list(filters.channels)}::text[])`);
  return parts.length ? sql.join(parts.map((p) => sql` AND ${p}`)) : sql``;
}

/**
 * The queue's order as one index key (cases_queue_idx): the deadline, with no
 * deadline as +infinity so those cases sort last, then the id. A page continues
 * after its cursor by one row comparison on that key, which the index answers
 * directly however deep the page.
 */
const QUEUE_KEY = sql`coalesce(c.sla_due_at, 'infinity'::timestamptz), c.id`;

function after(cursor: QueueCursor | null): SQL {
  if (!cursor) return sql``;
  return sql` AND (${QUEUE_KEY}) > (coalesce(${cursor.dueAt}::timestamptz, 'infinity'::timestamptz), ${cursor.id}::bigint)`;
}

/** One page of a tab, soonest deadline first; cases without a deadline (suspended) last. */
export async function readQueue(
  db: Runner,
  scope: Scope,
  tab: QueueTab,
  filters: QueueFilters,
  page: { limit: number; cursor: QueueCursor | null },
): Promise<QueuePage> {
  const rows = await db.rows<QueueRow & { cursorDueAt: string | null }>(sql`
    SELECT ${CASE_EVENT_COLUMNS}, c.address,
           CASE WHEN c.sla_warn_at IS NULL THEN NULL ELSE ${isoTime(sql`c.sla_warn_at`)} END AS "warnAt",
           CASE WHEN c.sla_due_at IS NULL THEN NULL ELSE to_char(c.sla_due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END AS "cursorDueAt"
    FROM cases c LEFT JOIN areas g ON g.id = c.grid_id
    WHERE ${TAB_WHERE[tab]} AND ${inScope(sql`c.area_codes`, scope)}${filterWhere(filters)}${after(page.cursor)}
    ORDER BY ${QUEUE_KEY}
    LIMIT ${page.limit + 1}::int`);
  const more = rows.length > page.limit;
  const shown = rows.slice(0, page.limit);
  const last = shown.at(-1);
  return {
    rows: shown.map(({ cursorDueAt: _cursor, ...row }) => row),
    next: more && last ? { dueAt: last.cursorDueAt, id: last.id } : null,
  };
}

/** Cases per tab in the scope under the same filters, in one pass over the jurisdiction's live cases. */
export async function countQueueTabs(db: Runner, scope: Scope, filters: QueueFilters): Promise<Record<QueueTab, number>> {
  const [row] = await db.rows<Record<QueueTab, number>>(sql`
    SELECT count(*) FILTER (WHERE ${TAB_WHERE.register})::int AS register,
           count(*) FILTER (WHERE ${TAB_WHERE.dispatch})::int AS dispatch,
           count(*) FILTER (WHERE ${TAB_WHERE.handling})::int AS handling,
           count(*) FILTER (WHERE ${TAB_WHERE.verify})::int AS verify,
           count(*) FILTER (WHERE c.sla_state = 'overdue')::int AS overdue
    FROM cases c
    WHERE ${OPEN_CASE} AND ${inScope(sql`c.area_codes`, scope)}${filterWhere(filters)}`);
  return row!;
}

export interface QueueView extends QueuePage {
  /** Feed head the page is consistent with: subscribe with `since` = seq and apply case.updated on top. */
  seq: number;
  at: string;
  /** The count of every tab, on a first page only unless declined (null otherwise: counting is the costly part). */
  counts: Record<QueueTab, number> | null;
}

/** A page, the tab counts (first page) and the feed head, read in one repeatable-read transaction (one consistent moment). */
export async function readQueueView(
  database: Database,
  scope: Scope,
  tab: QueueTab,
  filters: QueueFilters,
  page: { limit: number; cursor: QueueCursor | null; counts?: boolean },
  statementTimeoutMs: number,
): Promise<QueueView> {
  return database.transaction(
    async (tx) => {
      await limitStatementTime(tx, statementTimeoutMs);
      const [head] = await tx.rows<{ seq: number; at: string }>(sql`SELECT coalesce(max(seq), 0) AS seq, ${isoTime(sql`now()`)} AS at FROM feed`);
      const list = await readQueue(tx, scope, tab, filters, page);
      let counts: Record<QueueTab, number> | null = null;
      if (!page.cursor && page.counts !== false) {
        // The counts read every live case of the jurisdiction. An index-only pass over cases_open_scope_idx
        // (3 narrow columns) costs half a parallel scan of the table, but the planner's costs for the two are
        // close and it often picks the scan: steer it, for this statement's transaction only.
        await tx.rows(sql`SELECT set_config('enable_seqscan', 'off', true)`);
        counts = await countQueueTabs(tx, scope, filters);
      }
      return { seq: head!.seq, at: head!.at, counts, ...list };
    },
    { isolation: 'repeatable read' },
  );
}

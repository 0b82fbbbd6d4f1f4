import { sql, type SQL } from 'drizzle-orm';
import type { Runner } from '../client';
import type { CaseEventData } from '../records';
import { isoTime } from '../spatial';
import type { CaseKind, Severity, SlaStage, SlaState } from '../vocab';
import { CASE_EVENT_COLUMNS, OPEN_CASE } from './case-columns';

/**
 * The scheduler's sweeps over the SLA columns of cases (server/services/sla-sweeps.ts).
 * Each one claims a bounded batch with FOR UPDATE SKIP LOCKED (a case a command holds
 * is left for the next tick, and the command never waits on more than one batch),
 * re-checks its condition in the UPDATE, and writes one case_events row per case it
 * changed, by `system:scheduler` and without a version: the scheduler's changes are
 * not commands, so they never make a dispatcher's expectedVersion stale. Conditions
 * are on the row itself, so two schedulers racing would still change each case once.
 */

export const SCHEDULER_ACTOR = 'system:scheduler';

/** A case as screens see it, plus the path its feed row is scoped by. */
export type SweptCase = CaseEventData & { areaCodes: string[] };

/** A clock runs: the case is open, has a clock and is not suspended (挂账 pauses it). */
const RUNNING = sql`c.sla_clock IS NOT NULL AND ${OPEN_CASE} AND c.status <> 'suspended'`;

const sweptColumns = sql`${CASE_EVENT_COLUMNS}, c.area_codes AS "areaCodes"`;

/**
 * Marks cases `to` whose instant has passed, returning them as they now are.
 * `overdue`: the deadline is past (strictly, as slaView counts it) and the first
 * escalation is scheduled at the deadline unless the case already lies at the root.
 * `warning`: ≤ the warning share of the stage is left, and it is not overdue yet.
 */
export async function markSlaState(tx: Runner, to: 'warning' | 'overdue', now: Date, limit: number): Promise<SweptCase[]> {
  const at = now.toISOString();
  const due: SQL =
    to === 'overdue'
      ? sql`c.sla_state <> 'overdue' AND c.sla_due_at < ${at}::timestamptz`
      : sql`c.sla_state = 'normal' AND c.sla_warn_at <= ${at}::timestamptz AND c.sla_due_at >= ${at}::timestamptz`;
  const order = to === 'overdue' ? sql`c.sla_due_at` : sql`c.sla_warn_at`;
  const escalation =
    to === 'overdue' ? sql`, next_escalation_at = CASE WHEN c.escalation_level < cardinality(c.area_codes) - 1 THEN c.sla_due_at END` : sql``;
  const instant = to === 'overdue' ? sql`'dueAt', ${isoTime(sql`c.sla_due_at`)}` : sql`'warnAt', ${isoTime(sql`c.sla_warn_at`)}`;
  return tx.rows<SweptCase>(sql`
    WITH claimed AS (
      SELECT c.id, c.sla_state AS prior FROM cases c
      WHERE ${due} AND ${RUNNING}
      ORDER BY ${order} LIMIT ${limit}::int
      FOR UPDATE OF c SKIP LOCKED
    ),
    changed AS (
      UPDATE cases c SET sla_state = ${to}, updated_at = now() ${escalation}
      FROM claimed WHERE c.id = claimed.id AND ${due} AND ${RUNNING}
      RETURNING c.*, claimed.prior
    ),
    logged AS (
      INSERT INTO case_events (case_id, actor, action, from_status, to_status, data)
      SELECT c.id, ${SCHEDULER_ACTOR}, ${`sla_${to}`}, c.status, c.status,
             jsonb_build_object('stage', c.sla_stage, 'from', c.prior, 'to', ${to}::text, ${instant})
      FROM changed c
    )
    SELECT ${sweptColumns} FROM changed c LEFT JOIN areas g ON g.id = c.grid_id ORDER BY c.id`);
}

/**
 * Whether each sweep has anything to do at `now`, so an idle tick opens no
 * transactions: the earliest pending instant of each, read as the first entry of
 * its partial index (migration 0003). Written as ORDER BY … LIMIT 1 rather than
 * EXISTS so the plan is an index probe even on stale statistics (PGlite has no
 * autovacuum; an EXISTS there was planned as a scan of every case). A false
 * positive costs one empty batch.
 */
export async function findDueWork(db: Runner, now: Date): Promise<{ overdue: boolean; warning: boolean; escalation: boolean }> {
  const at = now.toISOString();
  const [row] = await db.rows<{ overdue: boolean | null; warning: boolean | null; escalation: boolean | null }>(sql`
    SELECT
      (SELECT c.sla_due_at FROM cases c WHERE c.sla_state <> 'overdue' AND c.sla_due_at IS NOT NULL ORDER BY c.sla_due_at LIMIT 1) < ${at}::timestamptz AS overdue,
      (SELECT c.sla_warn_at FROM cases c WHERE c.sla_state = 'normal' AND c.sla_warn_at IS NOT NULL ORDER BY c.sla_warn_at LIMIT 1) <= ${at}::timestamptz AS warning,
      (SELECT c.next_escalation_at FROM cases c WHERE c.next_escalation_at IS NOT NULL ORDER BY c.next_escalation_at LIMIT 1) <= ${at}::timestamptz AS escalation`);
  return { overdue: row?.overdue === true, warning: row?.warning === true, escalation: row?.escalation === true };
}

/** What the escalation rule (server/domain/sla/escalation.ts) needs of a case. */
export interface ClockedCase {
  id: number;
  kind: CaseKind;
  category: string;
  severity: Severity;
  clock: { stage: SlaStage; startedAt: number; pauses: Array<{ from: number; to: number | null }>; extensions: Array<Record<string, number>> };
  level: number;
  areaCodes: string[];
  /** Epoch ms. */
  escalationDueAt: number;
}

/** Claims overdue cases whose next escalation is due (running clock, below the root). */
export async function claimDueEscalations(tx: Runner, now: Date, limit: number): Promise<ClockedCase[]> {
  return tx.rows<ClockedCase>(sql`
    SELECT c.id, c.kind, c.category, c.severity, c.sla_clock AS clock, c.escalation_level AS level,
           c.area_codes AS "areaCodes", (extract(epoch FROM c.next_escalation_at) * 1000)::float8 AS "escalationDueAt"
    FROM cases c
    WHERE c.next_escalation_at <= ${now.toISOString()}::timestamptz AND c.sla_state = 'overdue'
      AND c.escalation_level < cardinality(c.area_codes) - 1 AND ${RUNNING}
    ORDER BY c.next_escalation_at LIMIT ${limit}::int
    FOR UPDATE OF c SKIP LOCKED`);
}

export interface EscalationWrite {
  id: number;
  /** The level the case was claimed at (re-checked). */
  fromLevel: number;
  level: number;
  to: string;
  nextAt: number | null;
}

/** Applies claimed escalations; returns each case as it now is with its new level and answerable area. */
export async function applyEscalations(tx: Runner, steps: EscalationWrite[]): Promise<Array<SweptCase & { level: number; to: string }>> {
  if (steps.length === 0) return [];
  const input = JSON.stringify(steps.map((s) => ({ ...s, nextAt: s.nextAt === null ? null : new Date(s.nextAt).toISOString() })));
  return tx.rows(sql`
    WITH step AS (
      SELECT * FROM jsonb_to_recordset(${input}::jsonb) AS s(id bigint, "fromLevel" int, level int, "to" text, "nextAt" timestamptz)
    ),
    changed AS (
      UPDATE cases c SET escalation_level = step.level, next_escalation_at = step."nextAt", updated_at = now()
      FROM step WHERE c.id = step.id AND c.escalation_level = step."fromLevel" AND c.sla_state = 'overdue'
      RETURNING c.*, step."to" AS escalated_to, step."fromLevel" AS from_level
    ),
    logged AS (
      INSERT INTO case_events (case_id, actor, action, from_status, to_status, data)
      SELECT c.id, ${SCHEDULER_ACTOR}, 'escalated', c.status, c.status,
             jsonb_build_object('stage', c.sla_stage, 'from', c.from_level, 'level', c.escalation_level, 'to', c.escalated_to,
               'nextAt', CASE WHEN c.next_escalation_at IS NULL THEN NULL ELSE ${isoTime(sql`c.next_escalation_at`)} END)
      FROM changed c
    )
    SELECT ${sweptColumns}, c.escalation_level AS level, c.escalated_to AS "to"
    FROM changed c LEFT JOIN areas g ON g.id = c.grid_id ORDER BY c.id`);
}

/**
 * Keeps the escalation column honest, writing no events (nothing a screen shows changes):
 * a pending escalation is dropped once the case is no longer overdue, finished or at the
 * root; an overdue case below the root with none pending (born overdue at intake, or
 * left so by a command) gets its first one at its deadline. The second half reads
 * outside any index, so the scheduler runs it at its slower maintenance pace.
 */
export async function clearStaleEscalations(tx: Runner): Promise<number> {
  const rows = await tx.rows<{ id: number }>(sql`
    UPDATE cases c SET next_escalation_at = NULL
    WHERE c.next_escalation_at IS NOT NULL
      AND (c.sla_state <> 'overdue' OR c.sla_clock IS NULL OR NOT (${OPEN_CASE}) OR c.escalation_level >= cardinality(c.area_codes) - 1)
    RETURNING c.id`);
  return rows.length;
}

export async function scheduleMissingEscalations(tx: Runner, limit: number): Promise<number> {
  const rows = await tx.rows<{ id: number }>(sql`
    WITH claimed AS (
      SELECT c.id FROM cases c
      WHERE c.sla_state = 'overdue' AND c.next_escalation_at IS NULL AND c.sla_due_at IS NOT NULL
        AND c.escalation_level < cardinality(c.area_codes) - 1 AND ${RUNNING}
      LIMIT ${limit}::int
      FOR UPDATE OF c SKIP LOCKED
    )
    UPDATE cases c SET next_escalation_at = c.sla_due_at
    FROM claimed WHERE c.id = claimed.id AND c.next_escalation_at IS NULL AND c.sla_state = 'overdue'
    RETURNING c.id`);
  return rows.length;
}

/** A running case whose SLA columns are to be recomputed from its clock. */
export interface RecomputeCandidate {
  id: number;
  kind: CaseKind;
  category: string;
  severity: Severity;
  clock: ClockedCase['clock'];
  dueAt: string | null;
  warnAt: string | null;
  state: SlaState;
  beyondCalendar: boolean;
}

/**
 * Which cases to recompute: `missing` — a clock without a deadline (what migration
 * 0003 leaves behind); `calendar` — flagged beyond the calendar, and when `from` is
 * given those due (or turning warning) on or after it too (that year was imported).
 */
export type RecomputeScope = { kind: 'missing' } | { kind: 'calendar'; from: Date | null };

/** Claims running cases of `which`, in id order after `afterId`. */
export async function claimRecompute(
  tx: Runner,
  which: RecomputeScope,
  afterId: number,
  limit: number,
): Promise<RecomputeCandidate[]> {
  const filter =
    which.kind === 'missing'
      ? sql`c.sla_due_at IS NULL`
      : which.from === null
        ? sql`c.sla_beyond_calendar`
        : sql`(c.sla_beyond_calendar OR c.sla_due_at >= ${which.from.toISOString()}::timestamptz OR c.sla_warn_at >= ${which.from.toISOString()}::timestamptz)`;
  return tx.rows<RecomputeCandidate>(sql`
    SELECT c.id, c.kind, c.category, c.severity, c.sla_clock AS clock,
           CASE WHEN c.sla_due_at IS NULL THEN NULL ELSE ${isoTime(sql`c.sla_due_at`)} END AS "dueAt",
           CASE WHEN c.sla_warn_at IS NULL THEN NULL ELSE ${isoTime(sql`c.sla_warn_at`)} END AS "warnAt",
           c.sla_state AS state, c.sla_beyond_calendar AS "beyondCalendar"
    FROM cases c
    WHERE ${filter} AND ${RUNNING} AND c.id > ${afterId}::bigint
    ORDER BY c.id LIMIT ${limit}::int
    FOR UPDATE OF c SKIP LOCKED`);
}

export interface RecomputeWrite {
  id: number;
  dueAt: string | null;
  warnAt: string | null;
  state: SlaState;
  beyondCalendar: boolean;
  /** For the case_events row: what the deadline was. */
  previousDueAt: string | null;
}

/** Writes recomputed SLA columns (a pending escalation is dropped when the case is no longer overdue). */
export async function applyRecompute(tx: Runner, writes: RecomputeWrite[]): Promise<SweptCase[]> {
  if (writes.length === 0) return [];
  return tx.rows<SweptCase>(sql`
    WITH w AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(writes)}::jsonb)
        AS w(id bigint, "dueAt" timestamptz, "warnAt" timestamptz, state text, "beyondCalendar" boolean, "previousDueAt" text)
    ),
    changed AS (
      UPDATE cases c SET sla_due_at = w."dueAt", sla_warn_at = w."warnAt", sla_state = w.state,
             sla_beyond_calendar = w."beyondCalendar", updated_at = now(),
             next_escalation_at = CASE WHEN w.state = 'overdue' THEN c.next_escalation_at END
      FROM w WHERE c.id = w.id AND ${RUNNING}
      RETURNING c.*, w."previousDueAt" AS previous_due_at
    ),
    logged AS (
      INSERT INTO case_events (case_id, actor, action, from_status, to_status, data)
      SELECT c.id, ${SCHEDULER_ACTOR}, 'sla_recomputed', c.status, c.status,
             jsonb_build_object('stage', c.sla_stage, 'from', c.previous_due_at,
               'dueAt', CASE WHEN c.sla_due_at IS NULL THEN NULL ELSE ${isoTime(sql`c.sla_due_at`)} END,
               'state', c.sla_state, 'beyondCalendar', c.sla_beyond_calendar)
      FROM changed c
    )
    SELECT ${sweptColumns} FROM changed c LEFT JOIN areas g ON g.id = c.grid_id ORDER BY c.id`);
}

/** Open cases whose running deadline was computed past the calendar's last year (for /api/health). */
export async function countBeyondCalendar(db: Runner): Promise<number> {
  const [row] = await db.rows<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM cases c WHERE c.sla_beyond_calendar AND c.sla_clock IS NOT NULL AND ${OPEN_CASE}`);
  return row?.n ?? 0;
}

import { sql } from 'drizzle-orm';
import type { Runner } from '../client';
import { inScope, type Scope } from '../scope';
import { isoTime } from '../spatial';
import type { CaseKind, CaseStatus, Severity } from '../vocab';
import { OPEN_CASE } from './case-columns';

/**
 * The shift handover report (交接班报告): what came in and what closed during a shift,
 * what is overdue now, and the alerts of the shift, in one jurisdiction. Shifts are
 * short (the route caps them), so the event counts read case_events by time directly.
 */
export interface HandoverCase {
  id: number;
  kind: CaseKind;
  category: string;
  topic: string | null;
  severity: Severity;
  status: CaseStatus;
  title: string | null;
  address: string | null;
  /** Code and name of the deepest area the case lies in (its grid, or a higher level). */
  areaCode: string;
  areaName: string | null;
  reportedAt: string;
  /** When it came in (received), closed (closed), or fell due (overdue). */
  at: string | null;
  sla: { stage: string; dueAt: string | null; state: string } | null;
  escalation: number;
}

export interface HandoverAlert {
  id: number;
  eventType: string;
  headline: string;
  severity: Severity;
  urgency: string;
  status: string;
  onset: string | null;
  expires: string | null;
  createdAt: string;
  affectedGrids: number;
}

export interface ShiftCounts {
  received: number;
  registered: number;
  rejected: number;
  dispatched: number;
  returned: number;
  handled: number;
  closed: number;
  rework: number;
  turnedOverdue: number;
  escalated: number;
}

export interface Shift {
  from: Date;
  to: Date;
}

const CASE_FIELDS = sql`
  c.id, c.kind, c.category, c.topic, c.severity, c.status, c.title, c.address,
  c.area_codes[array_length(c.area_codes, 1)] AS "areaCode", a.name AS "areaName",
  ${isoTime(sql`c.reported_at`)} AS "reportedAt",
  CASE WHEN c.sla_stage IS NULL THEN NULL ELSE jsonb_build_object(
    'stage', c.sla_stage, 'dueAt', CASE WHEN c.sla_due_at IS NULL THEN NULL ELSE ${isoTime(sql`c.sla_due_at`)} END, 'state', c.sla_state) END AS sla,
  c.escalation_level AS escalation`;

/** Cases with an event of `action` in the shift (first such event), newest first, and how many there are. */
export async function casesWithEventInShift(
  db: Runner,
  scope: Scope,
  shift: Shift,
  action: 'reported' | 'close',
  limit: number,
): Promise<{ total: number; cases: HandoverCase[] }> {
  const rows = await db.rows<HandoverCase & { total: number }>(sql`
    WITH hits AS (
      SELECT e.case_id, min(e.at) AS at FROM case_events e JOIN cases c ON c.id = e.case_id
      WHERE e.action = ${action} AND e.at >= ${shift.from.toISOString()}::timestamptz AND e.at < ${shift.to.toISOString()}::timestamptz
        AND ${inScope(sql`c.area_codes`, scope)}
      GROUP BY e.case_id
    ), ranked AS (
      SELECT h.*, count(*) OVER () AS total FROM hits h ORDER BY h.at DESC, h.case_id DESC LIMIT ${limit}::int
    )
    SELECT ${CASE_FIELDS}, ${isoTime(sql`r.at`)} AS at, r.total::int AS total
    FROM ranked r JOIN cases c ON c.id = r.case_id LEFT JOIN areas a ON a.code = c.area_codes[array_length(c.area_codes, 1)]
    ORDER BY r.at DESC, r.case_id DESC`);
  return { total: rows[0]?.total ?? 0, cases: rows.map(({ total: _t, ...c }) => c) };
}

/** Open cases overdue now, longest overdue first, and how many there are. */
export async function overdueNow(db: Runner, scope: Scope, limit: number): Promise<{ total: number; cases: HandoverCase[] }> {
  const rows = await db.rows<HandoverCase & { total: number }>(sql`
    SELECT ${CASE_FIELDS}, CASE WHEN c.sla_due_at IS NULL THEN NULL ELSE ${isoTime(sql`c.sla_due_at`)} END AS at, count(*) OVER ()::int AS total
    FROM cases c LEFT JOIN areas a ON a.code = c.area_codes[array_length(c.area_codes, 1)]
    WHERE ${OPEN_CASE} AND c.sla_state = 'overdue' AND ${inScope(sql`c.area_codes`, scope)}
    ORDER BY c.sla_due_at NULLS LAST, c.id LIMIT ${limit}::int`);
  return { total: rows[0]?.total ?? 0, cases: rows.map(({ total: _t, ...c }) => c) };
}

/** Alerts of the shift: posted during it, or still active now; newest first. */
export async function alertsOfShift(db: Runner, scope: Scope, shift: Shift, limit: number): Promise<{ total: number; alerts: HandoverAlert[] }> {
  const rows = await db.rows<HandoverAlert & { total: number }>(sql`
    SELECT a.id, a.event_type AS "eventType", a.headline, a.severity, a.urgency, a.status,
           CASE WHEN a.onset IS NULL THEN NULL ELSE ${isoTime(sql`a.onset`)} END AS onset,
           CASE WHEN a.expires IS NULL THEN NULL ELSE ${isoTime(sql`a.expires`)} END AS expires,
           ${isoTime(sql`a.created_at`)} AS "createdAt", a.affected_grids AS "affectedGrids", count(*) OVER ()::int AS total
    FROM alerts a
    WHERE ${inScope(sql`a.area_codes`, scope)} AND a.created_at < ${shift.to.toISOString()}::timestamptz
      AND (a.created_at >= ${shift.from.toISOString()}::timestamptz OR a.status = 'active')
    ORDER BY a.created_at DESC, a.id DESC LIMIT ${limit}::int`);
  return { total: rows[0]?.total ?? 0, alerts: rows.map(({ total: _t, ...a }) => a) };
}

/** Lifecycle events of the shift in the jurisdiction, counted by kind of step. */
export async function shiftCounts(db: Runner, scope: Scope, shift: Shift): Promise<ShiftCounts> {
  const [row] = await db.rows<ShiftCounts>(sql`
    SELECT count(*) FILTER (WHERE e.action = 'reported')::int AS received,
           count(*) FILTER (WHERE e.action = 'register')::int AS registered,
           count(*) FILTER (WHERE e.action = 'reject')::int AS rejected,
           count(*) FILTER (WHERE e.action = 'dispatch')::int AS dispatched,
           count(*) FILTER (WHERE e.action = 'return')::int AS returned,
           count(*) FILTER (WHERE e.action = 'handle')::int AS handled,
           count(*) FILTER (WHERE e.action = 'close')::int AS closed,
           count(*) FILTER (WHERE e.action = 'rework')::int AS rework,
           count(*) FILTER (WHERE e.action = 'sla_overdue')::int AS "turnedOverdue",
           count(*) FILTER (WHERE e.action = 'escalated')::int AS escalated
    FROM case_events e JOIN cases c ON c.id = e.case_id
    WHERE e.at >= ${shift.from.toISOString()}::timestamptz AND e.at < ${shift.to.toISOString()}::timestamptz
      AND ${inScope(sql`c.area_codes`, scope)}`);
  return row!;
}

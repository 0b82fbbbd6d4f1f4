import { sql } from 'drizzle-orm';
import type { Runner } from '../client';
import type { CaseEventData } from '../records';
import { inScope, type Scope } from '../scope';
import type { CaseKind, CaseStatus, Severity, SlaStage, SlaState } from '../vocab';
import { CASE_EVENT_COLUMNS } from './case-columns';

/**
 * The statements of one case command (server/services/case-commands.ts), in the
 * order the service runs them inside its transaction: the idempotency record, the
 * case locked within the caller's scope, the checks on other rows the payload
 * names, then the update, the events and the stored response.
 */

/** A case as a command sees it: the lifecycle columns the state machine needs, and what its SLA limits depend on. */
export interface LockedCase {
  id: number;
  kind: CaseKind;
  category: string;
  severity: Severity;
  status: CaseStatus;
  version: number;
  rework: number;
  assigneeId: number | null;
  department: string | null;
  mergedInto: number | null;
  areaCodes: string[];
  priorStatus: CaseStatus | null;
  pendingSuspension: { by: number; at: number; reason: string } | null;
  pendingExtension: { by: number; at: number; reason: string; extend: Record<string, number> } | null;
  /** StageClock as stored (jsonb). */
  slaClock: { stage: SlaStage; startedAt: number; pauses: Array<{ from: number; to: number | null }>; extensions: Array<Record<string, number>> } | null;
  /** As the scheduler last left it. */
  slaState: SlaState;
  reportedAtMs: number;
}

// Lean on purpose (no geometry, no formatting): it runs under the row lock of every command.
const lockedColumns = sql`c.id, c.kind, c.category, c.severity, c.status, c.version, c.rework, c.assignee_id AS "assigneeId",
  c.department, c.merged_into AS "mergedInto", c.area_codes AS "areaCodes", c.prior_status AS "priorStatus",
  c.pending_suspension AS "pendingSuspension", c.pending_extension AS "pendingExtension", c.sla_clock AS "slaClock",
  c.sla_state AS "slaState", (extract(epoch FROM c.reported_at) * 1000)::float8 AS "reportedAtMs"`;

/** The case, row-locked until the transaction ends, only when it lies within the scope (else undefined, like unknown). */
export async function lockCaseInScope(tx: Runner, scope: Scope, id: number): Promise<LockedCase | undefined> {
  const [row] = await tx.rows<LockedCase>(sql`
    SELECT ${lockedColumns} FROM cases c
    WHERE c.id = ${id}::bigint AND ${inScope(sql`c.area_codes`, scope)}
    FOR UPDATE`);
  return row;
}

/** What a case's page shows beyond the screen's view: the lifecycle columns and their instants. */
export interface CaseLifecycleRow extends LockedCase {
  closedAt: string | null;
  slaWarnAt: string | null;
  updatedAt: string;
}

/** The case with its lifecycle columns, unlocked (a read), only within the scope. */
export async function findCaseLifecycle(db: Runner, scope: Scope, id: number): Promise<CaseLifecycleRow | undefined> {
  const iso = (column: string) => sql.raw(`CASE WHEN ${column} IS NULL THEN NULL ELSE to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END`);
  const [row] = await db.rows<CaseLifecycleRow>(sql`
    SELECT ${lockedColumns}, ${iso('c.closed_at')} AS "closedAt", ${iso('c.sla_warn_at')} AS "slaWarnAt", ${iso('c.updated_at')} AS "updatedAt"
    FROM cases c
    WHERE c.id = ${id}::bigint AND ${inScope(sql`c.area_codes`, scope)}`);
  return row;
}

export interface StoredCommand {
  commandId: string;
  caseId: number;
  actor: string;
  fingerprint: string;
  status: number;
  response: Record<string, unknown>;
}

export async function findCommand(db: Runner, commandId: string): Promise<StoredCommand | undefined> {
  const [row] = await db.rows<StoredCommand>(sql`
    SELECT command_id AS "commandId", case_id AS "caseId", actor, fingerprint, status, response
    FROM case_commands WHERE command_id = ${commandId}`);
  return row;
}

export async function insertCommand(tx: Runner, command: StoredCommand): Promise<void> {
  await tx.rows(sql`
    INSERT INTO case_commands (command_id, case_id, actor, fingerprint, status, response)
    VALUES (${command.commandId}, ${command.caseId}::bigint, ${command.actor}, ${command.fingerprint},
            ${command.status}::int, ${JSON.stringify(command.response)}::jsonb)`);
}

/** The event that made the case's current version (who did what last), for a version conflict's answer; clock and scheduler notes are skipped. */
export async function lastCaseEvent(db: Runner, caseId: number): Promise<{ action: string; actor: string; actorLabel: string | null; at: string; version: number | null } | undefined> {
  const [row] = await db.rows<{ action: string; actor: string; actorLabel: string | null; at: string; version: number | null }>(sql`
    SELECT e.action, e.actor, u.display_name AS "actorLabel",
           to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, e.version
    FROM case_events e LEFT JOIN users u ON e.actor = 'user:' || u.id
    WHERE e.case_id = ${caseId}::bigint AND e.version IS NOT NULL ORDER BY e.id DESC LIMIT 1`);
  return row;
}

export async function responderExists(db: Runner, id: number): Promise<boolean> {
  const rows = await db.rows<{ id: number }>(sql`SELECT id FROM responders WHERE id = ${id}::int`);
  return rows.length > 0;
}

/** The responder record linked to a user's login (grid workers), if any. */
export async function responderOfUser(db: Runner, userId: number): Promise<number | null> {
  const [row] = await db.rows<{ id: number }>(sql`SELECT id FROM responders WHERE user_id = ${userId}::int`);
  return row?.id ?? null;
}

/**
 * A merge target as the merging actor may see it: within scope, with its status.
 * Share-locked, so it cannot be closed or merged away before this transaction ends.
 */
export async function lockMergeTarget(tx: Runner, scope: Scope, id: number): Promise<{ id: number; status: CaseStatus } | undefined> {
  const [row] = await tx.rows<{ id: number; status: CaseStatus }>(sql`
    SELECT c.id, c.status FROM cases c
    WHERE c.id = ${id}::bigint AND ${inScope(sql`c.area_codes`, scope)}
    FOR SHARE OF c`);
  return row;
}

/** Every lifecycle column a command may change, as the service computed them. */
export interface CaseLifecycleUpdate {
  id: number;
  status: CaseStatus;
  version: number;
  rework: number;
  department: string | null;
  assigneeId: number | null;
  priorStatus: CaseStatus | null;
  mergedInto: number | null;
  pendingSuspension: object | null;
  pendingExtension: object | null;
  /** Set when the case became finished by this command; otherwise the column is left as it is. */
  closedAt: number | null;
  updatedAt: number;
  slaClock: object | null;
  slaStage: SlaStage | null;
  slaDueAt: Date | null;
  slaWarnAt: Date | null;
  slaState: SlaState;
  slaBeyondCalendar: boolean;
  /** The stage changed: the escalation of the old stage no longer applies. */
  resetEscalation: boolean;
  /** The case is no longer overdue (an extension): no further escalation is due; the level reached stays. */
  stopEscalation: boolean;
}

const ts = (ms: number | null) => sql`to_timestamp(${ms}::float8 / 1000)`;
const json = (value: object | null) => (value === null ? sql`NULL::jsonb` : sql`${JSON.stringify(value)}::jsonb`);

/**
 * Writes the case's new state and returns it as screens see it, with its scoping key
 * (for the feed row). The caller holds the row lock and has checked the version.
 */
export async function updateCaseLifecycle(tx: Runner, u: CaseLifecycleUpdate): Promise<CaseEventData & { areaCodes: string[] }> {
  const escalation = u.resetEscalation
    ? sql`, escalation_level = 0, next_escalation_at = NULL`
    : u.stopEscalation
      ? sql`, next_escalation_at = NULL`
      : sql``;
  const [row] = await tx.rows<CaseEventData & { areaCodes: string[] }>(sql`
    WITH updated AS (
    UPDATE cases SET
      status = ${u.status}, version = ${u.version}::int, rework = ${u.rework}::int,
      department = ${u.department}, assignee_id = ${u.assigneeId}::int, prior_status = ${u.priorStatus},
      merged_into = ${u.mergedInto}::bigint,
      pending_suspension = ${json(u.pendingSuspension)}, pending_extension = ${json(u.pendingExtension)},
      closed_at = ${u.closedAt === null ? sql`closed_at` : ts(u.closedAt)},
      updated_at = ${ts(u.updatedAt)},
      sla_clock = ${json(u.slaClock)}, sla_stage = ${u.slaStage},
      sla_due_at = ${u.slaDueAt?.toISOString() ?? null}::timestamptz, sla_warn_at = ${u.slaWarnAt?.toISOString() ?? null}::timestamptz,
      sla_state = ${u.slaState}, sla_beyond_calendar = ${u.slaBeyondCalendar}
      ${escalation}
    WHERE id = ${u.id}::bigint
    RETURNING *)
    SELECT ${CASE_EVENT_COLUMNS}, c.area_codes AS "areaCodes" FROM updated c LEFT JOIN areas g ON g.id = c.grid_id`);
  if (!row) throw new Error(`case ${u.id} vanished under its row lock`);
  return row;
}

export interface NewCaseEvent {
  caseId: number;
  at: number;
  actor: string;
  action: string;
  fromStatus: CaseStatus | null;
  toStatus: CaseStatus | null;
  note: string | null;
  version: number | null;
  data: Record<string, unknown>;
  commandId: string | null;
}

/** Inserts events in order; returns their ids in the same order. */
export async function insertCaseEvents(tx: Runner, events: NewCaseEvent[]): Promise<number[]> {
  if (events.length === 0) return [];
  const rows = await tx.rows<{ id: number }>(sql`
    INSERT INTO case_events (case_id, at, actor, action, from_status, to_status, note, version, data, command_id)
    SELECT e.case_id, to_timestamp(e.at / 1000), e.actor, e.action, e.from_status, e.to_status, e.note, e.version, coalesce(e.data, '{}'::jsonb), e.command_id
    FROM jsonb_to_recordset(${JSON.stringify(
      events.map((e, n) => ({
        n,
        case_id: e.caseId,
        at: e.at,
        actor: e.actor,
        action: e.action,
        from_status: e.fromStatus,
        to_status: e.toStatus,
        note: e.note,
        version: e.version,
        data: e.data,
        command_id: e.commandId,
      })),
    )}::jsonb) AS e(n int, case_id bigint, at float8, actor text, action text, from_status text, to_status text, note text, version int, data jsonb, command_id text)
    ORDER BY e.n
    RETURNING id`);
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

/** One entry of a case's timeline (GET /api/cases/{id}/events). */
export interface TimelineEntry {
  id: number;
  at: string;
  /** Who: a user's name and login, or the system (intake channels, the scheduler, the simulator). */
  actor: { kind: 'user' | 'system'; name: string; login: string | null };
  action: string;
  from: CaseStatus | null;
  to: CaseStatus | null;
  version: number | null;
  note: string | null;
  data: Record<string, unknown>;
}

/** A case's events in the order they were written, only when the case lies within the scope (else undefined). */
export async function readCaseTimeline(db: Runner, scope: Scope, caseId: number, limit: number): Promise<TimelineEntry[] | undefined> {
  const [found] = await db.rows<{ id: number }>(sql`SELECT c.id FROM cases c WHERE c.id = ${caseId}::bigint AND ${inScope(sql`c.area_codes`, scope)}`);
  if (!found) return undefined;
  return db.rows<TimelineEntry>(sql`
    SELECT e.id, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
           CASE WHEN u.id IS NULL THEN jsonb_build_object('kind', 'system', 'name', 'system', 'login', NULL)
                ELSE jsonb_build_object('kind', 'user', 'name', u.display_name, 'login', u.login) END AS actor,
           e.action, e.from_status AS "from", e.to_status AS "to", e.version, e.note, e.data
    FROM case_events e LEFT JOIN users u ON e.actor = 'user:' || u.id
    WHERE e.case_id = ${caseId}::bigint
    ORDER BY e.id LIMIT ${limit}::int`);
}

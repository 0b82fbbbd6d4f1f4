import { createHash } from 'node:crypto';
import type { Database, Runner } from '../../db/client';
import {
  findCommand,
  insertCaseEvents,
  insertCommand,
  lastCaseEvent,
  lockCaseInScope,
  lockMergeTarget,
  responderExists,
  responderOfUser,
  updateCaseLifecycle,
  type CaseLifecycleRow,
  type LockedCase,
  type NewCaseEvent,
} from '../../db/queries/case-commands';
import { findCaseById } from '../../db/queries/cases';
import { appendFeed } from '../../db/queries/feed';
import { limitStatementTime } from '../../db/queries/session';
import type { Scope } from '../../db/scope';
import { CLOSED_STATUSES, layerOfKind, type Role, type SlaState } from '../../db/vocab';
import { actorRef, type Actor } from '../auth/actor';
import { audit, auditBy, type AuditBy } from '../auth/audit';
import { SLA_RULES, slaColumns, slaView, stageLimit, type TimeLimit, type WorkingCalendar } from '../domain/sla';
import { availableActions } from '../domain/workflow/available';
import {
  decide,
  invariantViolations,
  STAGE_OF_STATUS,
  TERMINAL_STATUSES,
  type CaseEvent,
  type CaseState,
  type CommandAction,
  type RefusalCode,
  type WorkflowActor,
} from '../domain/workflow';
import { AppError, type ErrorCode } from '../errors';
import type { CaseEventData } from '../protocol/wire';
import { attachPhotos } from './photos';
import { withRetry } from './retry';

/**
 * Who fires a case command, in the four shapes the write needs: the state
 * machine's actor, the jurisdiction the case is looked up in (outside it the case
 * is unknown: 404), the audit row's actor and the case_events actor reference.
 */
export interface CommandBy {
  workflow: WorkflowActor;
  scope: Scope;
  audit: AuditBy;
  /** case_events.actor and the idempotency record's actor: `user:12`, `system:simulator`. */
  eventActor: string;
}

/** A signed-in user. Machine principals (wall displays, intake clients) never change a case: 403. */
export async function commandByActor(db: Runner, actor: Actor, ip: string): Promise<CommandBy> {
  if (actor.kind !== 'user') throw new AppError('FORBIDDEN', `${actor.role} may not change cases`, { role: actor.role });
  return {
    workflow: { id: actor.id, role: actor.role, responderId: await responderOfUser(db, actor.id) },
    scope: actor.scope,
    audit: auditBy(actor, ip),
    eventActor: actorRef(actor),
  };
}

/** The in-process simulator (or another system job) acting in a role; its user id is 0. */
export function systemCommandBy(label: string, role: Role, responderId: number | null, scope: Scope): CommandBy {
  const ref = label.startsWith('system:') ? label : `system:${label}`;
  return {
    workflow: { id: 0, role, responderId },
    scope,
    audit: { actor: ref, actorLabel: ref.slice('system:'.length), ip: null },
    eventActor: ref,
  };
}

export interface CommandRequest {
  caseId: number;
  /** The case version the sender saw: anything else is a 409 with the current case. */
  expectedVersion: number;
  /** Idempotency key: a retry with the same id (and the same command) returns the first result. */
  commandId: string;
  /** `{ action, ...payload }` without `at`: the service stamps the instant itself. */
  command: Record<string, unknown>;
}

export interface CommandAccepted {
  /** The case as the command left it (for a replay: as the first attempt left it). */
  case: CaseEventData;
  /** The `transitioned` case_events row the command wrote. */
  eventId: number;
  /** True when this is a retry answered from the stored first result: nothing was written. */
  replayed: boolean;
}

/**
 * How a refusal of the state machine reaches the client. One rule per status:
 * 400 the command cannot be read; 403 this actor may not do it to this case (role,
 * not the assigned worker, approving one's own request); 409 the case's current
 * state does not allow it (refresh and think again); 422 it names something that
 * cannot take part (see also the service's own checks: responder, merge target).
 */
export const REFUSAL_ERRORS: Record<RefusalCode, ErrorCode> = {
  invalid_payload: 'BAD_COMMAND',
  forbidden: 'FORBIDDEN',
  not_assigned: 'FORBIDDEN',
  self_approval: 'FORBIDDEN',
  terminal: 'TRANSITION_REFUSED',
  illegal_transition: 'TRANSITION_REFUSED',
  no_pending_request: 'TRANSITION_REFUSED',
  request_pending: 'TRANSITION_REFUSED',
  clock_skew: 'TRANSITION_REFUSED',
  self_merge: 'INVALID_REFERENCE',
};

export interface CaseCommandOptions {
  /** Longest a single statement of a command's transaction may run (ms). */
  statementTimeoutMs: number;
}

/** The stored first result of a command (case_commands.response). */
interface StoredResponse {
  case: CaseEventData;
  eventId: number;
}

/**
 * THE write path of case transitions. One transaction per command: idempotency
 * record, the case locked within scope, version check, `decide`, the service's
 * own checks, then the case update, its events, the audit row, the idempotency
 * record and — last — the `case.updated` feed row; the publisher is woken after
 * commit. A refusal throws an AppError before anything is written.
 */
export class CaseCommandService {
  private readonly options: CaseCommandOptions;

  constructor(
    private readonly database: Database,
    private readonly calendar: () => WorkingCalendar,
    private readonly onCommit: () => void,
    options: Partial<CaseCommandOptions> = {},
  ) {
    this.options = { statementTimeoutMs: 10_000, ...options };
  }

  async apply(by: CommandBy, request: CommandRequest, options: { now?: number } = {}): Promise<CommandAccepted> {
    if ('at' in request.command) {
      throw new AppError('BAD_COMMAND', 'at: the instant of a command is set by the server, not the sender', [{ path: 'at', message: 'not allowed' }]);
    }
    const at = options.now ?? Date.now();
    const fingerprint = fingerprintOf(by, request);
    let result: CommandAccepted;
    try {
      result = await withRetry(() => this.database.transaction((tx) => this.run(tx, by, request, fingerprint, at)));
    } catch (error) {
      // Two first attempts of one id on different cases raced past the check: the loser's id is taken.
      if (isCommandIdTaken(error)) throw reused(request.commandId);
      throw error;
    }
    if (!result.replayed) this.onCommit();
    return result;
  }

  private async run(tx: Runner, by: CommandBy, request: CommandRequest, fingerprint: string, at: number): Promise<CommandAccepted> {
    await limitStatementTime(tx, this.options.statementTimeoutMs);
    const { caseId, commandId } = request;
    const earlier = await this.replay(tx, request, fingerprint);
    if (earlier) return earlier;

    const row = await lockCaseInScope(tx, by.scope, caseId);
    if (!row) throw new AppError('NOT_FOUND', `no case ${caseId}`, { id: caseId });
    // A retry racing its own first attempt waited on the row lock: it now finds that attempt's record.
    const raced = await this.replay(tx, request, fingerprint);
    if (raced) return raced;
    if (row.version !== request.expectedVersion) {
      const [current, last] = [await findCaseById(tx, by.scope, caseId), await lastCaseEvent(tx, caseId)];
      const { externalId: _externalId, areaCodes: _areaCodes, ...data } = current!;
      throw new AppError('VERSION_CONFLICT', `case ${caseId} is at version ${row.version}, not ${request.expectedVersion}: it was changed meanwhile`, {
        current: data,
        last: last ?? null,
      });
    }

    const state = caseStateOf(row);
    const decision = decide(state, { ...request.command, at }, by.workflow);
    if (!decision.ok) {
      throw new AppError(REFUSAL_ERRORS[decision.code], decision.message, { refusal: decision.code, action: request.command.action ?? null, status: state.status, ...(decision.details !== undefined ? { issues: decision.details } : {}) });
    }
    const { next, events } = decision;
    const transitioned = events[0]!;
    if (transitioned.type !== 'transitioned') throw new Error('decide: the first event is not the transition');
    await this.checkReferences(tx, by, state, transitioned);
    const violations = invariantViolations(next);
    if (violations.length > 0) throw new Error(`case ${caseId}: ${transitioned.action} would leave it illegal: ${violations.join('; ')}`);

    const sla = slaColumns(next.clock, row, this.calendar(), at);
    const stageChanged = next.clock?.stage !== state.clock?.stage || next.clock?.startedAt !== state.clock?.startedAt;
    // Within a stage a command never advances the SLA state: warning and overdue are the
    // scheduler's to announce (feed event, escalation), and it finds them only while the
    // row is behind (its sweeps read sla_state). An extension may relieve it, though.
    const slaState = stageChanged ? sla.slaState : lessAdvanced(row.slaState, sla.slaState);
    const after = await updateCaseLifecycle(tx, {
      id: caseId,
      status: next.status,
      version: next.version,
      rework: next.rework,
      department: next.department,
      assigneeId: next.assigneeId,
      priorStatus: next.priorStatus,
      mergedInto: next.mergedInto,
      pendingSuspension: next.pendingSuspension,
      pendingExtension: next.pendingExtension,
      closedAt: CLOSED_STATUSES.includes(next.status) && !CLOSED_STATUSES.includes(state.status) ? at : null,
      updatedAt: at,
      slaClock: sla.slaClock,
      slaStage: sla.slaStage,
      slaDueAt: sla.slaDueAt,
      slaWarnAt: sla.slaWarnAt,
      slaState,
      slaBeyondCalendar: sla.slaBeyondCalendar,
      resetEscalation: stageChanged,
      stopEscalation: row.slaState === 'overdue' && slaState !== 'overdue',
    });
    // 处置反馈 with photos: only the actor's own unattached uploads (server/services/photos.ts); a refusal rolls everything back.
    const photos = transitioned.action === 'handle' ? (transitioned.data.photos as string[] | undefined) : undefined;
    if (photos?.length) await attachPhotos(tx, caseId, photos, by.eventActor);
    // The stage being left, and whether it was late: what the indicators (按期处置率, 按期结案率) count.
    if (stageChanged && state.clock) {
      const view = slaView(state.clock, stageLimit(state.clock.stage, row), at, this.calendar(), SLA_RULES.warningShare);
      transitioned.data = { ...transitioned.data, left: { stage: state.clock.stage, dueAt: view.deadline?.toISOString() ?? null, overdue: view.state === 'overdue', elapsedMs: view.elapsedMs } };
    }
    const [eventId] = await insertCaseEvents(tx, events.map((e) => eventRow(e, by.eventActor, commandId)));
    const { areaCodes, ...data } = after;
    await audit(tx, by.audit, {
      action: `case.${transitioned.action}`,
      targetType: 'case',
      targetId: caseId,
      areaCodes,
      outcome: 'ok',
      details: { from: transitioned.from, to: transitioned.to, version: next.version, commandId },
    });
    const response: StoredResponse = { case: data, eventId: eventId! };
    await insertCommand(tx, { commandId, caseId, actor: by.eventActor, fingerprint, status: 200, response: { ...response } });
    // Last statement: the feed lock is held only until commit (db/queries/feed.ts).
    await appendFeed(tx, [{ topic: 'case.updated', layer: layerOfKind(data.kind), areaCodes, payload: { ...data, action: transitioned.action } }]);
    return { ...response, replayed: false };
  }

  /** The stored first result of this command id, or a 409 when the id was used for something else; null when unused. */
  private async replay(tx: Runner, request: CommandRequest, fingerprint: string): Promise<CommandAccepted | null> {
    const stored = await findCommand(tx, request.commandId);
    if (!stored) return null;
    if (stored.fingerprint !== fingerprint) throw reused(request.commandId);
    const response = stored.response as unknown as StoredResponse;
    return { case: response.case, eventId: response.eventId, replayed: true };
  }

  /** What decide() cannot know: the responder exists; the merge target is an open case the actor may see. */
  private async checkReferences(tx: Runner, by: CommandBy, state: CaseState, e: Extract<CaseEvent, { type: 'transitioned' }>): Promise<void> {
    if (e.action === 'dispatch' && typeof e.data.assigneeId === 'number' && !(await responderExists(tx, e.data.assigneeId))) {
      throw new AppError('INVALID_REFERENCE', `no responder ${e.data.assigneeId} to dispatch to`, { refusal: 'unknown_assignee', path: 'assigneeId' });
    }
    if (e.action === 'merge' && typeof e.data.into === 'number') {
      const target = e.data.into === state.id ? undefined : await lockMergeTarget(tx, by.scope, e.data.into);
      if (!target) throw new AppError('INVALID_REFERENCE', `no case ${e.data.into} to merge into in your jurisdiction`, { refusal: 'unknown_merge_target', path: 'into' });
      if (TERMINAL_STATUSES.has(target.status)) {
        throw new AppError('INVALID_REFERENCE', `case ${target.id} is ${target.status}: merge into an open case`, { refusal: 'merge_target_finished', path: 'into' });
      }
    }
  }
}

const SLA_ORDER: Record<SlaState, number> = { normal: 0, warning: 1, overdue: 2 };
function lessAdvanced(a: SlaState, b: SlaState): SlaState {
  return SLA_ORDER[a] <= SLA_ORDER[b] ? a : b;
}

function reused(commandId: string): AppError {
  return new AppError('COMMAND_ID_REUSED', `command id ${commandId} was already used for a different command`, { commandId });
}

/** Who sent what to which case: a retry has the same; `expectedVersion` is not part of it (a retry after a refresh is still the same command). */
function fingerprintOf(by: CommandBy, request: CommandRequest): string {
  return createHash('sha256').update(canonical({ caseId: request.caseId, actor: by.eventActor, command: request.command })).digest('base64url');
}

/** JSON with object keys sorted at every depth, so key order never changes a fingerprint. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function isCommandIdTaken(error: unknown): boolean {
  for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
    const { code, constraint, message } = e as { code?: unknown; constraint?: unknown; message?: unknown };
    if (code === '23505' && (constraint === 'case_commands_pkey' || (typeof message === 'string' && message.includes('case_commands_pkey')))) return true;
  }
  return false;
}

/** The row as the state machine's CaseState. A live case from before clocks existed gets its stage's clock from the report. */
export function caseStateOf(row: LockedCase): CaseState {
  const live = !TERMINAL_STATUSES.has(row.status) && row.status !== 'suspended';
  const clock =
    row.slaClock ??
    (live ? { stage: STAGE_OF_STATUS[row.status as keyof typeof STAGE_OF_STATUS], startedAt: row.reportedAtMs, pauses: [], extensions: [] } : null);
  return {
    id: row.id,
    status: row.status,
    version: row.version,
    rework: row.rework,
    assigneeId: row.assigneeId,
    department: row.department,
    priorStatus: row.priorStatus,
    pendingSuspension: row.pendingSuspension,
    pendingExtension: row.pendingExtension && { ...row.pendingExtension, extend: row.pendingExtension.extend as TimeLimit },
    mergedInto: row.mergedInto,
    clock: clock && { ...clock, extensions: clock.extensions as TimeLimit[] },
  };
}

/** One decide() event as its case_events row; only the transition carries the version. */
function eventRow(e: CaseEvent, actor: string, commandId: string): NewCaseEvent {
  const base = { caseId: e.caseId, at: e.at, actor, commandId };
  switch (e.type) {
    case 'transitioned': {
      const text = typeof e.data.note === 'string' ? e.data.note : typeof e.data.reason === 'string' ? e.data.reason : null;
      return { ...base, action: e.action, fromStatus: e.from, toStatus: e.to, note: text, version: e.version, data: e.data };
    }
    case 'clock':
      return { ...base, action: 'sla_clock', fromStatus: null, toStatus: null, note: null, version: null, data: { op: e.op, stage: e.stage } };
    case 'request_lapsed':
      return { ...base, action: 'request_lapsed', fromStatus: null, toStatus: null, note: null, version: null, data: { request: e.request } };
  }
}

/** The lifecycle part of GET /api/cases/{id}: pending requests, instants, and what the caller may do now. */
export interface CaseLifecycleView {
  priorStatus: CaseState['priorStatus'];
  pendingSuspension: CaseState['pendingSuspension'];
  pendingExtension: CaseState['pendingExtension'];
  closedAt: string | null;
  slaWarnAt: string | null;
  updatedAt: string;
  /** Actions the caller may fire now (status, role, assignment, pending requests); empty for machine principals. */
  actions: CommandAction[];
}

export function lifecycleView(row: CaseLifecycleRow, actor: WorkflowActor | null): CaseLifecycleView {
  const state = caseStateOf(row);
  return {
    priorStatus: state.priorStatus,
    pendingSuspension: state.pendingSuspension,
    pendingExtension: state.pendingExtension,
    closedAt: row.closedAt,
    slaWarnAt: row.slaWarnAt,
    updatedAt: row.updatedAt,
    actions: actor ? availableActions(state, actor) : [],
  };
}

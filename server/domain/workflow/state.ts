import type { StageClock } from '../sla/clock';
import type { TimeLimit } from '../sla/time-limit';
import type { WorkflowStatus } from './statuses';

/** A request waiting for a leader's decision (挂账 or 延期). */
export interface PendingRequest {
  by: number;
  at: number;
  reason: string;
}

/** What the state machine knows about a case: enough to decide, nothing personal. */
export interface CaseState {
  id: number;
  status: WorkflowStatus;
  /** Rises by exactly one per accepted command (optimistic concurrency). */
  version: number;
  /** Accepted 返工 commands. */
  rework: number;
  /** Responder the case is dispatched to (cases.assignee_id), if any. */
  assigneeId: number | null;
  /** Department (专业部门) code the case is dispatched to, if any. */
  department: string | null;
  /** While suspended: the status to return to on resume. */
  priorStatus: WorkflowStatus | null;
  pendingSuspension: PendingRequest | null;
  pendingExtension: (PendingRequest & { extend: TimeLimit }) | null;
  /** Set when merged into another case. */
  mergedInto: number | null;
  /** The running stage's SLA clock; null once the case is finished. */
  clock: StageClock | null;
}

/** A case as intake creates it: reported, version 1, the 立案 clock running from the report time. */
export function reportedCase(id: number, reportedAt: number): CaseState {
  return {
    id,
    status: 'reported',
    version: 1,
    rework: 0,
    assigneeId: null,
    department: null,
    priorStatus: null,
    pendingSuspension: null,
    pendingExtension: null,
    mergedInto: null,
    clock: { stage: 'register', startedAt: reportedAt, pauses: [], extensions: [] },
  };
}

import { CASE_STATUSES, type CaseStatus } from '../../../db/vocab';

/** The lifecycle's statuses are the shared vocabulary's (db/vocab.ts). */
export const WORKFLOW_STATUSES = CASE_STATUSES;
export type WorkflowStatus = CaseStatus;

/** Nothing leaves these. */
export const TERMINAL_STATUSES: ReadonlySet<WorkflowStatus> = new Set(['rejected', 'closed', 'merged']);

/** Statuses a case may be suspended from (and so return to on resume). */
export const SUSPENDABLE_STATUSES = ['dispatched', 'in_progress'] as const satisfies readonly WorkflowStatus[];
/** Statuses in which an extension may be requested: the handling stage. */
export const EXTENDABLE_STATUSES = ['dispatched', 'in_progress'] as const satisfies readonly WorkflowStatus[];

/**
 * The case lifecycle's status vocabulary as this module proposes it (GB/T 30428
 * 上报 → 立案 → 派遣 → 处置 → 反馈 → 核查结案). It replaces db/vocab.ts
 * CASE_STATUSES in a later migration:
 *   handling → in_progress, feedback → handled (names of what happened, not of a screen);
 *   rework and extended are not statuses: 返工 is an action back to in_progress
 *   (counted on the case), 延期 changes the deadline and leaves the status alone;
 *   merged is new (a duplicate folded into another case, terminal);
 *   evaluated (综合评价) stays out until evaluation is built; it would follow closed.
 */
export const WORKFLOW_STATUSES = [
  'reported',
  'registered',
  'rejected',
  'dispatched',
  'returned',
  'in_progress',
  'handled',
  'closed',
  'suspended',
  'merged',
] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

/** Nothing leaves these. */
export const TERMINAL_STATUSES: ReadonlySet<WorkflowStatus> = new Set(['rejected', 'closed', 'merged']);

/** Statuses a case may be suspended from (and so return to on resume). */
export const SUSPENDABLE_STATUSES = ['dispatched', 'in_progress'] as const satisfies readonly WorkflowStatus[];
/** Statuses in which an extension may be requested: the handling stage. */
export const EXTENDABLE_STATUSES = ['dispatched', 'in_progress'] as const satisfies readonly WorkflowStatus[];

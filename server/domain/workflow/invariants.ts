import type { SlaStage } from '../sla/limits';
import type { CaseState } from './state';
import { EXTENDABLE_STATUSES, SUSPENDABLE_STATUSES, TERMINAL_STATUSES, WORKFLOW_STATUSES, type WorkflowStatus } from './statuses';

/** The SLA stage that runs in each live status. */
export const STAGE_OF_STATUS: Record<Exclude<WorkflowStatus, 'rejected' | 'closed' | 'merged' | 'suspended'>, SlaStage> = {
  reported: 'register',
  registered: 'dispatch',
  returned: 'dispatch',
  dispatched: 'handle',
  in_progress: 'handle',
  handled: 'verify',
};

const has = (list: readonly string[], s: string) => list.includes(s);

/** Every way a case state can be illegal; empty for a legal one. The service may assert it before writing. */
export function invariantViolations(c: CaseState): string[] {
  const v: string[] = [];
  if (!has(WORKFLOW_STATUSES, c.status)) v.push(`unknown status ${c.status}`);
  if (!(Number.isInteger(c.version) && c.version >= 1)) v.push('version below 1');
  if (!(Number.isInteger(c.rework) && c.rework >= 0)) v.push('negative rework count');
  const terminal = TERMINAL_STATUSES.has(c.status);
  if (terminal !== (c.clock === null)) v.push(terminal ? 'a finished case has a running clock' : 'a live case has no clock');
  const openPauses = c.clock?.pauses.filter((p) => p.to === null).length ?? 0;
  if (c.status === 'suspended') {
    if (!c.priorStatus || !has(SUSPENDABLE_STATUSES, c.priorStatus)) v.push('suspended without a suspendable prior status');
    if (openPauses !== 1) v.push('suspended without exactly one open pause');
    if (c.clock && c.priorStatus && c.priorStatus !== 'suspended' && !terminal && c.clock.stage !== STAGE_OF_STATUS[c.priorStatus as keyof typeof STAGE_OF_STATUS]) v.push('suspended clock not in the prior stage');
  } else {
    if (c.priorStatus !== null) v.push('prior status kept outside suspension');
    if (openPauses !== 0) v.push('clock paused while not suspended');
    if (!terminal && c.clock && c.clock.stage !== STAGE_OF_STATUS[c.status as keyof typeof STAGE_OF_STATUS]) v.push(`clock stage ${c.clock.stage} in status ${c.status}`);
  }
  if ((c.status === 'merged') !== (c.mergedInto !== null)) v.push('merge target inconsistent with status');
  if (c.mergedInto === c.id) v.push('merged into itself');
  if (has(['dispatched', 'in_progress', 'handled'], c.status) && c.assigneeId === null && c.department === null) v.push(`${c.status} without an assignee or department`);
  if (c.pendingSuspension && !has(SUSPENDABLE_STATUSES, c.status)) v.push(`suspension request pending in ${c.status}`);
  if (c.pendingExtension && !has(EXTENDABLE_STATUSES, c.status)) v.push(`extension request pending in ${c.status}`);
  return v;
}

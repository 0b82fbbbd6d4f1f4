import type { Role } from '../../../db/vocab';
import type { ActorRole } from '../../auth/actor';
import type { CaseState } from './state';

/**
 * Who fires a command, as the state machine needs it: a user's id and role, and
 * the responder record that user is in the field (grid workers), if any.
 * Jurisdiction is not checked here: the service loads the case through the
 * actor's scoped read, so a case outside it is simply not found.
 */
export interface WorkflowActor {
  id: number;
  /** Machine principals (display, api_client) are refused every action. */
  role: ActorRole;
  responderId: number | null;
}

/** Who may fire an action, as a predicate over (actor, case). */
export type Allowed = (actor: WorkflowActor, c: CaseState) => boolean;

export const anyOf =
  (...roles: Role[]): Allowed =>
  (actor) =>
    (roles as string[]).includes(actor.role);

/** The grid worker the case is dispatched to (and only them). */
export const assignedWorker: Allowed = (actor, c) =>
  actor.role === 'grid_worker' && actor.responderId !== null && actor.responderId === c.assigneeId;

export const either =
  (...rules: Allowed[]): Allowed =>
  (actor, c) =>
    rules.some((r) => r(actor, c));

/** 受理/派遣/核查: the centre's desk roles. */
export const desk = anyOf('admin', 'duty_officer', 'dispatcher');
/** Approvals (挂账, 延期): leaders and the duty officer. */
export const approver = anyOf('admin', 'leader', 'duty_officer');
/** Field work: the assigned grid worker, or the desk acting for a department that has no account. */
export const fieldOrDesk = either(assignedWorker, anyOf('admin', 'dispatcher'));

import type { SlaStage } from '../sla/limits';
import { anyOf, approver, desk, either, fieldOrDesk, type Allowed, type WorkflowActor } from './actors';
import type { CommandAction, CommandOf } from './commands';
import type { CaseState } from './state';
import { EXTENDABLE_STATUSES, SUSPENDABLE_STATUSES, type WorkflowStatus } from './statuses';

/** What an accepted command does to the SLA clock. */
export type ClockEffect =
  | { op: 'keep' }
  | { op: 'start'; stage: SlaStage }
  | { op: 'stop' }
  | { op: 'pause' }
  | { op: 'resume' }
  | { op: 'extend' };

export interface Refusal {
  code: RefusalCode;
  message: string;
}

export const REFUSAL_CODES = [
  'invalid_payload',
  'terminal',
  'illegal_transition',
  'forbidden',
  'not_assigned',
  'no_pending_request',
  'request_pending',
  'self_approval',
  'self_merge',
  'clock_skew',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export interface Transition<A extends CommandAction> {
  from: readonly WorkflowStatus[];
  /** The resulting status: a status, `same` (unchanged) or `prior` (the status before suspension). */
  to: WorkflowStatus | 'same' | 'prior';
  /** Who may fire it, over (actor, case). */
  allowed: Allowed;
  clock: ClockEffect;
  /** Checks beyond status and role; a refusal or null. */
  guard?: (c: CaseState, command: CommandOf<A>, actor: WorkflowActor) => Refusal | null;
  /** Field changes besides status, version, clock and the lapse of pending requests. */
  apply?: (c: CaseState, command: CommandOf<A>, actor: WorkflowActor) => Partial<CaseState>;
}

const noPending = (what: 'pendingSuspension' | 'pendingExtension') => (c: CaseState) =>
  c[what] === null ? null : ({ code: 'request_pending', message: `a ${what === 'pendingSuspension' ? 'suspension' : 'extension'} request is already waiting` } as const);

const pendingByOther = (what: 'pendingSuspension' | 'pendingExtension') => (c: CaseState, _command: unknown, actor: WorkflowActor) => {
  const pending = c[what];
  if (pending === null) return { code: 'no_pending_request', message: `no ${what === 'pendingSuspension' ? 'suspension' : 'extension'} request to decide` } as const;
  if (pending.by === actor.id) return { code: 'self_approval', message: 'a request is decided by someone other than who made it' } as const;
  return null;
};

/**
 * THE transition table of the case lifecycle: one entry per action.
 * Returned cases go back to the dispatcher's queue and leave it by a new
 * dispatch (returned → dispatched), a merge, or nothing else.
 */
export const TRANSITIONS: { [A in CommandAction]: Transition<A> } = {
  register: { from: ['reported'], to: 'registered', allowed: desk, clock: { op: 'start', stage: 'dispatch' } },
  reject: { from: ['reported'], to: 'rejected', allowed: desk, clock: { op: 'stop' } },
  dispatch: {
    from: ['registered', 'returned'],
    to: 'dispatched',
    allowed: desk,
    clock: { op: 'start', stage: 'handle' },
    apply: (_c, cmd) => ({ department: cmd.department ?? null, assigneeId: cmd.assigneeId ?? null }),
  },
  accept: { from: ['dispatched'], to: 'in_progress', allowed: fieldOrDesk, clock: { op: 'keep' } },
  return: {
    from: ['dispatched'],
    to: 'returned',
    allowed: fieldOrDesk,
    clock: { op: 'start', stage: 'dispatch' },
    apply: () => ({ department: null, assigneeId: null }),
  },
  handle: { from: ['in_progress'], to: 'handled', allowed: fieldOrDesk, clock: { op: 'start', stage: 'verify' } },
  close: { from: ['handled'], to: 'closed', allowed: desk, clock: { op: 'stop' } },
  rework: {
    from: ['handled'],
    to: 'in_progress',
    allowed: desk,
    clock: { op: 'start', stage: 'handle' },
    apply: (c) => ({ rework: c.rework + 1 }),
  },
  merge: {
    from: ['reported', 'registered', 'returned', 'dispatched'],
    to: 'merged',
    allowed: desk,
    clock: { op: 'stop' },
    guard: (c, cmd) => (cmd.into === c.id ? { code: 'self_merge', message: 'a case cannot be merged into itself' } : null),
    apply: (_c, cmd) => ({ mergedInto: cmd.into }),
  },
  suspend_request: {
    from: SUSPENDABLE_STATUSES,
    to: 'same',
    allowed: fieldOrDesk,
    clock: { op: 'keep' },
    guard: noPending('pendingSuspension'),
    apply: (_c, cmd, actor) => ({ pendingSuspension: { by: actor.id, at: cmd.at, reason: cmd.reason } }),
  },
  suspend_approve: {
    from: SUSPENDABLE_STATUSES,
    to: 'suspended',
    allowed: approver,
    clock: { op: 'pause' },
    guard: pendingByOther('pendingSuspension'),
    apply: (c) => ({ priorStatus: c.status }),
  },
  suspend_refuse: {
    from: SUSPENDABLE_STATUSES,
    to: 'same',
    allowed: approver,
    clock: { op: 'keep' },
    guard: pendingByOther('pendingSuspension'),
    apply: () => ({ pendingSuspension: null }),
  },
  resume: {
    from: ['suspended'],
    to: 'prior',
    allowed: either(desk, anyOf('leader')),
    clock: { op: 'resume' },
    apply: () => ({ priorStatus: null }),
  },
  extension_request: {
    from: EXTENDABLE_STATUSES,
    to: 'same',
    allowed: fieldOrDesk,
    clock: { op: 'keep' },
    guard: noPending('pendingExtension'),
    apply: (_c, cmd, actor) => ({ pendingExtension: { by: actor.id, at: cmd.at, reason: cmd.reason, extend: cmd.extend } }),
  },
  extension_approve: {
    from: EXTENDABLE_STATUSES,
    to: 'same',
    allowed: approver,
    clock: { op: 'extend' },
    guard: pendingByOther('pendingExtension'),
    apply: () => ({ pendingExtension: null }),
  },
  extension_refuse: {
    from: EXTENDABLE_STATUSES,
    to: 'same',
    allowed: approver,
    clock: { op: 'keep' },
    guard: pendingByOther('pendingExtension'),
    apply: () => ({ pendingExtension: null }),
  },
};

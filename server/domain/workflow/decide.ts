import type { StageClock } from '../sla/clock';
import type { WorkflowActor } from './actors';
import { commandSchema, type Command, type CommandAction } from './commands';
import type { CaseState } from './state';
import { TERMINAL_STATUSES, type WorkflowStatus } from './statuses';
import { TRANSITIONS, type ClockEffect, type RefusalCode, type Transition } from './transitions';

/** What an accepted command records: one `transitioned` event, then its clock effect and any lapsed request. */
export type CaseEvent =
  | {
      type: 'transitioned';
      caseId: number;
      action: CommandAction;
      from: WorkflowStatus;
      to: WorkflowStatus;
      version: number;
      at: number;
      by: number;
      /** The command's payload without action and at (reason, note, assignee, …). */
      data: Record<string, unknown>;
    }
  | { type: 'clock'; caseId: number; op: Exclude<ClockEffect['op'], 'keep'>; stage: StageClock['stage'] | null; at: number }
  | { type: 'request_lapsed'; caseId: number; request: 'suspension' | 'extension'; at: number };

export type Decision =
  | { ok: true; next: CaseState; events: CaseEvent[] }
  | { ok: false; code: RefusalCode; message: string; details?: unknown };

const refuse = (code: RefusalCode, message: string, details?: unknown): Decision => ({ ok: false, code, message, ...(details === undefined ? {} : { details }) });

/** The latest instant the clock has recorded: a command cannot happen before it. */
function lastInstant(clock: StageClock | null): number {
  if (!clock) return Number.NEGATIVE_INFINITY;
  let t = clock.startedAt;
  for (const p of clock.pauses) t = Math.max(t, p.from, p.to ?? p.from);
  return t;
}

function nextClock(c: CaseState, effect: ClockEffect, at: number): StageClock | null {
  const clock = c.clock;
  switch (effect.op) {
    case 'keep':
      return clock;
    case 'start':
      return { stage: effect.stage, startedAt: at, pauses: [], extensions: [] };
    case 'stop':
      return null;
    case 'pause':
      return clock && { ...clock, pauses: [...clock.pauses, { from: at, to: null }] };
    case 'resume':
      return clock && { ...clock, pauses: clock.pauses.map((p) => (p.to === null ? { ...p, to: at } : p)) };
    case 'extend':
      return clock && c.pendingExtension && { ...clock, extensions: [...clock.extensions, c.pendingExtension.extend] };
  }
}

/**
 * The pure core of a case command: given the case, a command (validated here: this
 * is a trust boundary) and who fires it, either the next state and its events, or a
 * refusal with a code. Accepted commands raise the version by exactly one; a
 * refusal changes nothing. Any status change lets waiting requests lapse (they were
 * about the stage being left).
 */
export function decide(c: CaseState, input: unknown, actor: WorkflowActor): Decision {
  const parsed = commandSchema.safeParse(input);
  if (!parsed.success) {
    return refuse('invalid_payload', parsed.error.issues.map((i) => `${i.path.join('.') || 'command'}: ${i.message}`).join('; '), parsed.error.issues);
  }
  const command: Command = parsed.data;
  if (TERMINAL_STATUSES.has(c.status)) return refuse('terminal', `case ${c.id} is ${c.status}: it accepts no more commands`);
  // One table, indexed by the action the parser has already checked.
  const t = TRANSITIONS[command.action] as Transition<typeof command.action>;
  if (!t.from.includes(c.status)) {
    return refuse('illegal_transition', `${command.action} is not possible from ${c.status} (only from ${t.from.join(', ')})`);
  }
  if (!t.allowed(actor, c)) {
    return actor.role === 'grid_worker'
      ? refuse('not_assigned', `${command.action}: a grid worker acts only on cases dispatched to them`)
      : refuse('forbidden', `${command.action} is not allowed for role ${actor.role}`);
  }
  if (command.at < lastInstant(c.clock)) return refuse('clock_skew', `${command.action} at ${new Date(command.at).toISOString()} is before the case's last recorded change`);
  const denied = t.guard?.(c, command, actor);
  if (denied) return refuse(denied.code, denied.message);

  const to: WorkflowStatus = t.to === 'same' ? c.status : t.to === 'prior' ? c.priorStatus! : t.to;
  const changes = t.apply?.(c, command, actor) ?? {};
  const next: CaseState = { ...c, ...changes, status: to, version: c.version + 1, clock: nextClock(c, t.clock, command.at) };
  const events: CaseEvent[] = [];
  const { action, at, ...data } = command;
  events.push({ type: 'transitioned', caseId: c.id, action, from: c.status, to, version: next.version, at, by: actor.id, data });
  if (t.clock.op !== 'keep') events.push({ type: 'clock', caseId: c.id, op: t.clock.op, stage: next.clock?.stage ?? null, at });
  if (to !== c.status) {
    // suspend_approve consumes the suspension request: it did not lapse, it was granted.
    if (next.pendingSuspension && action !== 'suspend_approve') events.push({ type: 'request_lapsed', caseId: c.id, request: 'suspension', at });
    if (next.pendingExtension) events.push({ type: 'request_lapsed', caseId: c.id, request: 'extension', at });
    next.pendingSuspension = null;
    next.pendingExtension = null;
  }
  return { ok: true, next, events };
}

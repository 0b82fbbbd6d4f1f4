import type { WorkflowActor } from './actors';
import type { CommandAction } from './commands';
import type { CaseState } from './state';
import { TERMINAL_STATUSES } from './statuses';
import { TRANSITIONS } from './transitions';

/**
 * The actions `actor` may fire on the case as it now is: the table's status and
 * role rules and its guards (a pending request to decide, none already waiting).
 * What a screen offers as buttons; `decide` stays the judge (payload, clock).
 */
export function availableActions(c: CaseState, actor: WorkflowActor): CommandAction[] {
  if (TERMINAL_STATUSES.has(c.status)) return [];
  const actions = Object.keys(TRANSITIONS) as CommandAction[];
  return actions.filter((action) => {
    const t = TRANSITIONS[action];
    if (!t.from.includes(c.status) || !t.allowed(actor, c)) return false;
    // Guards only read the fields a probe carries: `into` is never the case itself.
    const probe = { action, at: 0, into: -1, reason: '', note: '' };
    return !(t.guard as ((c: CaseState, command: unknown, actor: WorkflowActor) => unknown) | undefined)?.(c, probe, actor);
  });
}

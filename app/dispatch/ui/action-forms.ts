import type { CommandAction } from '../../../server/protocol/dispatch';
import type { DialogField } from './ActionDialog';

/**
 * What each command asks for before it is sent (server/domain/workflow/commands.ts):
 * null → one click, nothing to ask; otherwise the dialog's fields. The order is the
 * order of the buttons: the loop's next step first, the side roads after.
 */
export const ACTION_ORDER: readonly CommandAction[] = [
  'register',
  'dispatch',
  'accept',
  'handle',
  'close',
  'rework',
  'merge',
  'reject',
  'return',
  'resume',
  'suspend_approve',
  'suspend_refuse',
  'extension_approve',
  'extension_refuse',
  'suspend_request',
  'extension_request',
];

/** Actions drawn as the primary (filled) button. */
export const PRIMARY_ACTIONS = new Set<CommandAction>(['register', 'dispatch', 'accept', 'close', 'resume']);
/** Actions that end or turn back a case: drawn in the warning colour. */
export const CAUTION_ACTIONS = new Set<CommandAction>(['reject', 'return', 'rework', 'suspend_refuse', 'extension_refuse']);

export function dialogFields(action: CommandAction, context: { mergeInto: number | null; department: string | null }): DialogField[] | null {
  switch (action) {
    case 'register':
    case 'accept':
    case 'close':
    case 'resume':
    case 'suspend_approve':
    case 'extension_approve':
      return null;
    case 'reject':
    case 'return':
    case 'rework':
    case 'suspend_request':
    case 'suspend_refuse':
    case 'extension_refuse':
      return [{ kind: 'reason' }];
    case 'handle':
      return [{ kind: 'note', required: true }];
    case 'merge':
      return [{ kind: 'into', initial: context.mergeInto }, { kind: 'note', required: false }];
    case 'extension_request':
      return [{ kind: 'reason' }, { kind: 'extend' }];
    case 'dispatch':
      return [{ kind: 'department', initial: context.department }, { kind: 'note', required: false }];
  }
}

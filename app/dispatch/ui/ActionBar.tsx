'use client';

import type { CommandAction } from '../../../server/protocol/dispatch';
import { useDT } from '../strings';
import { ACTION_ORDER, CAUTION_ACTIONS, PRIMARY_ACTIONS } from './action-forms';
import { ACTION_KEYS } from './shortcuts';

/** One button per transition the server says this user may fire now (`lifecycle.actions`), with its shortcut key. */
export default function ActionBar({ actions, busy, onFire }: { actions: readonly CommandAction[]; busy: string | null; onFire: (action: CommandAction) => void }) {
  const dt = useDT();
  const ordered = ACTION_ORDER.filter((a) => actions.includes(a));
  return (
    <div className="action-bar" role="group" aria-label={dt.d('actions')}>
      {ordered.length === 0 ? <p className="muted">{dt.d('noActions')}</p> : null}
      {ordered.map((action) => {
        const key = ACTION_KEYS[action];
        const kind = PRIMARY_ACTIONS.has(action) ? 'btn-primary' : CAUTION_ACTIONS.has(action) ? 'btn-caution' : '';
        return (
          <button
            key={action}
            type="button"
            className={`btn ${kind}`}
            data-testid={`action-${action}`}
            disabled={busy !== null}
            aria-busy={busy === action}
            aria-keyshortcuts={key}
            onClick={() => onFire(action)}
          >
            {busy === action ? dt.d('working') : dt.action(action)}
            {key ? <kbd aria-hidden="true">{key}</kbd> : null}
          </button>
        );
      })}
    </div>
  );
}

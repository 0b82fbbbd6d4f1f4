'use client';

import type { Conflict, Refusal } from '../state/use-commands';
import { useT } from '../../lib/i18n';
import { useDT, type DispatchKey } from '../strings';

const REFUSALS: Record<string, DispatchKey> = {
  TRANSITION_REFUSED: 'refused_transition',
  FORBIDDEN: 'refused_forbidden',
  INVALID_REFERENCE: 'refused_reference',
  BAD_COMMAND: 'refused_bad',
  NOT_FOUND: 'refused_gone',
  COMMAND_ID_REUSED: 'refused_bad',
};

/**
 * What happened to the last command when it did not go through: a version conflict
 * names who did what (and the case has been reloaded); a refusal says why.
 */
export default function Notices({ conflict, refusal, onDismiss }: { conflict: Conflict | null; refusal: Refusal | null; onDismiss: () => void }) {
  const tr = useT();
  const dt = useDT();
  if (conflict) {
    return (
      <div className="notice is-conflict" role="alert" data-testid="conflict">
        <div>
          <p className="notice-title">{dt.d('conflictTitle')}</p>
          <p>
            {dt.d('conflictBody', {
              who: conflict.who ?? dt.d('someone'),
              at: conflict.at ? tr.time(conflict.at) : '—',
              action: dt.action(conflict.action),
              version: conflict.version ?? '—',
            })}
          </p>
        </div>
        <button type="button" className="btn btn-quiet" onClick={onDismiss}>
          {dt.d('dismiss')}
        </button>
      </div>
    );
  }
  if (refusal) {
    const key = REFUSALS[refusal.code] ?? 'refused_other';
    return (
      <div className="notice is-error" role="alert" data-testid="refusal" data-code={refusal.code}>
        <div>
          <p className="notice-title">{dt.d('errorTitle')}</p>
          <p>{dt.d(key)}</p>
          <p className="notice-detail">{refusal.message}</p>
        </div>
        <button type="button" className="btn btn-quiet" onClick={onDismiss}>
          {dt.d('dismiss')}
        </button>
      </div>
    );
  }
  return null;
}

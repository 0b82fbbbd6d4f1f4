'use client';

import { useT } from '../../lib/i18n';
import { useLive } from '../../lib/live-store';

/** The server ended this page's credential: say why, briefly, before the login page (any live surface). */
export default function SignedOutNotice() {
  const tr = useT();
  const reason = useLive((s) => s.signedOut);
  if (reason === null) return null;
  return (
    <div className="signed-out-overlay" role="alert" data-testid="signed-out">
      <p className="signed-out-title">{tr.t('signedOutTitle')}</p>
      <p>{tr.signedOutReason(reason)}</p>
      <p className="signed-out-hint">{tr.t('signedOutHint')}</p>
    </div>
  );
}

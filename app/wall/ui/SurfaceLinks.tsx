'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useMemo } from 'react';
import { useDeskT } from '../../alerts/i18n';
import { DESK_ROLES, hasRole } from '../../dispatch/roles';
import { deskAccess, myPendingAreas } from '../../lib/alert-ack';
import { useT } from '../../lib/i18n';
import { useWall } from '../../lib/store';
import './surface-links.css';

/**
 * Links between the wall and the desks: for the duty roles (admin, duty officer) the
 * alert desk with the number of alerts waiting for this person's acknowledgement; for
 * the dispatch roles (admin, duty officer, dispatcher) the dispatch desk (/dispatch,
 * which links back); on the alert desk, the way back to the wall (for its readers
 * too). Wall displays and other roles see nothing here.
 */
export default function SurfaceLinks() {
  const desk = useDeskT();
  const tr = useT();
  const me = useWall((s) => s.me);
  const alerts = useWall((s) => s.alerts);
  const pathname = usePathname();
  const waiting = useMemo(() => {
    let n = 0;
    for (const alert of alerts.values()) if (myPendingAreas(alert, me).length > 0) n++;
    return n;
  }, [alerts, me]);
  const access = deskAccess(me);
  if (pathname?.startsWith('/alerts')) {
    if (access === 'none') return null;
    return (
      <nav className="surface-links" aria-label={desk.t('wallLink')}>
        <Link href="/wall" prefetch={false} className="surface-link" data-testid="link-wall">
          {desk.t('wallLink')}
        </Link>
      </nav>
    );
  }
  const dispatch = me?.kind === 'user' && hasRole(DESK_ROLES, me.role);
  if (access !== 'act' && !dispatch) return null;
  return (
    <nav className="surface-links" aria-label={tr.t('surfaces')}>
      {dispatch ? (
        <Link href="/dispatch" prefetch={false} className="surface-link surface-link-dispatch" data-testid="link-dispatch">
          {tr.t('toDispatch')}
        </Link>
      ) : null}
      {access === 'act' ? (
        <Link href="/alerts" prefetch={false} className="surface-link" data-testid="link-alerts" data-waiting={waiting}>
          {desk.t('deskLink')}
          {waiting > 0 ? (
            <span className="surface-link-badge" aria-label={desk.t('pendingBadge', { n: waiting })}>
              {waiting}
            </span>
          ) : null}
        </Link>
      ) : null}
    </nav>
  );
}

'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useMemo } from 'react';
import { useDeskT } from '../../alerts/i18n';
import { deskAccess, myPendingAreas } from '../../lib/alert-ack';
import { useWall } from '../../lib/store';
import './surface-links.css';

/**
 * Links between the wall and the alert desk for the duty roles (admin, duty officer):
 * on the wall, the desk with the number of alerts waiting for this person's
 * acknowledgement; on the desk, the way back to the wall (for its readers too). Wall
 * displays and other roles see nothing here.
 */
export default function SurfaceLinks() {
  const desk = useDeskT();
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
  if (access !== 'act') return null;
  return (
    <nav className="surface-links" aria-label={desk.t('deskLink')}>
      <Link href="/alerts" prefetch={false} className="surface-link" data-testid="link-alerts" data-waiting={waiting}>
        {desk.t('deskLink')}
        {waiting > 0 ? (
          <span className="surface-link-badge" aria-label={desk.t('pendingBadge', { n: waiting })}>
            {waiting}
          </span>
        ) : null}
      </Link>
    </nav>
  );
}

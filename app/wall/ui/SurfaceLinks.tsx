'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useContext, useMemo, useSyncExternalStore } from 'react';
import { useDeskT } from '../../alerts/i18n';
import { deskAccess, myPendingAreas } from '../../lib/alert-ack';
import { useLive } from '../../lib/live-store';
import { WallStoreContext, type WallState, type WallStore } from '../../lib/store';
import './surface-links.css';

/**
 * Links between the wall and the alert desk for the duty roles (admin, duty officer):
 * on the wall, the desk with the number of alerts waiting for this person's
 * acknowledgement; on the desk, the way back to the wall (for its readers too). Wall
 * displays and other roles see nothing here.
 */
export default function SurfaceLinks() {
  const desk = useDeskT();
  const me = useLive((s) => s.me);
  // Surfaces without the wall's store (the dispatch console) have no alerts to count.
  const wall = useContext(WallStoreContext);
  const alerts = useOptionalAlerts(wall);
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
        <span className="surface-link-long">{desk.t('deskLink')}</span>
        <span className="surface-link-short">{desk.t('deskLinkShort')}</span>
        {waiting > 0 ? (
          <span className="surface-link-badge" aria-label={desk.t('pendingBadge', { n: waiting })}>
            {waiting}
          </span>
        ) : null}
      </Link>
    </nav>
  );
}

const NO_ALERTS: WallState['alerts'] = new Map();
const noSubscribe = () => () => undefined;

/** The wall store's alerts, or none where the surface has no wall store. */
function useOptionalAlerts(wall: WallStore | null): WallState['alerts'] {
  const read = () => wall?.getState().alerts ?? NO_ALERTS;
  return useSyncExternalStore(wall?.subscribe ?? noSubscribe, read, read);
}

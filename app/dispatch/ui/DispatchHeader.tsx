'use client';

import { useLangToggle, useT } from '../../lib/i18n';
import { Clock, ConnectionStatus, WhoIsSignedIn } from '../../wall/ui/Header';
import { useDT } from '../strings';

/** Title, the way back to the wall, the shared connection pill, clock, who is signed in and 中/EN. */
export default function DispatchHeader() {
  const tr = useT();
  const dt = useDT();
  const toggle = useLangToggle();
  return (
    <header className="dispatch-header">
      <div className="dispatch-title">
        <h1>
          {tr.t('title')} <span className="dispatch-title-sub">· {dt.d('pageTitle')}</span>
        </h1>
        <nav aria-label={dt.d('toWallLabel')}>
          <a className="nav-link" href="/wall" data-testid="link-wall" title={dt.d('toWallLabel')}>
            {dt.d('toWall')}
          </a>
        </nav>
      </div>
      <div className="dispatch-header-right">
        <ConnectionStatus />
        <Clock />
        <WhoIsSignedIn />
        <button type="button" className="lang-toggle" onClick={toggle} aria-label={tr.t('switchTo')} title={tr.t('switchLabel')}>
          {tr.t('switchTo')}
        </button>
      </div>
    </header>
  );
}

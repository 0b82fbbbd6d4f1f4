'use client';

import { useEffect, useState } from 'react';
import { useLangToggle, useT } from '../../lib/i18n';
import { useLive } from '../../lib/live-store';
import { DESK_ROLES, hasRole } from '../../dispatch/roles';
import { useSignOut } from '../sign-out';
import SurfaceLinks from './SurfaceLinks';

/**
 * Title, the area on the wall, connection pill with last-update time, clock, links to
 * the other surfaces the signed-in role works on, who is signed in and the 中/EN switch.
 * The pieces read the connection fields of any live store (useLive), so other surfaces
 * reuse them, with their own subtitle.
 */
export default function Header({ subtitle }: { subtitle?: string } = {}) {
  const tr = useT();
  const config = useLive((s) => s.config);
  const toggle = useLangToggle();
  const city = config ? tr.areaName(config.cityName, config.cityNameEn) : '';

  return (
    <header className="wall-header" data-map-inset>
      <div className="wall-title">
        <h1>{tr.t('title')}</h1>
        {city && city !== '—' ? <span className="wall-city">{city}</span> : null}
        <span className="wall-subtitle">{subtitle ?? tr.t('subtitle')}</span>
        <DeskLink />
      </div>
      <div className="wall-header-right">
        <SurfaceLinks />
        <ConnectionStatus />
        <Clock />
        <WhoIsSignedIn />
        <button
          type="button"
          className="lang-toggle"
          onClick={toggle}
          aria-label={tr.t('switchTo')}
          title={tr.t('switchLabel')}
        >
          {tr.t('switchTo')}
        </button>
      </div>
    </header>
  );
}

/** The desk roles' way to the dispatch console (and back: the console links here). */
function DeskLink() {
  const tr = useT();
  const me = useLive((s) => s.me);
  if (!me || me.kind !== 'user' || !hasRole(DESK_ROLES, me.role)) return null;
  return (
    <a className="nav-link" href="/dispatch" data-testid="link-dispatch">
      {tr.t('toDispatch')}
    </a>
  );
}

export function ConnectionStatus() {
  const tr = useT();
  const status = useLive((s) => s.status);
  const lastUpdateAt = useLive((s) => s.lastUpdateAt);
  return (
    <div className="status-block">
      <span className="status-pill" data-testid="connection-status" data-state={status} role="status">
        <span className="status-dot" aria-hidden="true" />
        {tr.t(`status_${status}`)}
      </span>
      <span className="last-update" data-testid="last-update">
        {tr.t('lastUpdate')} {lastUpdateAt ? tr.time(lastUpdateAt) : tr.t('never')}
      </span>
    </div>
  );
}

export function Clock() {
  const tr = useT();
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, 1000);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, []);
  return (
    <time className="wall-clock" suppressHydrationWarning>
      {now ? `${tr.date(now)} ${tr.time(now)}` : ''}
    </time>
  );
}

/** The signed-in user (name, role, area) with a sign-out button; a wall display shows its name only. */
export function WhoIsSignedIn() {
  const tr = useT();
  const me = useLive((s) => s.me);
  const signOutState = useLive((s) => s.signOut);
  const signOut = useSignOut();
  if (!me) return null;
  const area = me.area ? tr.areaName(me.area.name, me.area.nameEn) : '';
  const label = `${tr.t('signedInAs')}: ${me.name} · ${tr.role(me.role)}${area ? ` · ${area}` : ''}`;
  return (
    <div className="who" data-testid="who" data-kind={me.kind} aria-label={label} title={label} role="group">
      <span className="who-text">
        <span className="who-name">{me.name}</span>
        <span className="who-meta">
          {tr.role(me.role)}
          {area ? ` · ${area}` : ''}
        </span>
      </span>
      {me.kind === 'user' ? (
        <button
          type="button"
          className="sign-out"
          onClick={signOut}
          disabled={signOutState === 'pending'}
          aria-busy={signOutState === 'pending'}
          title={signOutState === 'failed' ? tr.t('signOutFailed') : tr.t('signOut')}
        >
          {signOutState === 'pending' ? tr.t('signingOut') : signOutState === 'failed' ? tr.t('signOutFailed') : tr.t('signOut')}
        </button>
      ) : null}
    </div>
  );
}

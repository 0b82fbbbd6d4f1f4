'use client';

import { useDocumentLang, useLangToggle, useT } from '../lib/i18n';
import { useWall, useWallStore, WallStoreContext } from '../lib/store';
import { LiveStoreContext } from '../lib/live-store';
import { SignOutContext } from '../wall/sign-out';
import { ConnectionStatus, WhoIsSignedIn } from '../wall/ui/Header';
import LeaderView from './LeaderView';
import { useLeaderT } from './strings';
import { useLiveClient } from './use-live-client';
import './leader.css';

/** Roles that may read the evaluation indicators (server/auth/permissions.ts `indicators.read`). */
const LEADER_ROLES = new Set(['admin', 'leader', 'duty_officer', 'dispatcher']);

/**
 * /leader: one live client (the wall's socket controller and store) under the
 * leader's header; the view itself once we know who is signed in, or a plain
 * "not for your role" page for a grid worker or a wall display.
 */
export default function LeaderShell() {
  const { store, signOut } = useLiveClient();
  return (
    <LiveStoreContext value={store}>
      <WallStoreContext value={store}>
        <SignOutContext value={signOut}>
          <Leader />
        </SignOutContext>
      </WallStoreContext>
    </LiveStoreContext>
  );
}

function Leader() {
  useDocumentLang();
  const tr = useLeaderT();
  const me = useWall((s) => s.me);
  const config = useWall((s) => s.config);
  const failed = useWall((s) => s.loadFailed);
  const store = useWallStore();
  return (
    <div className="leader" data-testid="leader">
      <LeaderHeader />
      {me === null ? (
        <p className="leader-status" role="status" data-testid="loading">
          {failed ? tr.s('loadFailed') : tr.s('loading')}
        </p>
      ) : LEADER_ROLES.has(me.role) ? (
        <LeaderView store={store} me={me} config={config} />
      ) : (
        <NotForRole />
      )}
    </div>
  );
}

function LeaderHeader() {
  const tr = useLeaderT();
  const base = useT();
  const toggle = useLangToggle();
  return (
    <header className="leader-header">
      <div className="leader-title">
        <h1>{tr.s('title')}</h1>
        <span className="leader-subtitle">{base.t('title')}</span>
      </div>
      <div className="leader-header-right">
        <ConnectionStatus />
        <button type="button" className="lang-toggle" onClick={toggle} aria-label={base.t('switchTo')} title={base.t('switchLabel')}>
          {base.t('switchTo')}
        </button>
        <WhoIsSignedIn />
      </div>
    </header>
  );
}

function NotForRole() {
  const tr = useLeaderT();
  return (
    <main className="leader-not-for-role" data-testid="not-for-role">
      <h2>{tr.s('notForRole')}</h2>
      <p>{tr.s('notForRoleHint')}</p>
      <a className="leader-button" href="/wall">
        {tr.s('backToWall')}
      </a>
    </main>
  );
}

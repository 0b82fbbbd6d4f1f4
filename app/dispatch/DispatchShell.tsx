'use client';

import { useCallback, useState } from 'react';
import { useDocumentLang } from '../lib/i18n';
import { LiveStoreContext } from '../lib/live-store';
import { useLiveController } from '../lib/use-live-controller';
import { SignOutContext } from '../wall/sign-out';
import SignedOutNotice from '../wall/ui/SignedOutNotice';
import './dispatch.css';
import { DispatchStore, DispatchStoreContext, useDispatch, useDispatchStore } from './state/dispatch-store';
import CaseView from './ui/CaseView';
import DispatchHeader from './ui/DispatchHeader';
import { useConsoleKeys } from './ui/keyboard';
import NotForRole from './ui/NotForRole';
import QueuePanel from './ui/QueuePanel';
import { ShortcutBus, ShortcutContext } from './ui/shortcuts';
import ShortcutBar from './ui/ShortcutBar';

/**
 * The dispatch console: one DispatchStore fed by the shared socket controller
 * (cases only: incidents and appeals of the jurisdiction), the queue on the left,
 * the open case on the right. Nothing here reloads the page, ever.
 *
 * Stable hooks for end-to-end tests (tests/e2e/dispatch.spec.ts uses them):
 * `tab-<register|dispatch|handling|verify|overdue>` (aria-selected), `count-<tab>`,
 * `queue-list`, `queue-row-<caseId>` (data-status, data-version, aria-selected),
 * `case-view` (data-case-id, data-status, data-version), `case-status`,
 * `action-<action>` (one per allowed transition), `action-dialog` + `dialog-submit`,
 * `suggestions` with `assign-<territorial|byDepartment|nearest>-<responderId>`,
 * `conflict` (409: who did what), `refusal` (data-code), `contact-phone`,
 * `reveal-contact` + `reveal-dialog`, `timeline`, `photos`, `duplicates` with
 * `merge-into-<id>` / `merge-here-<id>`, `case-map` (its .leaflet-container has
 * data-grid, data-outlines, data-responders = ids drawn), `link-wall`,
 * `not-for-role`, `connection-status` (data-state).
 */
export default function DispatchShell() {
  const [store] = useState(() => new DispatchStore());
  const [bus] = useState(() => new ShortcutBus());
  const { signOut } = useLiveController(store, { layers: ['incidents', 'appeals'] });

  return (
    <LiveStoreContext value={store}>
      <DispatchStoreContext value={store}>
        <ShortcutContext value={bus}>
          <SignOutContext value={signOut}>
            <Console />
          </SignOutContext>
        </ShortcutContext>
      </DispatchStoreContext>
    </LiveStoreContext>
  );
}

function Console() {
  useDocumentLang();
  const store = useDispatchStore();
  const me = useDispatch((s) => s.me);
  const admitted = me !== null && store.admits(me);
  const [help, setHelp] = useState(false);
  const toggleHelp = useCallback(() => setHelp((v) => !v), []);
  useConsoleKeys(admitted, toggleHelp);

  if (me && !admitted) return <NotForRole me={me} />;
  return (
    <div className="dispatch">
      <DispatchHeader />
      <main className="dispatch-main">
        <QueuePanel />
        <CaseView />
      </main>
      <ShortcutBar help={help} onToggleHelp={toggleHelp} />
      <SignedOutNotice />
    </div>
  );
}

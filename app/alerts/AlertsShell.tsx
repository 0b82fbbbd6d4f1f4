'use client';

import dynamic from 'next/dynamic';
import { useCallback, useMemo, useState } from 'react';
import type { AlertPreview } from '../../server/protocol/rest';
import { deskAccess } from '../lib/alert-ack';
import { FocusBus, FocusContext } from '../lib/focus';
import { useDocumentLang } from '../lib/i18n';
import { LiveStoreContext } from '../lib/live-store';
import { useLiveController } from '../lib/use-live-controller';
import { useWall, WallStore, WallStoreContext } from '../lib/store';
import { SignOutContext } from '../wall/sign-out';
import { LoadingOverlay } from '../wall/WallShell';
import SignedOutNotice from '../wall/ui/SignedOutNotice';
import Header from '../wall/ui/Header';
import { DraftContext, EMPTY_DRAFT, type Draft, type DraftApi, type DraftShape, type DrawTool } from './draft';
import { useDeskT } from './i18n';
import AlertList from './ui/AlertList';
import DrawPanel from './ui/DrawPanel';
import NotForRole from './ui/NotForRole';
import './desk.css';

/** Leaflet (and Geoman) touch window at import time: the map is client-only. */
const DeskMap = dynamic(() => import('./map/DeskMap'), { ssr: false });

/**
 * The duty officer's alert desk: the shared store fed by the shared socket
 * controller (alerts layer only), the live list of alerts on the left, the map with
 * the drawing tool in the middle, the draw-and-send panel on the right (for the roles
 * that may issue alerts). Leaders and dispatchers read; other roles are told the
 * page is not for them (the controller keeps running: it reads only what their map
 * may show anyway, and signing out goes through it).
 */
export default function AlertsShell() {
  const [store] = useState(() => new WallStore(null, ['alerts']));
  const [bus] = useState(() => new FocusBus());
  const { signOut } = useLiveController(store, { layers: ['alerts'] });

  return (
    <LiveStoreContext value={store}>
      <WallStoreContext value={store}>
        <FocusContext value={bus}>
          <SignOutContext value={signOut}>
            <Desk />
          </SignOutContext>
        </FocusContext>
      </WallStoreContext>
    </LiveStoreContext>
  );
}

function Desk() {
  useDocumentLang();
  const desk = useDeskT();
  const me = useWall((s) => s.me);
  const config = useWall((s) => s.config);
  const access = deskAccess(me);
  const draftApi = useDraftState();

  if (me && access === 'none') return <NotForRole />;
  return (
    <DraftContext value={draftApi}>
      <div className="desk" data-access={access}>
        <Header subtitle={desk.t('deskSubtitle')} />
        <main className="desk-body">
          <AlertList access={access} />
          <div className="desk-map" data-testid="desk-map">
            <div className="map-area" data-testid="map">
              {config ? <DeskMap config={config} canDraw={access === 'act'} /> : null}
            </div>
          </div>
          {access === 'act' ? <DrawPanel /> : null}
        </main>
        <LoadingOverlay />
        <SignedOutNotice />
      </div>
    </DraftContext>
  );
}

function useDraftState(): DraftApi {
  const [draft, setDraft] = useState<Draft>(EMPTY_DRAFT);
  const setTool = useCallback((tool: DrawTool | null) => setDraft((d) => ({ ...d, tool })), []);
  const setShape = useCallback((shape: DraftShape | null) => setDraft((d) => ({ ...d, shape, preview: null })), []);
  const setPreview = useCallback((preview: AlertPreview | null) => setDraft((d) => ({ ...d, preview })), []);
  const clear = useCallback(() => setDraft((d) => ({ ...EMPTY_DRAFT, clearCount: d.clearCount + 1 })), []);
  return useMemo(() => ({ draft, setTool, setShape, setPreview, clear }), [draft, setTool, setShape, setPreview, clear]);
}

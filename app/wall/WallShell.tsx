'use client';

import dynamic from 'next/dynamic';
import { useState } from 'react';
import { FocusBus, FocusContext } from '../lib/focus';
import { useDocumentLang, useT } from '../lib/i18n';
import { LiveStoreContext } from '../lib/live-store';
import { useWall, WallStore, WallStoreContext } from '../lib/store';
import { useLiveController } from '../lib/use-live-controller';
import AlertTicker from './extras/AlertTicker';
import KpiStrip from './extras/KpiStrip';
import TourChip from './extras/TourChip';
import WallExtras from './extras/WallExtras';
import { layerPrefs } from './layer-prefs';
import { SignOutContext } from './sign-out';
import Counters from './ui/Counters';
import EventList from './ui/EventList';
import Header from './ui/Header';
import LayerPanel from './ui/LayerPanel';
import SignedOutNotice from './ui/SignedOutNotice';

/** Leaflet touches window at import time: the map root is client-only. */
const WallMap = dynamic(() => import('./map/WallMap'), { ssr: false });

/**
 * The wall: one store, one socket controller feeding it, the map underneath and
 * plain-React panels on top.
 */
export default function WallShell() {
  const [store] = useState(() => new WallStore());
  const [bus] = useState(() => new FocusBus());
  const { signOut } = useLiveController(store, {});

  return (
    <LiveStoreContext value={store}>
      <WallStoreContext value={store}>
        <FocusContext value={bus}>
          <SignOutContext value={signOut}>
            <WallExtras>
              <Wall />
            </WallExtras>
          </SignOutContext>
        </FocusContext>
      </WallStoreContext>
    </LiveStoreContext>
  );
}


function Wall() {
  useDocumentLang();
  const config = useWall((s) => s.config);
  const layers = layerPrefs.use();
  return (
    <div className="wall">
      <div className="map-area" data-testid="map">
        {config ? <WallMap config={config} layers={layers} /> : null}
      </div>
      <Header />
      <KpiStrip />
      <TourChip />
      <AlertTicker />
      <div className="side-column" data-map-inset>
        <Counters />
        <EventList />
      </div>
      <LayerPanel />
      <LoadingOverlay />
      <SignedOutNotice />
    </div>
  );
}

export function LoadingOverlay() {
  const tr = useT();
  const loaded = useWall((s) => s.loaded);
  const failed = useWall((s) => s.loadFailed);
  if (loaded) return null;
  return (
    <div className="loading-overlay" role="status" aria-live="polite" data-testid="loading">
      <span className="spinner" aria-hidden="true" />
      <span>{failed ? tr.t('loadFailed') : tr.t('loading')}</span>
    </div>
  );
}

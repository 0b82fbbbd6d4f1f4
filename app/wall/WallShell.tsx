'use client';

import dynamic from 'next/dynamic';
import { useEffect, useState } from 'react';
import { FocusBus, FocusContext } from '../lib/focus';
import { useDocumentLang, useT } from '../lib/i18n';
import { SocketController } from '../lib/socket-controller';
import { useWall, WallStore, WallStoreContext } from '../lib/store';
import { layerPrefs } from './layer-prefs';
import Counters from './ui/Counters';
import EventList from './ui/EventList';
import Header from './ui/Header';
import LayerPanel from './ui/LayerPanel';

/** Leaflet touches window at import time: the map root is client-only. */
const WallMap = dynamic(() => import('./map/WallMap'), { ssr: false });

/**
 * The wall: one store, one socket controller feeding it, the map underneath and
 * plain-React panels on top.
 */
export default function WallShell() {
  const [store] = useState(() => new WallStore());
  const [bus] = useState(() => new FocusBus());

  useEffect(() => {
    const controller = new SocketController(store);
    controller.start();
    return () => controller.stop();
  }, [store]);

  return (
    <WallStoreContext value={store}>
      <FocusContext value={bus}>
        <Wall />
      </FocusContext>
    </WallStoreContext>
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
      <div className="side-column" data-map-inset>
        <Counters />
        <EventList />
      </div>
      <LayerPanel />
      <LoadingOverlay />
    </div>
  );
}

function LoadingOverlay() {
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

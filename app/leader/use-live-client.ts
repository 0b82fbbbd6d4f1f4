'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { SocketController } from '../lib/socket-controller';
import { WallStore } from '../lib/store';

/**
 * The shared live client (one SocketController feeding one store), as the leader
 * view mounts it: the store gives who is signed in, the config, the connection pill,
 * and the case events that make the indicators re-fetch (app/lib/live-query.ts).
 */
export function useLiveClient(): { store: WallStore; signOut: () => void } {
  const [store] = useState(() => new WallStore(null, ['incidents', 'appeals']));
  const controllerRef = useRef<SocketController | null>(null);
  useEffect(() => {
    const controller = new SocketController(store, { layers: ['incidents', 'appeals'] });
    controllerRef.current = controller;
    controller.start();
    return () => {
      controller.stop();
      if (controllerRef.current === controller) controllerRef.current = null;
    };
  }, [store]);
  const signOut = useCallback(() => void controllerRef.current?.signOut(), []);
  return { store, signOut };
}

'use client';

import { useState } from 'react';
import { useLiveController } from '../lib/use-live-controller';
import { WallStore } from '../lib/store';
import type { Layer } from '../../server/protocol/vocab';

/** Incidents (their events refresh the indicators) and hotspots (the map's layer): never individual appeals. */
const LEADER_LAYERS: readonly Layer[] = ['incidents', 'hotspots'];

/**
 * The shared live client (one SocketController feeding one store), as the leader
 * view mounts it: the store gives who is signed in, the config, the connection pill,
 * the case events that make the indicators re-fetch (app/lib/live-query.ts), and the
 * appeal hotspots its map draws.
 */
export function useLiveClient(): { store: WallStore; signOut: () => void } {
  const [store] = useState(() => new WallStore(null, LEADER_LAYERS));
  const { signOut } = useLiveController(store, { layers: [...LEADER_LAYERS] });
  return { store, signOut };
}

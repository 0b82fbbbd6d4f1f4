'use client';

import { useCallback, useEffect, useRef } from 'react';
import type { LiveSink } from './live-store';
import { SocketController, type ControllerOptions } from './socket-controller';

/**
 * The one live client of a page: a SocketController feeding `store`, started on
 * mount and stopped on unmount, and the sign-out every surface's header calls (it
 * goes through the controller, which closes the socket first). Every surface (wall,
 * alert desk, dispatch console, leader view, report app) mounts it this way.
 *
 * `options` and `attach` are read once, at mount: a surface's layers do not change.
 * `attach` runs before the controller starts (the report app connects its position
 * sharing) and may return its cleanup, run before the controller stops.
 */
export function useLiveController(
  store: LiveSink,
  options: ControllerOptions,
  attach?: (controller: SocketController) => (() => void) | void,
): { signOut: () => void } {
  const setup = useRef({ options, attach });
  const controllerRef = useRef<SocketController | null>(null);

  useEffect(() => {
    const { options, attach } = setup.current;
    const controller = new SocketController(store, options);
    controllerRef.current = controller;
    const detach = attach?.(controller);
    controller.start();
    return () => {
      detach?.();
      controller.stop();
      if (controllerRef.current === controller) controllerRef.current = null;
    };
  }, [store]);

  const signOut = useCallback(() => void controllerRef.current?.signOut(), []);
  return { signOut };
}

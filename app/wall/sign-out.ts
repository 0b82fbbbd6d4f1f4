'use client';

import { createContext, useContext } from 'react';

/** Signing out goes through the socket controller (it closes the socket itself); WallShell provides it. */
export const SignOutContext = createContext<() => void>(() => {});

export function useSignOut(): () => void {
  return useContext(SignOutContext);
}

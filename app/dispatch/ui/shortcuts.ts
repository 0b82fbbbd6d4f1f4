'use client';

import { createContext, useContext, useEffect } from 'react';

/**
 * Keyboard shortcuts of the console: the page listens to the keyboard once
 * (DispatchConsole) and names what was asked; the part that can do it listens
 * here. A request is a moment, not a state, hence an event target.
 */
export type Shortcut = 'register' | 'assign' | 'dispatch' | 'reject' | 'close' | 'rework' | 'merge';

/** Key → shortcut, as shown in the UI (lower case; Shift is not needed). */
export const SHORTCUT_KEYS: Record<string, Shortcut> = {
  r: 'register',
  a: 'assign',
  d: 'dispatch',
  x: 'reject',
  c: 'close',
  w: 'rework',
  m: 'merge',
};

/** The key shown on the button of an action that has a shortcut. */
export const ACTION_KEYS: Partial<Record<string, string>> = {
  register: 'R',
  dispatch: 'D',
  reject: 'X',
  close: 'C',
  rework: 'W',
  merge: 'M',
};

export class ShortcutBus {
  private readonly target = new EventTarget();

  fire(shortcut: Shortcut): void {
    this.target.dispatchEvent(new CustomEvent<Shortcut>('shortcut', { detail: shortcut }));
  }

  listen(handler: (shortcut: Shortcut) => void): () => void {
    const listener = (event: Event) => handler((event as CustomEvent<Shortcut>).detail);
    this.target.addEventListener('shortcut', listener);
    return () => this.target.removeEventListener('shortcut', listener);
  }
}

export const ShortcutContext = createContext<ShortcutBus>(new ShortcutBus());

/** Runs `handler` on each shortcut while mounted; the handler should be stable or cheap to re-register. */
export function useShortcuts(handler: (shortcut: Shortcut) => void): void {
  const bus = useContext(ShortcutContext);
  useEffect(() => bus.listen(handler), [bus, handler]);
}

export function useShortcutBus(): ShortcutBus {
  return useContext(ShortcutContext);
}

'use client';

import { useEffect } from 'react';
import { QUEUE_TABS } from '../state/queue';
import { useDispatchStore } from '../state/dispatch-store';
import { SHORTCUT_KEYS, useShortcutBus } from './shortcuts';

/**
 * The console's keyboard, listened to once for the page:
 * ↑/↓ (or K/J) move through the queue, Enter opens the selected case, Esc closes
 * it, 1–5 switch queues, ? shows the help, and the action letters (R 立案, A 派遣首选,
 * D 派遣, X 不予立案, C 结案, W 返工, M 合并) go to the open case. Keys typed into a
 * field, with a modifier, or while a dialog is open are left alone.
 */
export function useConsoleKeys(enabled: boolean, toggleHelp: () => void): void {
  const store = useDispatchStore();
  const bus = useShortcutBus();

  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTyping(event.target) || document.querySelector('dialog[open]')) return;
      const key = event.key;
      if (key === 'ArrowDown' || key === 'j' || key === 'ArrowUp' || key === 'k') {
        const id = store.moveSelection(key === 'ArrowDown' || key === 'j' ? 1 : -1);
        if (id !== null) document.querySelector(`[data-testid="queue-row-${id}"]`)?.scrollIntoView({ block: 'nearest' });
        event.preventDefault();
        return;
      }
      if (key === 'Enter') {
        // A focused button or link keeps its own Enter.
        if (event.target instanceof HTMLElement && event.target.closest('button, a')) return;
        const id = store.getState().selectedId;
        if (id !== null) {
          store.open(id);
          event.preventDefault();
        }
        return;
      }
      if (key === 'Escape') {
        if (store.getState().openId !== null) store.open(null);
        return;
      }
      if (key === '?') {
        toggleHelp();
        return;
      }
      const tabIndex = Number(key) - 1;
      if (Number.isInteger(tabIndex) && tabIndex >= 0 && tabIndex < QUEUE_TABS.length) {
        store.setTab(QUEUE_TABS[tabIndex]!);
        return;
      }
      const shortcut = SHORTCUT_KEYS[key.toLowerCase()];
      if (shortcut && store.getState().openId !== null) {
        bus.fire(shortcut);
        event.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled, store, bus, toggleHelp]);
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

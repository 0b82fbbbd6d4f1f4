'use client';

import { useDT } from '../strings';

/** The keys of the console, always shown at the foot of the page; `?` (or the button) opens the full list. */
export default function ShortcutBar({ help, onToggleHelp }: { help: boolean; onToggleHelp: () => void }) {
  const dt = useDT();
  const short: Array<[string, string]> = [
    ['↑ ↓', dt.d('key_move')],
    ['Enter', dt.d('key_open')],
    ['1–5', dt.d('key_tabs')],
    ['R', dt.action('register')],
    ['A', dt.d('key_assign')],
    ['C', dt.action('close')],
    ['Esc', dt.d('key_close')],
  ];
  const full: Array<[string, string]> = [
    ['↑ ↓ / K J', dt.d('key_move')],
    ['Enter', dt.d('key_open')],
    ['Esc', dt.d('key_close')],
    ['1 2 3 4 5', QUEUE_NAMES.map((k) => dt.d(k)).join(' / ')],
    ['R', dt.action('register')],
    ['A', dt.d('key_assign')],
    ['D', dt.action('dispatch')],
    ['X', dt.action('reject')],
    ['C', dt.action('close')],
    ['W', dt.action('rework')],
    ['M', dt.action('merge')],
    ['?', dt.d('key_help')],
  ];
  return (
    <footer className="shortcut-bar" aria-label={dt.d('shortcuts')}>
      <ul className="shortcut-list">
        {short.map(([key, label]) => (
          <li key={key}>
            <kbd>{key}</kbd> {label}
          </li>
        ))}
      </ul>
      <button type="button" className="shortcut-help-toggle" aria-expanded={help} aria-controls="shortcut-help" onClick={onToggleHelp}>
        <kbd>?</kbd> {dt.d('shortcuts')}
      </button>
      {help ? (
        <div id="shortcut-help" className="shortcut-help" role="region" aria-label={dt.d('shortcuts')}>
          <dl>
            {full.map(([key, label]) => (
              <div key={key}>
                <dt>
                  <kbd>{key}</kbd>
                </dt>
                <dd>{label}</dd>
              </div>
            ))}
          </dl>
        </div>
      ) : null}
    </footer>
  );
}

const QUEUE_NAMES = ['tab_register', 'tab_dispatch', 'tab_handling', 'tab_verify', 'tab_overdue'] as const;

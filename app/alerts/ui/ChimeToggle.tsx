'use client';

import { chimePref, playChime, unlockChime } from '../chime';
import { useDeskT } from '../i18n';

/** The chime switch (off by default, kept per browser); turning it on plays it once, so people know the sound. */
export default function ChimeToggle() {
  const desk = useDeskT();
  const on = chimePref.use();
  const toggle = () => {
    if (on) {
      chimePref.set(false);
      return;
    }
    unlockChime();
    chimePref.set(true);
    playChime();
  };
  return (
    <button
      type="button"
      className="chime-toggle"
      aria-pressed={on}
      onClick={toggle}
      title={desk.t('chimeHint')}
      data-testid="chime-toggle"
    >
      <span className="chime-dot" aria-hidden="true" /> {desk.t(on ? 'chimeOn' : 'chimeOff')}
    </button>
  );
}

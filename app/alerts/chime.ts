'use client';

import { createPref } from '../lib/prefs';

/**
 * The optional chime of the alert desk: two short sine tones from the Web Audio API
 * (no sound file to serve). Off by default; the choice is kept per browser. Browsers
 * only let a page make sound after a user gesture, so the audio context is created
 * (or resumed) when the duty officer turns the chime on, and reused after that.
 */
export const chimePref = createPref<boolean>('hcm.alerts.chime', false, (raw) => (typeof raw === 'boolean' ? raw : null));

let context: AudioContext | null = null;

/** Call from the click that turns the chime on: unlocks audio for this page. */
export function unlockChime(): void {
  try {
    context ??= new AudioContext();
    void context.resume();
  } catch {
    // No Web Audio (a locked-down kiosk profile): the desk stays silent, nothing else changes.
    context = null;
  }
}

/** Plays the chime if it is on; returns whether a sound was scheduled. */
export function playChime(): boolean {
  if (!chimePref.get()) return false;
  try {
    context ??= new AudioContext();
    if (context.state === 'suspended') void context.resume();
    const start = context.currentTime + 0.02;
    for (const [offset, frequency] of [[0, 880], [0.22, 660]] as const) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = 'sine';
      oscillator.frequency.value = frequency;
      // A soft attack and decay: no click, not shrill in a quiet room.
      gain.gain.setValueAtTime(0, start + offset);
      gain.gain.linearRampToValueAtTime(0.18, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.001, start + offset + 0.2);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.22);
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Daily rhythm of reports, as a factor in (0, 1] of the configured peak rate.
 * Shapes follow what city command centres publish about their intake: grid
 * inspections peak late morning and late afternoon and nearly stop around
 * 03:00; the 12345 hotline has the same two peaks plus an after-work evening
 * bump, and never quite goes quiet.
 */

/** Asia/Shanghai is UTC+8 all year (no daylight saving), so a fixed offset is exact. */
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

export function localHourShanghai(at: Date): number {
  const ms = (((at.getTime() + SHANGHAI_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
  return ms / 3_600_000;
}

/** Milliseconds since local (Shanghai) midnight. */
export function localDayMs(at: Date): number {
  return (((at.getTime() + SHANGHAI_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
}

interface Peak {
  hour: number;
  sigma: number;
  amplitude: number;
}

interface Profile {
  floor: number;
  peaks: Peak[];
}

const PROFILES = {
  incidents: {
    floor: 0.06,
    peaks: [
      { hour: 10.5, sigma: 1.7, amplitude: 1 },
      { hour: 16.5, sigma: 1.7, amplitude: 0.9 },
      { hour: 13.5, sigma: 1.2, amplitude: 0.25 },
    ],
  },
  appeals: {
    floor: 0.08,
    peaks: [
      { hour: 10, sigma: 1.8, amplitude: 1 },
      { hour: 15.5, sigma: 1.8, amplitude: 0.85 },
      { hour: 20.5, sigma: 1.4, amplitude: 0.35 },
    ],
  },
} satisfies Record<string, Profile>;

export type RhythmKind = keyof typeof PROFILES;

/** Distance between two clock hours, the short way round midnight. */
function hourGap(a: number, b: number): number {
  const d = Math.abs(a - b) % 24;
  return Math.min(d, 24 - d);
}

function raw(profile: Profile, hour: number): number {
  return profile.peaks.reduce(
    (sum, p) => sum + p.amplitude * Math.exp(-(hourGap(hour, p.hour) ** 2) / (2 * p.sigma ** 2)),
    profile.floor,
  );
}

/** Each profile's maximum over the day (minute resolution), so the peak factor is exactly 1. */
const MAXIMA = Object.fromEntries(
  Object.entries(PROFILES).map(([kind, profile]) => {
    let max = 0;
    for (let minute = 0; minute < 1440; minute++) max = Math.max(max, raw(profile, minute / 60));
    return [kind, max];
  }),
) as Record<RhythmKind, number>;

/** Rate factor in (0, 1] at this instant: multiply the peak rate by it. */
export function rhythm(kind: RhythmKind, at: Date): number {
  return Math.min(1, raw(PROFILES[kind], localHourShanghai(at)) / MAXIMA[kind]);
}

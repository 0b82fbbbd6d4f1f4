/**
 * Shifts of the handover report, in Asia/Shanghai wall-clock time (UTC+8, no DST):
 * the last 12 hours, the day shift 08:00–20:00 and the night shift 20:00–08:00 that
 * most recently began, or a custom range. Instants go to the API as ISO 8601 with
 * the +08:00 offset, which is also how they read in the address bar.
 */
export const SHIFT_PRESETS = ['last12', 'day', 'night'] as const;
export type ShiftPreset = (typeof SHIFT_PRESETS)[number];

export interface Shift {
  from: string;
  to: string;
}

const HOUR_MS = 3_600_000;
const OFFSET_MS = 8 * HOUR_MS;
/** The server's limit (server/services/handover.ts MAX_SHIFT_HOURS). */
export const MAX_SHIFT_HOURS = 72;

/** An instant as Shanghai wall-clock ISO with offset, to the minute. */
export function shanghaiIso(ms: number): string {
  return `${new Date(ms + OFFSET_MS).toISOString().slice(0, 16)}:00+08:00`;
}

/** The instant a Shanghai wall-clock hour of the day `ms` falls on begins (dayOffset moves days). */
function atShanghaiHour(ms: number, hour: number, dayOffset = 0): number {
  const local = ms + OFFSET_MS;
  const midnight = local - (((local % 86_400_000) + 86_400_000) % 86_400_000);
  return midnight + dayOffset * 86_400_000 + hour * HOUR_MS - OFFSET_MS;
}

export function presetShift(preset: ShiftPreset, now: number): Shift {
  switch (preset) {
    case 'last12': {
      // Up to the end of the current minute, so what happened seconds ago is in.
      const end = Math.ceil((now + 1) / 60_000) * 60_000;
      return { from: shanghaiIso(end - 12 * HOUR_MS), to: shanghaiIso(end) };
    }
    case 'day': {
      const start = now >= atShanghaiHour(now, 8) ? atShanghaiHour(now, 8) : atShanghaiHour(now, 8, -1);
      return { from: shanghaiIso(start), to: shanghaiIso(start + 12 * HOUR_MS) };
    }
    case 'night': {
      const start = now >= atShanghaiHour(now, 20) ? atShanghaiHour(now, 20) : atShanghaiHour(now, 20, -1);
      return { from: shanghaiIso(start), to: shanghaiIso(start + 12 * HOUR_MS) };
    }
  }
}

/** `datetime-local` value (Shanghai wall clock) ↔ the API's ISO instant. */
export function fromLocalInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  const iso = `${value}:00+08:00`;
  return Number.isFinite(Date.parse(iso)) ? iso : null;
}

export function toLocalInput(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms + OFFSET_MS).toISOString().slice(0, 16) : '';
}

export function validShift(shift: Shift): 'ok' | 'order' | 'tooLong' | 'invalid' {
  const from = Date.parse(shift.from);
  const to = Date.parse(shift.to);
  if (!Number.isFinite(from) || !Number.isFinite(to)) return 'invalid';
  if (to <= from) return 'order';
  if (to - from > MAX_SHIFT_HOURS * HOUR_MS) return 'tooLong';
  return 'ok';
}

/** The preset a shift equals now, else null (custom). */
export function presetOfShift(shift: Shift, now: number): ShiftPreset | null {
  for (const preset of SHIFT_PRESETS) {
    const p = presetShift(preset, now);
    if (Date.parse(p.from) === Date.parse(shift.from) && Date.parse(p.to) === Date.parse(shift.to)) return preset;
  }
  return null;
}

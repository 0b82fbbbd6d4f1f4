import type { Severity } from '../../../db/vocab';

/**
 * Who must notice an alert, and when nobody has: every affected district's duty
 * officers see it until one of them acknowledges it for that district. While any
 * affected district has not, the alert escalates one level up per step of its
 * severity's time — Extreme every 5 min, Severe 15 min, Moderate 60 min; Minor and
 * Unknown alerts are shown but never escalate — up to MAX_ALERT_ESCALATION levels:
 * level 1 is the parent of the districts (the city's duty desk), level 2 the level
 * above that or, at the root, the city's leaders. Pure: the scheduler
 * (server/services/alert-timers.ts) applies it.
 */
export const ESCALATION_STEP_MS: Record<Severity, number | null> = {
  Extreme: 5 * 60_000,
  Severe: 15 * 60_000,
  Moderate: 60 * 60_000,
  Minor: null,
  Unknown: null,
};

export const MAX_ALERT_ESCALATION = 2;

export function escalationStep(severity: Severity): number | null {
  return ESCALATION_STEP_MS[severity];
}

/** The level an unacknowledged alert stored at `storedAt` should have reached by `now`. */
export function escalationLevelAt(severity: Severity, storedAt: number, now: number): number {
  const step = escalationStep(severity);
  if (step === null || now < storedAt) return 0;
  return Math.min(MAX_ALERT_ESCALATION, Math.floor((now - storedAt) / step));
}

/** When level `level + 1` falls due, or null when `level` is the last. */
export function nextEscalationAt(severity: Severity, storedAt: number, level: number): number | null {
  const step = escalationStep(severity);
  if (step === null || level >= MAX_ALERT_ESCALATION) return null;
  return storedAt + step * (level + 1);
}

/**
 * The area answerable at `level`: `level` steps up the path (root first, the
 * unacknowledged area last) of the first unacknowledged area, the root at most.
 */
export function escalationTarget(path: readonly string[], level: number): string {
  if (path.length === 0) throw new Error('an area path is never empty');
  return path[Math.max(0, path.length - 1 - level)]!;
}

/** The levels to announce when an alert at `from` is due `to` (each level once, in order). */
export function levelsBetween(from: number, to: number): number[] {
  const levels: number[] = [];
  for (let level = from + 1; level <= to; level++) levels.push(level);
  return levels;
}

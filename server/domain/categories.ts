import categories from '../../db/data/categories.json' with { type: 'json' };

/**
 * Case categories (GB/T 30428.2 大类+小类 for incidents; 12345 appeal types) and
 * alert types. Time limits are clock approximations for now: a work day counts as
 * 24 h and a work hour as 1 h; a working-time calendar belongs to the workflow.
 */
export interface TimeLimit {
  hours?: number;
  workHours?: number;
  workDays?: number;
}

export const INCIDENT_CATEGORIES = new Map(categories.gridEvents.map((c) => [c.code, c]));
export const APPEAL_TYPES = new Map(categories.appealTypes.map((c) => [c.code, c]));
export const APPEAL_TOPICS = new Set(categories.appealTopics);
export const ALERT_TYPES = new Map(categories.alertTypes.map((c) => [c.code, c]));
export const APPEAL_ACCEPT_DAYS = categories.appealLimits.acceptWithinDays;

const HOUR_MS = 3_600_000;

export function limitMs(limit: TimeLimit): number {
  return ((limit.hours ?? 0) + (limit.workHours ?? 0) + (limit.workDays ?? 0) * 24) * HOUR_MS;
}

/** SLA deadline of a new case, from its category's time limit. */
export function slaDueAt(kind: 'incident' | 'appeal', category: string, reportedAt: Date): Date | null {
  if (kind === 'appeal') return new Date(reportedAt.getTime() + APPEAL_ACCEPT_DAYS * 24 * HOUR_MS);
  const entry = INCIDENT_CATEGORIES.get(category);
  return entry ? new Date(reportedAt.getTime() + limitMs(entry.limit as TimeLimit)) : null;
}

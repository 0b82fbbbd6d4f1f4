import categories from '../../db/data/categories.json' with { type: 'json' };

/**
 * Case categories (GB/T 30428.2 大类+小类 for incidents; 12345 appeal types) and
 * alert types. Each incident category's `limit` is its 处置 time limit, read by
 * server/domain/sla/limits.ts on the working calendar.
 */
export const INCIDENT_CATEGORIES = new Map(categories.gridEvents.map((c) => [c.code, c]));
export const APPEAL_TYPES = new Map(categories.appealTypes.map((c) => [c.code, c]));
export const APPEAL_TOPICS = new Set(categories.appealTopics);
export const ALERT_TYPES = new Map(categories.alertTypes.map((c) => [c.code, c]));


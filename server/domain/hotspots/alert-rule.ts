import type { HotspotTrend, Severity } from '../../../db/vocab';

/**
 * The early warning (信访聚集风险): a hotspot that emerges with at least
 * `minCount` appeals, or grows past it, raises one alert — never a second for the
 * same hotspot, whatever it does later (the caller records the alert on the
 * hotspot in the same transaction). The alert's severity follows the size.
 */
export interface AlertRule {
  minCount: number;
}

export const DEFAULT_ALERT_RULE: AlertRule = { minCount: 20 };

/** The catalogue code of 信访聚集风险 (db/data/categories.json alertTypes). */
export const HOTSPOT_ALERT_TYPE = 'STABILITY';
export const HOTSPOT_ALERT_SOURCE = 'rule:hotspots';

export interface AlertState {
  trend: HotspotTrend;
  count: number;
  /** The alert it raised before, if any. */
  alertId: number | null;
}

export function shouldRaiseAlert(h: AlertState, rule: AlertRule = DEFAULT_ALERT_RULE): boolean {
  if (h.alertId !== null) return false;
  if (h.trend !== 'emerging' && h.trend !== 'growing') return false;
  return h.count >= rule.minCount;
}

/**
 * Severe (escalates every 15 min unacknowledged) from three times the threshold,
 * else Moderate (every hour): never Minor, which would never escalate.
 */
export function alertSeverity(count: number, rule: AlertRule = DEFAULT_ALERT_RULE): Severity {
  return count >= 3 * rule.minCount ? 'Severe' : 'Moderate';
}

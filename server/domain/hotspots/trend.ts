import type { HotspotTrend } from '../../../db/vocab';

/**
 * A hotspot's course from one run to the next: emerging when first seen, then
 * growing / stable / cooling by its count against the previous run's, within a
 * tolerance band (so a cluster that gains or loses an appeal or two stays stable),
 * and ended when no cluster matched it.
 */
export interface TrendBand {
  /** Counts within this share of the previous count are stable. */
  share: number;
  /** …and always within this many appeals, however small the hotspot. */
  minDelta: number;
}

export const DEFAULT_TREND_BAND: TrendBand = { share: 0.1, minDelta: 2 };

/** previous: the count at the last run it was seen in; null when it is new; count null when it went unmatched. */
export function trendOf(previous: number | null, count: number | null, band: TrendBand = DEFAULT_TREND_BAND): HotspotTrend {
  if (count === null) return 'ended';
  if (previous === null) return 'emerging';
  const tolerance = Math.max(band.minDelta, band.share * previous);
  if (count > previous + tolerance) return 'growing';
  if (count < previous - tolerance) return 'cooling';
  return 'stable';
}

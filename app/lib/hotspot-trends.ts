import type { HotspotTrend } from '../../server/protocol/vocab';

/**
 * Trend colours of appeal hotspots: emerging and growing red / orange (act now),
 * stable amber, cooling a muted blue-grey; an ended hotspot is not drawn. Kept free
 * of UI imports so e2e tests can read them too.
 */
export type LiveTrend = Exclude<HotspotTrend, 'ended'>;
export const LIVE_TRENDS: readonly LiveTrend[] = ['emerging', 'growing', 'stable', 'cooling'];

export const TREND_COLOURS: Record<LiveTrend, string> = {
  emerging: '#ff453a',
  growing: '#ff8a1f',
  stable: '#f5b400',
  cooling: '#7b93b0',
};

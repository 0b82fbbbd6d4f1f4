import { sql } from 'drizzle-orm';
import type { Runner } from '../client';
import type { HotspotEventData } from '../records';
import { inScope, type Scope } from '../scope';
import { isoTime } from '../spatial';

/** Live hotspots per snapshot at most (largest first). */
const MAX_HOTSPOTS = 500;

/** The SELECT list that reads a hotspot (`hotspots h`) as screens see it; parse with hotspotFromRow. */
export const HOTSPOT_EVENT_COLUMNS = sql`
  h.id::float8 AS id, h.topic, h.trend, h.count, h.previous_count AS "previousCount", h.peak_count AS "peakCount",
  ${isoTime(sql`h.first_seen`)} AS "firstSeen", ${isoTime(sql`h.last_seen`)} AS "lastSeen",
  jsonb_build_array(ST_X(h.center), ST_Y(h.center)) AS center,
  ST_AsGeoJSON(h.outline, 6) AS outline, h.topics, h.areas, h.alert_id::float8 AS "alertId"`;

export type HotspotRow = Omit<HotspotEventData, 'outline'> & { outline: string };

export function hotspotFromRow(row: HotspotRow): HotspotEventData {
  return { ...row, outline: JSON.parse(row.outline) as HotspotEventData['outline'] };
}

/**
 * Hotspots not ended whose outline reaches the scope, as shared screens see them
 * (db/records.ts HotspotEventData: outline, counts, topics, areas — aggregate only).
 * The detection run writes them (server/services/hotspots.ts); this only reads.
 */
export async function findLiveHotspots(db: Runner, scope: Scope): Promise<HotspotEventData[]> {
  const rows = await db.rows<HotspotRow>(sql`
    SELECT ${HOTSPOT_EVENT_COLUMNS}
    FROM hotspots h
    WHERE h.ended_at IS NULL AND h.trend <> 'ended' AND ${inScope(sql`h.area_codes`, scope)}
    ORDER BY h.count DESC, h.id LIMIT ${MAX_HOTSPOTS}::int`);
  return rows.map(hotspotFromRow);
}

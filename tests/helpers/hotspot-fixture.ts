import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { appendFeed } from '../../db/queries/feed';
import { HOTSPOT_EVENT_COLUMNS, hotspotFromRow, type HotspotRow } from '../../db/queries/live-hotspots';
import type { HotspotEventData } from '../../db/records';
import type { HotspotTrend } from '../../db/vocab';

/**
 * A hotspot as the detection run (another module) would leave it: a row in
 * `hotspots` (a square outline of `halfDeg` around `center`, its label at the
 * centre) and its `hotspot.updated` feed row, in one transaction. For tests of the
 * readers (snapshot, wall, leader view) that must not depend on detection.
 */
export async function insertHotspot(
  database: Database,
  input: {
    center: [lng: number, lat: number];
    halfDeg?: number;
    trend: HotspotTrend;
    count: number;
    previousCount?: number | null;
    topic?: string | null;
    topics: Record<string, number>;
    areas: Array<{ code: string; name: string; count: number }>;
    areaCodes: string[];
    ended?: boolean;
  },
): Promise<HotspotEventData> {
  const [lng, lat] = input.center;
  const d = input.halfDeg ?? 0.004;
  const outline = JSON.stringify({
    type: 'MultiPolygon',
    coordinates: [[[[lng - d, lat - d], [lng + d, lat - d], [lng + d, lat + d], [lng - d, lat + d], [lng - d, lat - d]]]],
  });
  return database.transaction(async (tx) => {
    const [row] = await tx.rows<HotspotRow>(sql`
      WITH h AS (
        INSERT INTO hotspots (topic, trend, count, previous_count, peak_count, first_seen, last_seen, ended_at, outline, center, topics, areas, area_codes)
        VALUES (${input.topic ?? null}, ${input.trend}, ${input.count}::int, ${input.previousCount ?? null}::int, ${input.count}::int,
                now() - interval '3 hours', now(), ${input.ended ? sql`now()` : sql`NULL`},
                ST_SetSRID(ST_GeomFromGeoJSON(${outline}::text), 4326), ST_SetSRID(ST_MakePoint(${lng}::float8, ${lat}::float8), 4326),
                ${JSON.stringify(input.topics)}::jsonb, ${JSON.stringify(input.areas)}::jsonb, ${`{${input.areaCodes.join(',')}}`}::text[])
        RETURNING *)
      SELECT ${HOTSPOT_EVENT_COLUMNS} FROM h`);
    const hotspot = hotspotFromRow(row!);
    await appendFeed(tx, [{ topic: 'hotspot.updated', layer: 'hotspots', areaCodes: input.areaCodes, payload: hotspot }]);
    return hotspot;
  });
}

import { sql } from 'drizzle-orm';
import type { Database } from '../client';
import { inScope, type Scope } from '../scope';
import { isoTime, DISPLAY_TOLERANCE_SQL } from '../spatial';
import type { AlertEventData, CaseEventData, Snapshot } from '../records';
import type { Layer } from '../vocab';

const OPEN = sql`c.status NOT IN ('closed', 'evaluated', 'rejected')`;

const caseColumns = sql`
  c.id, c.kind, c.channel, c.category, c.topic, c.severity, c.status,
  ST_X(c.geom) AS lng, ST_Y(c.geom) AS lat, g.code AS grid, c.title,
  ${isoTime(sql`c.reported_at`)} AS "reportedAt"`;

/**
 * Everything a map needs, read in one repeatable-read transaction together with
 * the feed head. Because feed seqs are handed out in commit order, every change
 * at or below `seq` is in this snapshot and every later one is in the feed.
 */
export async function readSnapshot(
  database: Database,
  area: Scope,
  query: { layers: readonly Layer[]; appealHours: number; limit: number },
): Promise<Snapshot> {
  return database.transaction(
    async (tx) => {
      const scope = sql`AND ${inScope(sql`c.area_codes`, area)}`;
      const alertScope = sql`AND ${inScope(sql`a.area_codes`, area)}`;
      const [head] = await tx.rows<{ seq: number; at: string }>(
        sql`SELECT coalesce(max(seq), 0) AS seq, ${isoTime(sql`now()`)} AS at FROM feed`,
      );
      const incidents = query.layers.includes('incidents')
        ? await tx.rows<CaseEventData>(sql`
            SELECT ${caseColumns} FROM cases c LEFT JOIN areas g ON g.id = c.grid_id
            WHERE c.kind = 'incident' AND ${OPEN} ${scope}
            ORDER BY c.reported_at DESC LIMIT ${query.limit + 1}::int`)
        : [];
      const appeals = query.layers.includes('appeals')
        ? await tx.rows<CaseEventData>(sql`
            SELECT ${caseColumns} FROM cases c LEFT JOIN areas g ON g.id = c.grid_id
            WHERE c.kind = 'appeal' ${scope}
              AND c.reported_at > now() - make_interval(secs => ${query.appealHours * 3600}::float8)
            ORDER BY c.reported_at DESC LIMIT ${query.limit + 1}::int`)
        : [];
      const alertRows = query.layers.includes('alerts')
        ? await tx.rows<Omit<AlertEventData, 'geometry'> & { geometry: string }>(sql`
            SELECT a.id, a.source, a.event_type AS "eventType", a.headline, a.severity, a.urgency, a.certainty,
                   a.status, ${isoTime(sql`a.onset`)} AS onset, ${isoTime(sql`a.expires`)} AS expires,
                   a.affected_grids AS "affectedGrids",
                   ST_AsGeoJSON(ST_Multi(ST_SimplifyPreserveTopology(a.geom, ${DISPLAY_TOLERANCE_SQL})), 5) AS geometry
            FROM alerts a
            WHERE a.status IN ('active', 'acknowledged') AND (a.expires IS NULL OR a.expires > now()) ${alertScope}
            ORDER BY a.created_at DESC LIMIT 500`)
        : [];
      const counts = await tx.rows<{ grid: string | null; incidents: number; appeals: number }>(sql`
        SELECT g.code AS grid,
               count(*) FILTER (WHERE c.kind = 'incident')::int AS incidents,
               count(*) FILTER (WHERE c.kind = 'appeal')::int AS appeals
        FROM cases c LEFT JOIN areas g ON g.id = c.grid_id
        WHERE ${OPEN} ${scope} GROUP BY g.code`);
      const [today] = await tx.rows<{ n: number }>(sql`
        SELECT count(*)::int AS n FROM cases c
        WHERE c.reported_at >= date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' ${scope}`);
      const openByGrid: Snapshot['openByGrid'] = {};
      let openIncidents = 0;
      let openAppeals = 0;
      for (const row of counts) {
        openByGrid[row.grid ?? ''] = { incidents: row.incidents, appeals: row.appeals };
        openIncidents += row.incidents;
        openAppeals += row.appeals;
      }
      const truncated = incidents.length > query.limit || appeals.length > query.limit;
      return {
        seq: head!.seq,
        at: head!.at,
        area: area.code,
        incidents: incidents.slice(0, query.limit),
        appeals: appeals.slice(0, query.limit),
        alerts: alertRows.map((a) => ({ ...a, geometry: JSON.parse(a.geometry) as AlertEventData['geometry'] })),
        openByGrid,
        totals: { openIncidents, openAppeals, activeAlerts: alertRows.length, todayCases: today?.n ?? 0 },
        truncated,
      };
    },
    { isolation: 'repeatable read' },
  );
}

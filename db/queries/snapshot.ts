import { sql } from 'drizzle-orm';
import type { Database } from '../client';
import { inScope, type Scope } from '../scope';
import { limitStatementTime } from './session';
import { CASE_EVENT_COLUMNS, OPEN_CASE } from './case-columns';
import { isoTime } from '../spatial';
import { ALERT_EVENT_COLUMNS, alertFromRow, type AlertRowData } from './alert-columns';
import type { CaseEventData, Snapshot } from '../records';
import { APPEAL_MIN_COUNT, type Layer } from '../vocab';
import { readAppealDensity } from './appeal-density';
import { findLiveHotspots } from './live-hotspots';

const OPEN = OPEN_CASE;
const caseColumns = CASE_EVENT_COLUMNS;

/** reported_at in whole microseconds since the epoch (exact in a float8): the paging key with id. */
const REPORTED_US = sql`(extract(epoch FROM c.reported_at) * 1000000)::float8`;

/** Where the next page of one list starts: after (reportedUs, id) in newest-first order. */
export type PageKey = [reportedUs: number, id: number];

/**
 * Continuation of a snapshot: the next page of incidents and appeals (null: that list
 * is complete). Pages after the first carry cases only (alerts, counts and totals come
 * with the first page) and are read later than `seq`: apply the feed from `seq` on top
 * as usual, keyed by case id.
 */
export interface SnapshotCursor {
  incidents: PageKey | null;
  appeals: PageKey | null;
}

type CaseWithKey = CaseEventData & { _us: number };

function page(rows: CaseWithKey[], limit: number): { rows: CaseEventData[]; next: PageKey | null } {
  const more = rows.length > limit;
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  return {
    rows: kept.map(({ _us, ...row }) => row),
    next: more && last ? [last._us, last.id] : null,
  };
}

/**
 * Everything a map needs, read in one repeatable-read transaction together with
 * the feed head. Because feed seqs are handed out in commit order, every change
 * at or below `seq` is in this snapshot and every later one is in the feed.
 */
export async function readSnapshot(
  database: Database,
  area: Scope,
  query: {
    layers: readonly Layer[];
    appealHours: number;
    /** `exact` with the `appeals` layer (cleared roles); else a grid's appeal count below APPEAL_MIN_COUNT is 0. */
    appealCounts: 'exact' | 'k-suppressed';
    /** The shared screens' appeal window (hours) for `appealDensity`: the density job's (server config). */
    densityHours: number;
    limit: number;
    cursor?: SnapshotCursor | null;
    statementTimeoutMs?: number;
  },
): Promise<Omit<Snapshot, 'next'> & { next: SnapshotCursor | null }> {
  return database.transaction(
    async (tx) => {
      if (query.statementTimeoutMs) await limitStatementTime(tx, query.statementTimeoutMs);
      const cursor = query.cursor ?? null;
      // A continuation page reads only the lists that have more; the first page reads all.
      const wants = (layer: 'incidents' | 'appeals') => query.layers.includes(layer) && (!cursor || cursor[layer] !== null);
      const after = (key: PageKey | null | undefined) =>
        key ? sql`AND (${REPORTED_US}, c.id) < (${key[0]}::float8, ${key[1]}::bigint)` : sql``;
      const scope = sql`AND ${inScope(sql`c.area_codes`, area)}`;
      const alertScope = sql`AND ${inScope(sql`a.area_codes`, area)}`;
      const [head] = await tx.rows<{ seq: number; at: string }>(
        sql`SELECT coalesce(max(seq), 0) AS seq, ${isoTime(sql`now()`)} AS at FROM feed`,
      );
      const incidents = wants('incidents')
        ? await tx.rows<CaseWithKey>(sql`
            SELECT ${caseColumns}, ${REPORTED_US} AS _us FROM cases c LEFT JOIN areas g ON g.id = c.grid_id
            WHERE c.kind = 'incident' AND ${OPEN} ${scope} ${after(cursor?.incidents)}
            ORDER BY c.reported_at DESC, c.id DESC LIMIT ${query.limit + 1}::int`)
        : [];
      const appeals = wants('appeals')
        ? await tx.rows<CaseWithKey>(sql`
            SELECT ${caseColumns}, ${REPORTED_US} AS _us FROM cases c LEFT JOIN areas g ON g.id = c.grid_id
            WHERE c.kind = 'appeal' ${scope} ${after(cursor?.appeals)}
              AND c.reported_at > now() - make_interval(secs => ${query.appealHours * 3600}::float8)
            ORDER BY c.reported_at DESC, c.id DESC LIMIT ${query.limit + 1}::int`)
        : [];
      const incidentPage = page(incidents, query.limit);
      const appealPage = page(appeals, query.limit);
      const next = incidentPage.next || appealPage.next ? { incidents: incidentPage.next, appeals: appealPage.next } : null;
      if (cursor) {
        return {
          seq: head!.seq,
          at: head!.at,
          area: area.code,
          incidents: incidentPage.rows,
          appeals: appealPage.rows,
          alerts: [],
          openByGrid: {},
          hotspots: [],
          appealDensity: [],
          totals: { openIncidents: 0, openAppeals: 0, activeAlerts: 0, todayCases: 0 },
          truncated: next !== null,
          next,
        };
      }
      const alertRows = query.layers.includes('alerts')
        ? await tx.rows<AlertRowData>(sql`
            SELECT ${ALERT_EVENT_COLUMNS}
            FROM alerts a
            WHERE a.status IN ('active', 'acknowledged') AND a.on_wall AND (a.expires IS NULL OR a.expires > now()) ${alertScope}
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
      // Per-grid appeal counts are exact only beside the individual appeals (the `appeals`
      // layer, for cleared roles); a shared screen gets a grid's count only from k up.
      const exactAppeals = query.appealCounts === 'exact';
      const openByGrid: Snapshot['openByGrid'] = {};
      let openIncidents = 0;
      let openAppeals = 0;
      for (const row of counts) {
        const appeals = exactAppeals || row.appeals >= APPEAL_MIN_COUNT ? row.appeals : 0;
        if (row.incidents > 0 || appeals > 0) openByGrid[row.grid ?? ''] = { incidents: row.incidents, appeals };
        openIncidents += row.incidents;
        openAppeals += row.appeals;
      }
      const hotspots = query.layers.includes('hotspots') ? await findLiveHotspots(tx, area) : [];
      const appealDensity = query.layers.includes('hotspots')
        ? await readAppealDensity(tx, area, { windowHours: query.densityHours, k: APPEAL_MIN_COUNT })
        : [];
      return {
        seq: head!.seq,
        at: head!.at,
        area: area.code,
        incidents: incidentPage.rows,
        appeals: appealPage.rows,
        alerts: alertRows.map(alertFromRow),
        openByGrid,
        hotspots,
        appealDensity,
        totals: { openIncidents, openAppeals, activeAlerts: alertRows.length, todayCases: today?.n ?? 0 },
        truncated: next !== null,
        next,
      };
    },
    { isolation: 'repeatable read' },
  );
}

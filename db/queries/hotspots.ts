import { sql, type SQL } from 'drizzle-orm';
import type { Runner } from '../client';
import type { HotspotEventData } from '../records';
import { HOTSPOT_EVENT_COLUMNS, hotspotFromRow, type HotspotRow } from './live-hotspots';
import type { HotspotTrend } from '../vocab';
import { areasReachedBy } from './locate';

/**
 * Appeal hotspots (issue 11): one detection query clusters the appeals of a sliding
 * window with ST_ClusterDBSCAN, per topic and across topics, and describes each
 * cluster (outline, centre, counts, topics, areas, the live hotspots it overlaps);
 * the rest writes what server/services/hotspots.ts decided.
 *
 * Distances are metres on a local scaled projection (x = lng × metres per degree of
 * longitude, y = lat × metres per degree of latitude, both at the city's middle
 * latitude): the same arithmetic on PGlite's PostGIS and PostgreSQL's, no
 * spatial_ref_sys lookup, and within a city its error is a fraction of a percent.
 */
export interface DetectionParams {
  /** The run's instant: the window is (at − windowMs, at]. */
  at: Date;
  windowMs: number;
  /** DBSCAN neighbourhood radius (metres). */
  epsM: number;
  /** DBSCAN core density, per topic and across topics (the mix of all topics is denser, so it asks more). */
  minPoints: number;
  minPointsAll: number;
  /** Smallest cluster that becomes a hotspot. */
  minCount: number;
  /**
   * A single-topic cluster inside an across-topics one becomes a hotspot only with at
   * least this share of that cluster's appeals: the dominant topics of a place, not
   * each of the dozen topics any busy hotspot also holds.
   */
  topicShare: number;
  /** The hull is buffered outwards this far (metres, ≥ 200) and simplified by `simplifyM` (< bufferM). */
  bufferM: number;
  simplifyM: number;
  /** ST_ConcaveHull's ratio (1 = convex hull): a drifting cluster's trail is not filled in. */
  concavity: number;
}

/**
 * The hull is drawn round the members snapped to this grid (metres), distinct: a
 * dense cluster's thousands of points become a few hundred, and the outline moves by
 * at most 15 m — well inside the buffer, so no vertex comes near an appeal.
 */
const HULL_SNAP_M = 20;

export const DEFAULT_DETECTION: Omit<DetectionParams, 'at'> = {
  windowMs: 72 * 3_600_000,
  epsM: 250,
  minPoints: 10,
  minPointsAll: 20,
  minCount: 15,
  topicShare: 0.3,
  bufferM: 200,
  simplifyM: 25,
  concavity: 0.5,
};

export interface DetectedCluster {
  /** The topic clustered on; null across topics. */
  topic: string | null;
  count: number;
  /** The outline as hex EWKB (exact, for writing back) and its centre. */
  outlineHex: string;
  center: [number, number];
  topics: Record<string, number>;
  areas: Array<{ code: string; name: string; count: number }>;
  areaCodes: string[];
  /** Live hotspots of the same topic it overlaps: IoU and the share of the smaller outline. */
  overlaps: Array<{ hotspotId: number; iou: number; share: number }>;
}

/**
 * Run inside the detection's transaction, first: DBSCAN's cost estimate is huge, so
 * PostgreSQL would JIT-compile the statement — seconds of compiling for a query that
 * runs in well under one. (PGlite has no JIT; the setting exists and is harmless.)
 */
export async function prepareDetection(tx: Runner): Promise<void> {
  await tx.rows(sql`SET LOCAL jit = off`);
}

export async function detectClusters(db: Runner, p: DetectionParams): Promise<DetectedCluster[]> {
  const rows = await db.rows<DetectedCluster & { overlaps: DetectedCluster['overlaps'] | null }>(detectionQuery(p));
  return rows.map((r) => ({
    ...r,
    count: Number(r.count),
    overlaps: (r.overlaps ?? []).map((o) => ({ hotspotId: Number(o.hotspotId), iou: Number(o.iou ?? 0), share: Number(o.share ?? 0) })),
  }));
}

/** The detection statement (exported for EXPLAIN in the bench). */
export function detectionQuery(p: DetectionParams): SQL {
  const from = new Date(p.at.getTime() - p.windowMs).toISOString();
  const at = p.at.toISOString();
  // Cluster keys: 't:<topic>' per topic, '*' across topics (hashable, unlike a nullable topic).
  return sql`
    WITH win AS MATERIALIZED (
      SELECT c.topic, c.grid_id, c.geom FROM cases c
      WHERE c.kind = 'appeal' AND c.reported_at > ${from}::timestamptz AND c.reported_at <= ${at}::timestamptz
    ),
    frame AS (
      SELECT 111412.84 * cos(radians(s.lat0)) - 93.5 * cos(radians(3 * s.lat0)) AS kx,
             111132.954 - 559.822 * cos(radians(2 * s.lat0)) + 1.175 * cos(radians(4 * s.lat0)) AS ky
      FROM (SELECT coalesce(avg(ST_Y(geom)), 30) AS lat0 FROM win) s
    ),
    labelled AS MATERIALIZED (
      SELECT w.topic, w.grid_id, x.m,
        ST_ClusterDBSCAN(x.m, ${p.epsM}::float8, ${p.minPoints}::int) OVER (PARTITION BY w.topic) AS tc,
        ST_ClusterDBSCAN(x.m, ${p.epsM}::float8, ${p.minPointsAll}::int) OVER () AS ac
      FROM win w, frame f, LATERAL (SELECT ST_Scale(w.geom, f.kx, f.ky) AS m) x
    ),
    members AS MATERIALIZED (
      SELECT 't:' || l.topic AS k, l.tc AS cid, l.topic, l.ac, l.grid_id, l.m FROM labelled l WHERE l.topic IS NOT NULL AND l.tc IS NOT NULL
      UNION ALL
      SELECT '*', l.ac, l.topic, l.ac, l.grid_id, l.m FROM labelled l WHERE l.ac IS NOT NULL
    ),
    across_sizes AS MATERIALIZED (SELECT l.ac, count(*)::int AS n FROM labelled l WHERE l.ac IS NOT NULL GROUP BY l.ac),
    -- Big enough; and a single-topic cluster only where its topic is a real share of the place's appeals
    -- (the across-topics clusters its members lie in), not every topic of a busy hotspot again.
    sizes AS MATERIALIZED (
      SELECT z.k, z.cid, z.n FROM (
        SELECT mb.k, mb.cid, count(*)::int AS n, array_agg(DISTINCT mb.ac) FILTER (WHERE mb.ac IS NOT NULL) AS acs
        FROM members mb GROUP BY mb.k, mb.cid HAVING count(*) >= ${p.minCount}::int) z
      WHERE z.k = '*' OR z.acs IS NULL
         OR z.n >= ${p.topicShare}::float8 * (SELECT sum(a.n) FROM across_sizes a WHERE a.ac = ANY(z.acs))
    ),
    kept AS MATERIALIZED (SELECT mb.* FROM members mb JOIN sizes z ON z.k = mb.k AND z.cid = mb.cid),
    clusters AS MATERIALIZED (
      SELECT kp.k, kp.cid,
        ST_ForcePolygonCCW(ST_Multi(ST_Scale(
          ST_SimplifyPreserveTopology(
            ST_Buffer(ST_ConcaveHull(ST_Collect(DISTINCT ST_SnapToGrid(kp.m, ${HULL_SNAP_M}::float8)), ${p.concavity}::float8), ${p.bufferM}::float8, 'quad_segs=4'),
            ${p.simplifyM}::float8),
          1 / f.kx, 1 / f.ky))) AS outline
      FROM kept kp, frame f
      GROUP BY kp.k, kp.cid, f.kx, f.ky
    ),
    -- Topics: every appeal (any topic) of the across-topics clusters the cluster's members belong to —
    -- for a single-topic hotspot its neighbours of other topics; without one, just its own topic.
    across_topics AS MATERIALIZED (
      SELECT l.ac, l.topic, count(*)::int AS n FROM labelled l WHERE l.ac IS NOT NULL AND l.topic IS NOT NULL GROUP BY l.ac, l.topic
    ),
    cluster_topics AS MATERIALIZED (
      SELECT t.k, t.cid, jsonb_object_agg(t.topic, t.n) AS topics
      FROM (SELECT ca.k, ca.cid, at.topic, sum(at.n)::int AS n
            FROM (SELECT DISTINCT kp.k, kp.cid, kp.ac FROM kept kp WHERE kp.ac IS NOT NULL) ca
            JOIN across_topics at ON at.ac = ca.ac GROUP BY ca.k, ca.cid, at.topic) t
      GROUP BY t.k, t.cid
    ),
    cluster_areas AS MATERIALIZED (
      SELECT a.k, a.cid, jsonb_agg(jsonb_build_object('code', a.code, 'name', a.name, 'count', a.n) ORDER BY a.n DESC, a.code) AS areas
      FROM (SELECT g.k, g.cid, s.code, s.name, sum(g.n)::int AS n
            FROM (SELECT kp.k, kp.cid, kp.grid_id, count(*) AS n FROM kept kp WHERE kp.grid_id IS NOT NULL GROUP BY kp.k, kp.cid, kp.grid_id) g
            JOIN areas ga ON ga.id = g.grid_id
            -- The street it lies in, or in a city without streets the deepest area above the grids.
            CROSS JOIN LATERAL (SELECT a.code, a.name FROM areas a WHERE a.code = ANY(ga.path) AND a.level <> 'grid'
                                ORDER BY (a.level = 'street') DESC, cardinality(a.path) DESC LIMIT 1) s
            GROUP BY g.k, g.cid, s.code, s.name) a
      GROUP BY a.k, a.cid
    )
    SELECT CASE WHEN k.k = '*' THEN NULL ELSE substr(k.k, 3) END AS topic, z.n AS count,
      encode(ST_AsEWKB(k.outline), 'hex') AS "outlineHex",
      json_build_array(ST_X(c.pt), ST_Y(c.pt)) AS center,
      coalesce(ct.topics, jsonb_build_object(substr(k.k, 3), z.n)) AS topics,
      coalesce(ca.areas, '[]'::jsonb) AS areas,
      (SELECT coalesce(array_agg(DISTINCT p.code ORDER BY p.code), '{}'::text[])
       FROM ${areasReachedBy(sql`k.outline`)} r, unnest(r.path) AS p(code)) AS "areaCodes",
      (SELECT jsonb_agg(jsonb_build_object('hotspotId', h.id, 'iou', x.inter / nullif(x.ak + x.ah - x.inter, 0),
                                           'share', x.inter / nullif(least(x.ak, x.ah), 0)))
       FROM hotspots h
       CROSS JOIN LATERAL (SELECT ST_Area(ST_Intersection(h.outline, k.outline)) AS inter, ST_Area(k.outline) AS ak, ST_Area(h.outline) AS ah) x
       WHERE h.ended_at IS NULL AND h.topic IS NOT DISTINCT FROM (CASE WHEN k.k = '*' THEN NULL ELSE substr(k.k, 3) END)
         AND h.outline && k.outline AND ST_Intersects(h.outline, k.outline)) AS overlaps
    FROM clusters k
    JOIN sizes z ON z.k = k.k AND z.cid = k.cid
    LEFT JOIN cluster_topics ct ON ct.k = k.k AND ct.cid = k.cid
    LEFT JOIN cluster_areas ca ON ca.k = k.k AND ca.cid = k.cid
    CROSS JOIN LATERAL (SELECT ST_PointOnSurface(k.outline) AS pt) c
    ORDER BY topic NULLS FIRST, z.n DESC, ST_X(c.pt), ST_Y(c.pt)`;
}

export interface LiveHotspotRow {
  id: number;
  topic: string | null;
  count: number;
  peakCount: number;
  trend: HotspotTrend;
  alertId: number | null;
}

/** The hotspots not yet ended, locked for this run. */
export async function lockLiveHotspots(tx: Runner): Promise<LiveHotspotRow[]> {
  const rows = await tx.rows<LiveHotspotRow>(sql`
    SELECT id, topic, count, peak_count AS "peakCount", trend, alert_id AS "alertId"
    FROM hotspots WHERE ended_at IS NULL ORDER BY id FOR UPDATE`);
  return rows.map((r) => ({ ...r, id: Number(r.id), alertId: r.alertId === null ? null : Number(r.alertId) }));
}

export interface HotspotWrite {
  trend: HotspotTrend;
  cluster: DetectedCluster;
}

/** A new hotspot from a cluster; returns its id. */
export async function insertHotspot(tx: Runner, at: Date, w: HotspotWrite): Promise<number> {
  const c = w.cluster;
  const [row] = await tx.rows<{ id: number }>(sql`
    INSERT INTO hotspots (topic, trend, count, previous_count, peak_count, first_seen, last_seen, outline, center, topics, areas, area_codes, updated_at)
    SELECT ${c.topic}, ${w.trend}, ${c.count}::int, NULL, ${c.count}::int, ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz,
           o.g, ST_PointOnSurface(o.g), ${JSON.stringify(c.topics)}::jsonb, ${JSON.stringify(c.areas)}::jsonb,
           ${`{${c.areaCodes.join(',')}}`}::text[], now()
    FROM (SELECT ST_GeomFromEWKB(decode(${c.outlineHex}, 'hex')) AS g) o
    RETURNING id`);
  return Number(row!.id);
}

/** A live hotspot matched again: its new shape and count. Returns whether anything screens show changed. */
export async function updateHotspot(tx: Runner, id: number, at: Date, w: HotspotWrite): Promise<boolean> {
  const c = w.cluster;
  const [row] = await tx.rows<{ changed: boolean }>(sql`
    WITH o AS (SELECT ST_GeomFromEWKB(decode(${c.outlineHex}, 'hex')) AS g),
    old AS (SELECT h.count, h.trend, ST_Equals(h.outline, o.g) AS same FROM hotspots h, o WHERE h.id = ${id}::bigint),
    updated AS (
      UPDATE hotspots h SET trend = ${w.trend}, previous_count = h.count, count = ${c.count}::int,
        peak_count = greatest(h.peak_count, ${c.count}::int), last_seen = ${at.toISOString()}::timestamptz,
        outline = o.g, center = ST_PointOnSurface(o.g), topics = ${JSON.stringify(c.topics)}::jsonb,
        areas = ${JSON.stringify(c.areas)}::jsonb, area_codes = ${`{${c.areaCodes.join(',')}}`}::text[], updated_at = now()
      FROM o WHERE h.id = ${id}::bigint
      RETURNING h.id
    )
    SELECT (old.count <> ${c.count}::int OR old.trend <> ${w.trend} OR NOT old.same) AS changed FROM old, updated`);
  return row?.changed ?? false;
}

/** Live hotspots no cluster matched: ended (kept for history, never matched again). */
export async function endHotspots(tx: Runner, ids: number[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx.rows(sql`
    UPDATE hotspots SET trend = 'ended', previous_count = count, ended_at = ${at.toISOString()}::timestamptz, updated_at = now()
    WHERE id = ANY(${`{${ids.join(',')}}`}::bigint[]) AND ended_at IS NULL`);
}

/** This run's count of each hotspot seen (a run repeated at the same instant overwrites its row). */
export async function appendHotspotHistory(tx: Runner, at: Date, counts: Array<{ id: number; count: number }>): Promise<void> {
  if (counts.length === 0) return;
  await tx.rows(sql`
    INSERT INTO hotspot_history (hotspot_id, at, count)
    SELECT h.id, ${at.toISOString()}::timestamptz, h.count FROM jsonb_to_recordset(${JSON.stringify(counts)}::jsonb) AS h(id bigint, count int)
    ON CONFLICT (hotspot_id, at) DO UPDATE SET count = excluded.count`);
}

export async function setHotspotAlert(tx: Runner, id: number, alertId: number): Promise<void> {
  await tx.rows(sql`UPDATE hotspots SET alert_id = ${alertId}::bigint WHERE id = ${id}::bigint AND alert_id IS NULL`);
}

/**
 * The live 信访聚集风险 alert of another live hotspot drawn over this one, where one of
 * the two is the across-topics hotspot (a topic's cluster and the across-topics one
 * that contains it are one place: one alert), or null. Two topics at one place are
 * two matters and keep their own alerts.
 */
export async function findSharedHotspotAlert(db: Runner, id: number, at: Date): Promise<number | null> {
  const [row] = await db.rows<{ alertId: number }>(sql`
    SELECT o.alert_id AS "alertId"
    FROM hotspots me
    JOIN hotspots o ON o.id <> me.id AND o.ended_at IS NULL AND o.alert_id IS NOT NULL
      AND (me.topic IS NULL OR o.topic IS NULL) AND ST_Intersects(o.outline, me.outline)
    JOIN alerts a ON a.id = o.alert_id AND a.status IN ('active', 'acknowledged')
      AND (a.expires IS NULL OR a.expires > ${at.toISOString()}::timestamptz)
    WHERE me.id = ${id}::bigint
    ORDER BY o.alert_id LIMIT 1`);
  return row ? Number(row.alertId) : null;
}

/** The outline as GeoJSON (for the alert it raises). */
export async function hotspotOutline(db: Runner, id: number): Promise<{ type: 'MultiPolygon'; coordinates: [number, number][][][] }> {
  const [row] = await db.rows<{ g: string }>(sql`SELECT ST_AsGeoJSON(outline, 6) AS g FROM hotspots WHERE id = ${id}::bigint`);
  return JSON.parse(row!.g) as { type: 'MultiPolygon'; coordinates: [number, number][][][] };
}

/** Hotspots as screens see them (db/records.ts HotspotEventData), with their scoping codes. */
export async function readHotspots(db: Runner, ids: number[]): Promise<Array<{ data: HotspotEventData; areaCodes: string[] }>> {
  if (ids.length === 0) return [];
  const rows = await db.rows<HotspotRow & { _areaCodes: string[] }>(sql`
    SELECT ${HOTSPOT_EVENT_COLUMNS}, h.area_codes AS "_areaCodes"
    FROM hotspots h WHERE h.id = ANY(${`{${ids.join(',')}}`}::bigint[]) ORDER BY h.id`);
  return rows.map(({ _areaCodes, ...row }) => ({ areaCodes: _areaCodes, data: hotspotFromRow(row) }));
}

/** Ended hotspots (with their history) and history rows older than `before`. */
export async function pruneHotspots(db: Runner, before: Date): Promise<number> {
  const [row] = await db.rows<{ n: number }>(sql`
    WITH gone AS (DELETE FROM hotspots WHERE ended_at IS NOT NULL AND ended_at < ${before.toISOString()}::timestamptz RETURNING id)
    SELECT count(*)::int AS n FROM gone`);
  await db.rows(sql`DELETE FROM hotspot_history WHERE at < ${before.toISOString()}::timestamptz`);
  return row?.n ?? 0;
}

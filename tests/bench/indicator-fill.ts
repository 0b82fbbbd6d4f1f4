import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';

/**
 * A year of city-scale history for the indicator bench, written set-based
 * (generate_series INSERT … SELECT, never a row at a time): cases on random unit
 * grids, each with the events its status implies — intake, 立案, 派遣, returns and
 * re-dispatches, acceptance, suspensions, extensions, scheduler warnings, overdues
 * and escalations, 处置, reworks, 结案 — ≈ 10 events per case, `data.left` on every
 * command, and `clock:` rows the indicators ignore. Pseudo-random choices hash the
 * case id, so one case's steps agree with each other. A case's id is its bench number
 * (not the sequence), so chunks filled on several connections at once own disjoint id
 * ranges; `finishBenchIds` moves the sequence past them afterwards.
 */
export interface FillProgress {
  cases: number;
  events: number;
  ms: number;
}

/** Status of a case by a hash in [0, 1): mostly closed, a few rejected or merged, ≈ 3 % open at some step. */
const STATUS_OF = sql`CASE
  WHEN u < 0.06 THEN 'rejected' WHEN u < 0.07 THEN 'merged' WHEN u < 0.975 THEN 'closed'
  WHEN u < 0.98 THEN 'reported' WHEN u < 0.985 THEN 'registered' WHEN u < 0.99 THEN 'dispatched'
  WHEN u < 0.995 THEN 'in_progress' ELSE 'handled' END`;

/**
 * The loop's steps: order, group (steps of one group are all in or all out),
 * action, minutes after the report (scaled per case), probability, the least
 * status rank that includes it, and the SLA stage it leaves.
 */
const STEPS = sql`(VALUES
  (1, 1, 'reported', 0, 1.0, 1, NULL),
  (2, 2, 'sla_warning', 20, 0.3, 1, NULL),
  (3, 3, 'register', 30, 1.0, 2, 'register'),
  (4, 4, 'dispatch', 60, 1.0, 3, 'dispatch'),
  (5, 4, 'clock:start', 60, 1.0, 3, NULL),
  (6, 6, 'return', 120, 0.1, 5, 'handle'),
  (7, 6, 'dispatch', 150, 0.1, 5, 'dispatch'),
  (8, 8, 'accept', 180, 1.0, 5, NULL),
  (9, 9, 'suspend_request', 200, 0.08, 6, NULL),
  (10, 9, 'suspend_approve', 210, 0.08, 6, NULL),
  (11, 9, 'resume', 1500, 0.08, 6, NULL),
  (12, 12, 'extension_request', 1520, 0.1, 6, NULL),
  (13, 12, 'extension_approve', 1540, 0.1, 6, NULL),
  (14, 14, 'sla_warning', 1550, 0.5, 6, NULL),
  (15, 15, 'sla_overdue', 1600, 0.2, 6, NULL),
  (16, 16, 'escalated', 1700, 0.1, 6, NULL),
  (17, 17, 'handle', 1800, 1.0, 6, 'handle'),
  (18, 17, 'clock:start', 1800, 1.0, 6, NULL),
  (19, 19, 'rework', 1900, 0.1, 9, 'verify'),
  (20, 19, 'handle', 2100, 0.1, 9, 'handle'),
  (21, 21, 'close', 2400, 1.0, 9, 'verify')
) AS s(ord, grp, action, minutes, p, rank, stage)`;

/** [0, 1) from a hash of two integers. */
const unit = (a: ReturnType<typeof sql>, b: ReturnType<typeof sql>) => sql`((hashint8(${a} * 64 + ${b}) & 1048575)::float8 / 1048576)`;

export async function prepareBenchGrids(database: Database): Promise<number> {
  await database.rows(sql`DROP TABLE IF EXISTS bench_grids`);
  await database.rows(sql`
    CREATE TABLE bench_grids AS
    SELECT row_number() OVER (ORDER BY id) AS n, id, path, ST_PointOnSurface(geom) AS pt FROM areas WHERE level = 'grid'`);
  await database.rows(sql`CREATE UNIQUE INDEX ON bench_grids (n)`);
  const [row] = await database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM bench_grids`);
  return row!.n;
}

/** Cases [from, to) of the bench numbering (their ids), reported over the year before `now`; open ones in the last three days. */
export async function fillBenchCases(database: Database, range: { from: number; to: number; grids: number }): Promise<void> {
  await database.rows(sql`
    INSERT INTO cases (id, kind, channel, external_id, category, severity, status, geom, grid_id, area_codes, reported_at, created_at, sla_state, repeat_of)
    SELECT g, CASE WHEN a < 0.3 THEN 'appeal' ELSE 'incident' END,
           CASE WHEN a < 0.3 THEN 'hotline_12345' ELSE 'grid_worker' END,
           'bench-' || g, CASE WHEN a < 0.3 THEN 'TS' ELSE '0102' END, 'Moderate', status,
           bg.pt, bg.id, bg.path, at, at,
           CASE WHEN status IN ('closed', 'rejected', 'merged') THEN 'normal' WHEN w < 0.3 THEN 'overdue' WHEN w < 0.45 THEN 'warning' ELSE 'normal' END,
           -- One appeal in ten repeats an earlier case of its chunk (重复件: the fold counts them).
           CASE WHEN a < 0.03 AND g > ${range.from}::bigint THEN g - 1 END
    FROM (
      SELECT g, u, k, w, a, ${STATUS_OF} AS status,
             now() - CASE WHEN u >= 0.975 THEN make_interval(secs => w * 3 * 86400) ELSE make_interval(secs => 4 * 86400 + k * 361 * 86400) END AS at
      FROM (SELECT g, ${unit(sql`g`, sql`1`)} AS u, ${unit(sql`g`, sql`2`)} AS k, ${unit(sql`g`, sql`3`)} AS w, ${unit(sql`g`, sql`5`)} AS a
            FROM generate_series(${range.from}::bigint, ${range.to - 1}::bigint) AS g) h
    ) c
    JOIN bench_grids bg ON bg.n = 1 + (c.g * 7919) % ${range.grids}::bigint`);
}

/** After the fill: the cases' id sequence continues past the bench numbers. */
export async function finishBenchIds(database: Database): Promise<void> {
  await database.rows(sql`SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT coalesce(max(id), 1) FROM cases))`);
}

/** The events of the cases with ids in [fromId, toId), in case then step order (ids rise with time within a case). */
export async function fillBenchEvents(database: Database, fromId: number, toId: number): Promise<number> {
  const [row] = await database.rows<{ n: number }>(sql`
    WITH inserted AS (
      INSERT INTO case_events (case_id, at, actor, action, from_status, to_status, data)
      SELECT c.id, c.reported_at + make_interval(secs => s.minutes * 60 * c.scale),
             CASE WHEN s.action IN ('sla_warning', 'sla_overdue', 'escalated') THEN 'system:scheduler'
                  WHEN s.action = 'reported' THEN 'channel:' || c.channel ELSE 'user:1' END,
             s.action, NULL, NULL,
             CASE WHEN s.stage IS NULL THEN '{}'::jsonb
                  ELSE jsonb_build_object('left', jsonb_build_object('stage', s.stage, 'dueAt', NULL, 'overdue', ${unit(sql`c.id`, sql`s.ord + 20`)} < 0.12)) END
      FROM (
        SELECT id, channel, reported_at, status, 0.5 + ${unit(sql`id`, sql`4`)} * 1.5 AS scale,
               CASE status WHEN 'reported' THEN 1 WHEN 'registered' THEN 2 WHEN 'dispatched' THEN 3 WHEN 'in_progress' THEN 5
                           WHEN 'handled' THEN 6 ELSE 9 END AS rank
        FROM cases WHERE id >= ${fromId}::bigint AND id < ${toId}::bigint
      ) c
      CROSS JOIN ${STEPS}
      WHERE CASE c.status
              WHEN 'rejected' THEN s.ord = 1
              WHEN 'merged' THEN s.ord = 1
              ELSE s.rank <= c.rank AND (s.p >= 1 OR ${unit(sql`c.id`, sql`s.grp`)} < s.p) END
      UNION ALL
      -- 不予立案 and 合并 close a case at the register stage.
      SELECT c.id, c.reported_at + interval '40 minutes', 'user:1', CASE c.status WHEN 'rejected' THEN 'reject' ELSE 'merge' END, NULL, NULL,
             jsonb_build_object('left', jsonb_build_object('stage', 'register', 'dueAt', NULL, 'overdue', false))
      FROM cases c WHERE c.id >= ${fromId}::bigint AND c.id < ${toId}::bigint AND c.status IN ('rejected', 'merged')
      ORDER BY 1, 2
      RETURNING 1
    )
    SELECT count(*)::int AS n FROM inserted`);
  return row!.n;
}

-- Indicator rollups (docs/indicators.md): indicator_daily is kept by a statement-level
-- trigger on case_events and indicator_open by statement-level triggers on cases, in
-- the writing transaction. A late-committing transaction therefore carries its own
-- increments (no watermark can skip it), a rolled-back one leaves none, and a
-- 5,000-case intake batch is folded by one upsert per area, day and kind.

-- Working time on the working calendar: the SQL twin of server/domain/sla/working-time.ts
-- workingTimeBetween with the default office hours (08:30–12:00, 14:00–17:30 = 7 h a
-- day, UTC+8 all year). calendar_days lists the exceptions to Monday–Friday (holidays,
-- 调休 working weekends) of the covered years; other days follow Monday–Friday, as in
-- the TypeScript. Closed form, so a span of months costs as little as one of minutes;
-- tests/integration/indicator-rollups.test.ts holds it equal to the TypeScript.

-- Office ms of a local day before a local time of that day.
CREATE FUNCTION hcm_office_ms_before(t timestamp) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT round(least(greatest(extract(epoch FROM t - date_trunc('day', t)) * 1000 - 30600000, 0), 12600000)
             + least(greatest(extract(epoch FROM t - date_trunc('day', t)) * 1000 - 50400000, 0), 12600000))::bigint
$$;
--> statement-breakpoint

-- Monday–Friday days in [1900-01-01, d) (1900-01-01 was a Monday).
CREATE FUNCTION hcm_weekdays_before(d date) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT 5 * ((d - date '1900-01-01') / 7)::bigint + least((d - date '1900-01-01') % 7, 5)
$$;
--> statement-breakpoint

CREATE FUNCTION hcm_working_day(d date) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce((SELECT working FROM calendar_days WHERE day = d), extract(isodow FROM d) < 6)
$$;
--> statement-breakpoint

-- Working ms between two instants (0 when b is not after a).
CREATE FUNCTION hcm_working_ms(a timestamptz, b timestamptz) RETURNS bigint
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
  la timestamp := (a AT TIME ZONE 'UTC') + interval '8 hours';
  lb timestamp := (b AT TIME ZONE 'UTC') + interval '8 hours';
  da date := la::date;
  db date := lb::date;
  days bigint;
BEGIN
  IF a IS NULL OR b IS NULL OR b <= a THEN
    RETURN 0;
  END IF;
  -- Working days in [da, db): Monday–Friday, plus worked weekends, minus weekday holidays.
  days := hcm_weekdays_before(db) - hcm_weekdays_before(da) + coalesce((
    SELECT sum(CASE WHEN working THEN 1 ELSE -1 END) FROM calendar_days
    WHERE day >= da AND day < db AND working = (extract(isodow FROM day) >= 6)), 0);
  RETURN days * 25200000
    - CASE WHEN hcm_working_day(da) THEN hcm_office_ms_before(la) ELSE 0 END
    + CASE WHEN hcm_working_day(db) THEN hcm_office_ms_before(lb) ELSE 0 END;
END
$$;
--> statement-breakpoint

-- Which of the 8 rows per key (db/schema/indicators.ts INDICATOR_SHARDS) this transaction
-- adds to: concurrent transactions have different ids, so they do not queue on the
-- city's row, which each would otherwise hold until it commits. Readers sum the shards.
CREATE FUNCTION indicator_shard() RETURNS smallint
LANGUAGE sql VOLATILE AS $$
  SELECT (txid_current() % 8)::smallint
$$;
--> statement-breakpoint

-- Adds the given events to indicator_daily: one row per area of the case's path
-- (city → grid), Asia/Shanghai day of the event and case kind, in this transaction's
-- shard. The one place the counters are defined; the trigger and indicator_rebuild()
-- both call it. Rows are
-- upserted root first (then by code, day, kind), so concurrent folds lock the shared
-- rows in one order. A case's events are written one command at a time (its row is
-- locked), so within a case ids order them.
--   按期处置: the handle left the 处置 stage before its deadline (data.left.overdue = false).
--   按期结案: the close left the 核查 stage in time and no earlier command of the case left
--             any stage (立案, 派遣, 处置 — every rework round included) past its deadline.
--   处置时长: working ms from the dispatch (or rework) that started the 处置 stage to the
--             handle, minus the suspensions (suspend_approve → resume) inside it, as the SLA
--             clock counts; not timed when no dispatch or rework precedes the handle.
-- PL/pgSQL rather than SQL: a SQL function is planned again on every call (2 ms for this
-- statement), a PL/pgSQL one keeps its plan per session (0.4 ms per one-event fold).
CREATE FUNCTION indicator_fold(ids bigint[]) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  INSERT INTO indicator_daily AS r (area_code, day, kind, shard, reported, registered, rejected, dispatched, returned,
    handled, handled_on_time, closed, closed_on_time, rework, merged, suspended, extended, turned_overdue,
    escalated, handle_timed, handle_work_ms)
  SELECT a.code, f.day, f.kind, indicator_shard(),
    count(*) FILTER (WHERE f.action = 'reported'),
    count(*) FILTER (WHERE f.action = 'register'),
    count(*) FILTER (WHERE f.action = 'reject'),
    count(*) FILTER (WHERE f.action = 'dispatch'),
    count(*) FILTER (WHERE f.action = 'return'),
    count(*) FILTER (WHERE f.action = 'handle'),
    count(*) FILTER (WHERE f.action = 'handle' AND f.on_time),
    count(*) FILTER (WHERE f.action = 'close'),
    count(*) FILTER (WHERE f.action = 'close' AND f.on_time),
    count(*) FILTER (WHERE f.action = 'rework'),
    count(*) FILTER (WHERE f.action = 'merge'),
    count(*) FILTER (WHERE f.action = 'suspend_approve'),
    count(*) FILTER (WHERE f.action = 'extension_approve'),
    count(*) FILTER (WHERE f.action = 'sla_overdue'),
    count(*) FILTER (WHERE f.action = 'escalated'),
    count(f.work_ms),
    coalesce(sum(f.work_ms), 0)
  FROM (
    SELECT e.action, c.kind, c.area_codes, ((e.at AT TIME ZONE 'UTC') + interval '8 hours')::date AS day,
      CASE e.action
        WHEN 'handle' THEN coalesce(e.data->'left'->>'overdue' = 'false', false)
        WHEN 'close' THEN coalesce(e.data->'left'->>'overdue' = 'false', false) AND NOT EXISTS (
          SELECT 1 FROM case_events p
          WHERE p.case_id = e.case_id AND p.id < e.id AND p.data->'left'->>'overdue' = 'true'
            AND p.action IN ('register', 'reject', 'dispatch', 'accept', 'return', 'handle', 'close', 'rework', 'merge',
                             'suspend_request', 'suspend_approve', 'suspend_refuse', 'resume',
                             'extension_request', 'extension_approve', 'extension_refuse'))
      END AS on_time,
      CASE WHEN e.action = 'handle' THEN (
        SELECT greatest(0, hcm_working_ms(s.at, e.at) - coalesce((
            SELECT sum(hcm_working_ms(greatest(pa.at, s.at), least(coalesce((
                SELECT r.at FROM case_events r
                WHERE r.case_id = e.case_id AND r.id > pa.id AND r.id < e.id AND r.action = 'resume'
                ORDER BY r.id LIMIT 1), e.at), e.at)))
            FROM case_events pa
            WHERE pa.case_id = e.case_id AND pa.id > s.id AND pa.id < e.id AND pa.action = 'suspend_approve'), 0))
        FROM (
          SELECT st.id, st.at FROM case_events st
          WHERE st.case_id = e.case_id AND st.id < e.id AND st.action IN ('dispatch', 'rework')
          ORDER BY st.id DESC LIMIT 1) s)
      END AS work_ms
    FROM unnest(ids) AS n(id)
    JOIN case_events e ON e.id = n.id
    JOIN cases c ON c.id = e.case_id
    WHERE e.action IN ('reported', 'register', 'reject', 'dispatch', 'return', 'handle', 'close', 'rework', 'merge',
                       'suspend_approve', 'extension_approve', 'sla_overdue', 'escalated')
    OFFSET 0 -- a fence: compute each event's facts once, not once per area of its path
  ) f
  CROSS JOIN LATERAL unnest(f.area_codes) WITH ORDINALITY AS a(code, depth)
  GROUP BY a.code, f.day, f.kind
  ORDER BY min(a.depth), a.code, f.day, f.kind
  ON CONFLICT (area_code, day, kind, shard) DO UPDATE SET
    reported = r.reported + excluded.reported,
    registered = r.registered + excluded.registered,
    rejected = r.rejected + excluded.rejected,
    dispatched = r.dispatched + excluded.dispatched,
    returned = r.returned + excluded.returned,
    handled = r.handled + excluded.handled,
    handled_on_time = r.handled_on_time + excluded.handled_on_time,
    closed = r.closed + excluded.closed,
    closed_on_time = r.closed_on_time + excluded.closed_on_time,
    rework = r.rework + excluded.rework,
    merged = r.merged + excluded.merged,
    suspended = r.suspended + excluded.suspended,
    extended = r.extended + excluded.extended,
    turned_overdue = r.turned_overdue + excluded.turned_overdue,
    escalated = r.escalated + excluded.escalated,
    handle_timed = r.handle_timed + excluded.handle_timed,
    handle_work_ms = r.handle_work_ms + excluded.handle_work_ms;
END
$$;
--> statement-breakpoint

CREATE FUNCTION indicator_fold_events() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM indicator_fold(ARRAY(SELECT id FROM new_events ORDER BY id));
  RETURN NULL;
END
$$;
--> statement-breakpoint

CREATE TRIGGER case_events_indicators AFTER INSERT ON case_events
REFERENCING NEW TABLE AS new_events
FOR EACH STATEMENT EXECUTE FUNCTION indicator_fold_events();
--> statement-breakpoint

-- One case's contribution to indicator_open: +1 as it is now, -1 as it was.
CREATE TYPE indicator_open_delta AS (kind text, area_codes text[], status text, sla_state text, sign int);
--> statement-breakpoint

-- Adds the open cases among the deltas to indicator_open, per area of the path and kind
-- (in this transaction's shard). Deltas that cancel out touch no row.
CREATE FUNCTION indicator_open_apply(deltas indicator_open_delta[]) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF coalesce(cardinality(deltas), 0) = 0 THEN
    RETURN;
  END IF;
  INSERT INTO indicator_open AS r (area_code, kind, shard, open, overdue, warning)
  SELECT code, kind, indicator_shard(), open, overdue, warning FROM (
    SELECT a.code, d.kind, min(a.depth) AS depth, sum(d.sign)::int AS open,
           coalesce(sum(d.sign) FILTER (WHERE d.sla_state = 'overdue'), 0)::int AS overdue,
           coalesce(sum(d.sign) FILTER (WHERE d.sla_state = 'warning'), 0)::int AS warning
    FROM unnest(deltas) AS d
    CROSS JOIN LATERAL unnest(d.area_codes) WITH ORDINALITY AS a(code, depth)
    WHERE d.status NOT IN ('closed', 'rejected', 'merged')
    GROUP BY a.code, d.kind
  ) x
  WHERE open <> 0 OR overdue <> 0 OR warning <> 0
  ORDER BY depth, code, kind
  ON CONFLICT (area_code, kind, shard) DO UPDATE SET
    open = r.open + excluded.open, overdue = r.overdue + excluded.overdue, warning = r.warning + excluded.warning;
END
$$;
--> statement-breakpoint

-- Statement-level triggers on cases. An update passes on only the cases whose openness,
-- SLA state, path or kind changed, so a version bump or dispatched → in_progress costs
-- one scan of the transition tables and writes nothing.
CREATE FUNCTION indicator_open_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM indicator_open_apply(ARRAY(
      SELECT ROW(kind, area_codes, status, sla_state, 1)::indicator_open_delta FROM new_cases
      WHERE status NOT IN ('closed', 'rejected', 'merged')));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM indicator_open_apply(ARRAY(
      SELECT ROW(kind, area_codes, status, sla_state, -1)::indicator_open_delta FROM old_cases
      WHERE status NOT IN ('closed', 'rejected', 'merged')));
  ELSE
    PERFORM indicator_open_apply(ARRAY(
      SELECT v.d FROM new_cases n JOIN old_cases o ON o.id = n.id
      CROSS JOIN LATERAL (VALUES (ROW(n.kind, n.area_codes, n.status, n.sla_state, 1)::indicator_open_delta),
                                 (ROW(o.kind, o.area_codes, o.status, o.sla_state, -1)::indicator_open_delta)) AS v(d)
      WHERE (n.status NOT IN ('closed', 'rejected', 'merged')) IS DISTINCT FROM (o.status NOT IN ('closed', 'rejected', 'merged'))
         OR n.sla_state IS DISTINCT FROM o.sla_state OR n.area_codes IS DISTINCT FROM o.area_codes OR n.kind IS DISTINCT FROM o.kind));
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER cases_indicator_open_insert AFTER INSERT ON cases
REFERENCING NEW TABLE AS new_cases
FOR EACH STATEMENT EXECUTE FUNCTION indicator_open_changed();
--> statement-breakpoint

CREATE TRIGGER cases_indicator_open_update AFTER UPDATE ON cases
REFERENCING OLD TABLE AS old_cases NEW TABLE AS new_cases
FOR EACH STATEMENT EXECUTE FUNCTION indicator_open_changed();
--> statement-breakpoint

CREATE TRIGGER cases_indicator_open_delete AFTER DELETE ON cases
REFERENCING OLD TABLE AS old_cases
FOR EACH STATEMENT EXECUTE FUNCTION indicator_open_changed();
--> statement-breakpoint

-- Folds the shards of the days before `before` into shard 0, so a closed day is read as
-- one row per area and kind (a nightly job; returns the rows merged). Events are
-- written with the time they happen, so days before yesterday no longer change and
-- nothing queues behind this; should a late write meet it anyway, the write waits for
-- the commit and then adds to a fresh row of its shard: sums stay exact.
CREATE FUNCTION indicator_compact(before date) RETURNS bigint
LANGUAGE sql VOLATILE AS $$
  WITH moved AS (
    DELETE FROM indicator_daily WHERE day < before AND shard <> 0 RETURNING *
  ), merged AS (
    INSERT INTO indicator_daily AS r (area_code, day, kind, shard, reported, registered, rejected, dispatched, returned,
      handled, handled_on_time, closed, closed_on_time, rework, merged, suspended, extended, turned_overdue,
      escalated, handle_timed, handle_work_ms)
    SELECT area_code, day, kind, 0, sum(reported), sum(registered), sum(rejected), sum(dispatched), sum(returned),
      sum(handled), sum(handled_on_time), sum(closed), sum(closed_on_time), sum(rework), sum(merged), sum(suspended),
      sum(extended), sum(turned_overdue), sum(escalated), sum(handle_timed), sum(handle_work_ms)
    FROM moved GROUP BY area_code, day, kind ORDER BY day, area_code, kind
    ON CONFLICT (area_code, day, kind, shard) DO UPDATE SET
      reported = r.reported + excluded.reported,
      registered = r.registered + excluded.registered,
      rejected = r.rejected + excluded.rejected,
      dispatched = r.dispatched + excluded.dispatched,
      returned = r.returned + excluded.returned,
      handled = r.handled + excluded.handled,
      handled_on_time = r.handled_on_time + excluded.handled_on_time,
      closed = r.closed + excluded.closed,
      closed_on_time = r.closed_on_time + excluded.closed_on_time,
      rework = r.rework + excluded.rework,
      merged = r.merged + excluded.merged,
      suspended = r.suspended + excluded.suspended,
      extended = r.extended + excluded.extended,
      turned_overdue = r.turned_overdue + excluded.turned_overdue,
      escalated = r.escalated + excluded.escalated,
      handle_timed = r.handle_timed + excluded.handle_timed,
      handle_work_ms = r.handle_work_ms + excluded.handle_work_ms
    RETURNING 1
  )
  SELECT count(*) FROM merged
$$;
--> statement-breakpoint

-- Recomputes both tables: indicator_daily from case_events (after a restore, a deleted
-- case, or a change of these rules) and indicator_open from cases. Holds writes of
-- events and cases off until it commits, so nothing is counted twice or missed; folds
-- in slices of 100,000 events to bound each array. Returns the rows of indicator_daily.
CREATE FUNCTION indicator_rebuild() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  lo bigint;
  hi bigint;
BEGIN
  LOCK TABLE cases, case_events IN SHARE MODE;
  DELETE FROM indicator_open WHERE true;
  PERFORM indicator_open_apply(ARRAY(
    SELECT ROW(kind, area_codes, status, sla_state, 1)::indicator_open_delta FROM cases
    WHERE status NOT IN ('closed', 'rejected', 'merged')));
  DELETE FROM indicator_daily WHERE true;
  SELECT min(id), max(id) INTO lo, hi FROM case_events;
  WHILE lo <= hi LOOP
    PERFORM indicator_fold(ARRAY(SELECT id FROM case_events WHERE id >= lo AND id < lo + 100000));
    lo := lo + 100000;
  END LOOP;
  RETURN (SELECT count(*) FROM indicator_daily);
END
$$;
--> statement-breakpoint

SELECT indicator_rebuild();

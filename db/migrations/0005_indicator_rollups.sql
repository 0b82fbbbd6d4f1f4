-- Indicator rollups (docs/indicators.md): indicator_daily is kept by a statement-level
-- trigger on case_events, in the inserting transaction. A late-committing transaction
-- therefore carries its own increments (no watermark can skip it), a rolled-back one
-- leaves none, and a 5,000-case intake batch is folded by one upsert per area and day.

-- Working ms between two instants on the working calendar: the SQL twin of
-- server/domain/sla/working-time.ts workingTimeBetween with the default office hours
-- (08:30–12:00, 14:00–17:30, UTC+8 all year). calendar_days holds the holidays and
-- 调休 working weekends; other days follow Monday–Friday, as in the TypeScript.
-- tests/integration/indicator-working-time.test.ts holds the two equal.
CREATE FUNCTION hcm_working_ms(a timestamptz, b timestamptz) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN a IS NULL OR b IS NULL OR b <= a THEN 0 ELSE (
    SELECT coalesce(round(sum(extract(epoch FROM least(d.d + s.upto, x.lb) - greatest(d.d + s.since, x.la)) * 1000)), 0)::bigint
    FROM (SELECT (a AT TIME ZONE 'UTC') + interval '8 hours' AS la, (b AT TIME ZONE 'UTC') + interval '8 hours' AS lb) x
    CROSS JOIN LATERAL generate_series(date_trunc('day', x.la), date_trunc('day', x.lb), interval '1 day') AS d(d)
    CROSS JOIN (VALUES (interval '8 hours 30 minutes', interval '12 hours'), (interval '14 hours', interval '17 hours 30 minutes')) AS s(since, upto)
    LEFT JOIN calendar_days cd ON cd.day = d.d::date
    WHERE coalesce(cd.working, extract(isodow FROM d.d) < 6)
      AND least(d.d + s.upto, x.lb) > greatest(d.d + s.since, x.la)
  ) END
$$;
--> statement-breakpoint

-- Working ms of one 处置: from the dispatch (or rework) that started the handle stage to
-- the handle event, minus the suspensions (挂账: suspend_approve → resume) inside it, as
-- the SLA clock counts it. NULL when no dispatch or rework precedes the handle.
-- A case's events are written one command at a time (the case row is locked), so ids
-- order them.
CREATE FUNCTION indicator_handle_work_ms(p_case bigint, p_event bigint, p_at timestamptz) RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT greatest(0, hcm_working_ms(s.at, p_at) - coalesce((
      SELECT sum(hcm_working_ms(greatest(pa.at, s.at), least(coalesce(rs.at, p_at), p_at)))
      FROM case_events pa
      LEFT JOIN LATERAL (
        SELECT r.at FROM case_events r
        WHERE r.case_id = p_case AND r.id > pa.id AND r.id < p_event AND r.action = 'resume'
        ORDER BY r.id LIMIT 1) rs ON true
      WHERE pa.case_id = p_case AND pa.id > s.id AND pa.id < p_event AND pa.action = 'suspend_approve'), 0))
  FROM (
    SELECT id, at FROM case_events
    WHERE case_id = p_case AND id < p_event AND action IN ('dispatch', 'rework')
    ORDER BY id DESC LIMIT 1) s
$$;
--> statement-breakpoint

-- 按期结案: the close left the 核查 stage before its deadline and no earlier command of
-- the case left any stage (立案, 派遣, 处置 — each rework round included) past its deadline.
CREATE FUNCTION indicator_closed_on_time(p_case bigint, p_event bigint, p_data jsonb) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT coalesce(p_data->'left'->>'overdue' = 'false', false) AND NOT EXISTS (
    SELECT 1 FROM case_events p
    WHERE p.case_id = p_case AND p.id < p_event
      AND p.action IN ('register', 'reject', 'dispatch', 'accept', 'return', 'handle', 'close', 'rework', 'merge',
                       'suspend_request', 'suspend_approve', 'suspend_refuse', 'resume',
                       'extension_request', 'extension_approve', 'extension_refuse')
      AND p.data->'left'->>'overdue' = 'true')
$$;
--> statement-breakpoint

-- Adds the given events to indicator_daily: one row per area of the case's path
-- (city → grid), Asia/Shanghai day of the event and case kind. The one place the
-- counters are defined; the trigger and indicator_rebuild() both call it. Rows are
-- upserted root first (then by code, day, kind), so concurrent folds lock the shared
-- rows in one order.
CREATE FUNCTION indicator_fold(ids bigint[]) RETURNS void
LANGUAGE sql VOLATILE AS $$
  INSERT INTO indicator_daily AS r (area_code, day, kind, reported, registered, rejected, dispatched, returned,
    handled, handled_on_time, closed, closed_on_time, rework, merged, suspended, extended, turned_overdue,
    escalated, handle_timed, handle_work_ms)
  SELECT a.code, f.day, f.kind,
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
        WHEN 'close' THEN indicator_closed_on_time(e.case_id, e.id, e.data)
      END AS on_time,
      CASE WHEN e.action = 'handle' THEN indicator_handle_work_ms(e.case_id, e.id, e.at) END AS work_ms
    FROM case_events e JOIN cases c ON c.id = e.case_id
    WHERE e.id = ANY (ids)
      AND e.action IN ('reported', 'register', 'reject', 'dispatch', 'return', 'handle', 'close', 'rework', 'merge',
                       'suspend_approve', 'extension_approve', 'sla_overdue', 'escalated')
  ) f
  CROSS JOIN LATERAL unnest(f.area_codes) WITH ORDINALITY AS a(code, depth)
  GROUP BY a.code, f.day, f.kind
  ORDER BY min(a.depth), a.code, f.day, f.kind
  ON CONFLICT (area_code, day, kind) DO UPDATE SET
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
$$;
--> statement-breakpoint

CREATE FUNCTION indicator_fold_events() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM indicator_fold(ARRAY(SELECT id FROM new_events));
  RETURN NULL;
END
$$;
--> statement-breakpoint

CREATE TRIGGER case_events_indicators AFTER INSERT ON case_events
REFERENCING NEW TABLE AS new_events
FOR EACH STATEMENT EXECUTE FUNCTION indicator_fold_events();
--> statement-breakpoint

-- Recomputes indicator_daily from case_events (after a restore, a deleted case, or a
-- change of these rules). Holds inserts of events off until it commits, so nothing is
-- folded twice or missed; folds in slices of 100,000 events to bound each array.
CREATE FUNCTION indicator_rebuild() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  lo bigint;
  hi bigint;
BEGIN
  LOCK TABLE case_events IN SHARE MODE;
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

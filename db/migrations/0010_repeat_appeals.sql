ALTER TABLE "cases" ADD COLUMN "repeat_of" bigint;--> statement-breakpoint
ALTER TABLE "case_contacts" ADD COLUMN "phone_key" text;--> statement-breakpoint
ALTER TABLE "case_contacts" ADD COLUMN "id_key" text;--> statement-breakpoint
ALTER TABLE "indicator_daily" ADD COLUMN "repeated" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_repeat_of_cases_id_fk" FOREIGN KEY ("repeat_of") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cases_repeat_of_idx" ON "cases" USING btree ("repeat_of") WHERE repeat_of IS NOT NULL;--> statement-breakpoint
CREATE INDEX "case_contacts_phone_key_idx" ON "case_contacts" USING btree ("phone_key") WHERE phone_key IS NOT NULL;--> statement-breakpoint
CREATE INDEX "case_contacts_id_key_idx" ON "case_contacts" USING btree ("id_key") WHERE id_key IS NOT NULL;
--> statement-breakpoint

-- 重复件 in the rollups (docs/indicators.md): an appeal's `reported` event counts as a
-- repeat when the case's repeat_of is set. Intake sets repeat_of before it writes the
-- case's `reported` event (db/queries/cases.ts insertCases), in the same transaction, and
-- never changes it after, so the trigger's fold and indicator_rebuild() (which calls
-- indicator_fold) count the same. Existing rows need no rebuild: no case had repeat_of.
-- Below: indicator_fold and indicator_compact of 0007 with the `repeated` counter added.
CREATE OR REPLACE FUNCTION indicator_fold(ids bigint[]) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  INSERT INTO indicator_daily AS r (area_code, day, kind, shard, reported, repeated, registered, rejected, dispatched, returned,
    handled, handled_on_time, closed, closed_on_time, rework, merged, suspended, extended, turned_overdue,
    escalated, handle_timed, handle_work_ms)
  SELECT a.code, f.day, f.kind, indicator_shard(),
    count(*) FILTER (WHERE f.action = 'reported'),
    count(*) FILTER (WHERE f.action = 'reported' AND f.is_repeat),
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
      c.kind = 'appeal' AND c.repeat_of IS NOT NULL AS is_repeat,
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
    repeated = r.repeated + excluded.repeated,
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

CREATE OR REPLACE FUNCTION indicator_compact(before date) RETURNS bigint
LANGUAGE sql VOLATILE AS $$
  WITH moved AS (
    DELETE FROM indicator_daily WHERE day < before AND shard <> 0 RETURNING *
  ), merged AS (
    INSERT INTO indicator_daily AS r (area_code, day, kind, shard, reported, repeated, registered, rejected, dispatched, returned,
      handled, handled_on_time, closed, closed_on_time, rework, merged, suspended, extended, turned_overdue,
      escalated, handle_timed, handle_work_ms)
    SELECT area_code, day, kind, 0, sum(reported), sum(repeated), sum(registered), sum(rejected), sum(dispatched), sum(returned),
      sum(handled), sum(handled_on_time), sum(closed), sum(closed_on_time), sum(rework), sum(merged), sum(suspended),
      sum(extended), sum(turned_overdue), sum(escalated), sum(handle_timed), sum(handle_work_ms)
    FROM moved GROUP BY area_code, day, kind ORDER BY day, area_code, kind
    ON CONFLICT (area_code, day, kind, shard) DO UPDATE SET
      reported = r.reported + excluded.reported,
      repeated = r.repeated + excluded.repeated,
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

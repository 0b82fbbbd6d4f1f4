import { sql } from 'drizzle-orm';
import type { Runner } from '../../db/client';
import type { CaseKind } from '../../db/vocab';
import type { Counters, NowCounts } from '../../server/domain/indicators';
import { buildCalendar, chineseDaysYears, workingTimeBetween } from '../../server/domain/sla';

/**
 * The indicators of one area and period computed the slow, obvious way, straight
 * from case_events and cases: no rollup table, none of the migration's SQL functions
 * (days by the 'Asia/Shanghai' time zone name, 按期结案 by a window function, working
 * time in TypeScript on the chinese-days calendar; 重复件 from the contact keys in
 * case_contacts, not from cases.repeat_of). What the rollups must equal.
 */
const calendar = buildCalendar(chineseDaysYears());

export async function oracleIndicators(db: Runner, code: string, from: string, to: string, kind?: CaseKind): Promise<Counters & NowCounts> {
  const kindFilter = kind ? sql`AND kind = ${kind}` : sql``;
  const [counts] = await db.rows<Omit<Counters, 'handleTimed' | 'handleWorkMs'>>(sql`
    WITH repeats AS (
      -- A repeat: an appeal whose phone or ID key some appeal reported up to 30 days earlier also has
      -- (judged once per case, not once per event: the same answer, without a scan of the contacts per event).
      SELECT c.id FROM cases c
      WHERE c.kind = 'appeal' AND EXISTS (
          SELECT 1 FROM case_contacts kc, case_contacts ko JOIN cases o ON o.id = ko.case_id
          WHERE kc.case_id = c.id AND o.kind = 'appeal' AND o.id <> c.id
            AND (kc.phone_key = ko.phone_key OR kc.id_key = ko.id_key)
            AND (o.reported_at < c.reported_at OR (o.reported_at = c.reported_at AND o.id < c.id))
            AND c.reported_at - o.reported_at <= interval '30 days')
    ), ev AS (
      SELECT e.id, e.case_id, e.at, e.action, e.data, c.kind, c.area_codes,
        c.id IN (SELECT id FROM repeats) AS is_repeat,
        coalesce(bool_or(e.data->'left'->>'overdue' = 'true' AND e.action NOT LIKE 'clock:%'
                         AND e.action NOT IN ('reported', 'sla_warning', 'sla_overdue', 'escalated'))
          OVER (PARTITION BY e.case_id ORDER BY e.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), false) AS late_before
      FROM case_events e JOIN cases c ON c.id = e.case_id
    )
    SELECT count(*) FILTER (WHERE action = 'reported')::int AS reported,
           count(*) FILTER (WHERE action = 'reported' AND kind = 'appeal')::int AS "appealsReported",
           count(*) FILTER (WHERE action = 'reported' AND is_repeat)::int AS repeated,
           count(*) FILTER (WHERE action = 'register')::int AS registered,
           count(*) FILTER (WHERE action = 'reject')::int AS rejected,
           count(*) FILTER (WHERE action = 'dispatch')::int AS dispatched,
           count(*) FILTER (WHERE action = 'return')::int AS returned,
           count(*) FILTER (WHERE action = 'handle')::int AS handled,
           count(*) FILTER (WHERE action = 'handle' AND data->'left'->>'overdue' = 'false')::int AS "handledOnTime",
           count(*) FILTER (WHERE action = 'close')::int AS closed,
           count(*) FILTER (WHERE action = 'close' AND data->'left'->>'overdue' = 'false' AND NOT late_before)::int AS "closedOnTime",
           count(*) FILTER (WHERE action = 'rework')::int AS rework,
           count(*) FILTER (WHERE action = 'merge')::int AS merged,
           count(*) FILTER (WHERE action = 'suspend_approve')::int AS suspended,
           count(*) FILTER (WHERE action = 'extension_approve')::int AS extended,
           count(*) FILTER (WHERE action = 'sla_overdue')::int AS "turnedOverdue",
           count(*) FILTER (WHERE action = 'escalated')::int AS escalated
    FROM ev
    WHERE ${code} = ANY(area_codes) ${kindFilter}
      AND (at AT TIME ZONE 'Asia/Shanghai')::date >= ${from}::date AND (at AT TIME ZONE 'Asia/Shanghai')::date < ${to}::date`);

  const handles = await db.rows<{ id: number; caseId: number; at: number }>(sql`
    SELECT e.id, e.case_id AS "caseId", (extract(epoch FROM e.at) * 1000)::float8 AS at FROM case_events e JOIN cases c ON c.id = e.case_id
    WHERE e.action = 'handle' AND ${code} = ANY(c.area_codes) ${kind ? sql`AND c.kind = ${kind}` : sql``}
      AND (e.at AT TIME ZONE 'Asia/Shanghai')::date >= ${from}::date AND (e.at AT TIME ZONE 'Asia/Shanghai')::date < ${to}::date`);
  const caseIds = [...new Set(handles.map((h) => h.caseId))];
  const history = caseIds.length
    ? await db.rows<{ id: number; caseId: number; at: number; action: string }>(sql`
        SELECT id, case_id AS "caseId", (extract(epoch FROM at) * 1000)::float8 AS at, action FROM case_events
        WHERE case_id = ANY(${`{${caseIds.join(',')}}`}::bigint[]) ORDER BY case_id, id`)
    : [];
  const byCase = new Map<number, typeof history>();
  for (const e of history) byCase.set(e.caseId, [...(byCase.get(e.caseId) ?? []), e]);
  let handleTimed = 0;
  let handleWorkMs = 0;
  for (const h of handles) {
    const before = byCase.get(h.caseId)!.filter((e) => e.id < h.id);
    const start = before.filter((e) => e.action === 'dispatch' || e.action === 'rework').at(-1);
    if (!start) continue;
    const end = h.at;
    let work = workingTimeBetween(start.at, end, calendar).ms;
    for (const pause of before.filter((e) => e.action === 'suspend_approve' && e.id > start.id)) {
      const resume = before.find((e) => e.action === 'resume' && e.id > pause.id);
      work -= workingTimeBetween(Math.max(pause.at, start.at), Math.min(resume ? resume.at : end, end), calendar).ms;
    }
    handleTimed++;
    handleWorkMs += Math.max(0, work);
  }

  const [now] = await db.rows<NowCounts>(sql`
    SELECT count(*)::int AS open, count(*) FILTER (WHERE sla_state = 'overdue')::int AS overdue,
           count(*) FILTER (WHERE sla_state = 'warning')::int AS warning
    FROM cases WHERE status NOT IN ('closed', 'rejected', 'merged') AND ${code} = ANY(area_codes) ${kindFilter}`);
  return { ...counts!, handleTimed, handleWorkMs, ...now! };
}

/** Both rollup tables with their shards summed (what readers see), for comparing a kept table with a rebuild. */
export async function rollupTotals(db: Runner): Promise<unknown[]> {
  return db.rows(sql`
    SELECT 'daily' AS t, area_code, day::text AS day, kind,
           jsonb_build_array(sum(reported), sum(repeated), sum(registered), sum(rejected), sum(dispatched), sum(returned), sum(handled),
             sum(handled_on_time), sum(closed), sum(closed_on_time), sum(rework), sum(merged), sum(suspended), sum(extended),
             sum(turned_overdue), sum(escalated), sum(handle_timed), sum(handle_work_ms)) AS counters
    FROM indicator_daily GROUP BY area_code, day, kind
    UNION ALL
    SELECT 'open', area_code, NULL, kind, jsonb_build_array(sum(open), sum(overdue), sum(warning))
    FROM indicator_open GROUP BY area_code, kind
    -- Counters that went back to zero stay as rows; a rebuild writes none.
    HAVING sum(open) <> 0 OR sum(overdue) <> 0 OR sum(warning) <> 0
    ORDER BY 1, 2, 3, 4`);
}

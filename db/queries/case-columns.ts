import { sql } from 'drizzle-orm';
import { isoTime } from '../spatial';

/**
 * The one SELECT list that reads a case as screens see it (db/records.ts
 * CaseEventData), over `cases c LEFT JOIN areas g ON g.id = c.grid_id`. Snapshots,
 * intake, commands and the scheduler all use it, so a case looks the same whichever
 * path it arrives by.
 */
export const CASE_EVENT_COLUMNS = sql`
  c.id, c.kind, c.channel, c.category, c.topic, c.severity, c.status,
  ST_X(c.geom) AS lng, ST_Y(c.geom) AS lat, g.code AS grid, c.title,
  ${isoTime(sql`c.reported_at`)} AS "reportedAt",
  c.version,
  CASE WHEN c.sla_stage IS NULL THEN NULL ELSE jsonb_build_object(
    'stage', c.sla_stage,
    'dueAt', CASE WHEN c.sla_due_at IS NULL THEN NULL ELSE ${isoTime(sql`c.sla_due_at`)} END,
    'state', c.sla_state,
    'beyondCalendar', c.sla_beyond_calendar) END AS sla,
  c.assignee_id AS "assigneeId", c.department, c.rework, c.escalation_level AS escalation,
  c.duplicate_of AS "duplicateOf", c.merged_into AS "mergedInto"`;

/** Statuses that are finished (db/vocab.ts CLOSED_STATUSES), as SQL. */
export const OPEN_CASE = sql`c.status NOT IN ('closed', 'rejected', 'merged')`;

import { sql } from 'drizzle-orm';
import type { AlertEventData } from '../records';
import { DISPLAY_TOLERANCE_SQL, isoTime } from '../spatial';

/**
 * Who acknowledged, as people read it (over `alert_acks k LEFT JOIN users u`): the
 * user's display name, else the label of the principal (an API client, the simulator).
 */
export const ACK_BY_SQL = sql`COALESCE(u.display_name, k.actor_label, k.actor)`;

/**
 * The one SELECT list that reads an alert as screens see it (db/records.ts
 * AlertEventData), over `alerts a`. Intake, acknowledgements, the scheduler's sweeps
 * and snapshots all use it, so an alert looks the same whichever path it arrives by.
 * `geometry` is GeoJSON text (parse it with alertFromRow).
 */
export const ALERT_EVENT_COLUMNS = sql`
  a.id, a.source, a.event_type AS "eventType", a.headline, a.severity, a.urgency, a.certainty, a.status,
  ${isoTime(sql`a.onset`)} AS onset, ${isoTime(sql`a.expires`)} AS expires,
  a.affected_grids AS "affectedGrids", a.impact,
  jsonb_build_object(
    'pending', to_jsonb(ARRAY(SELECT x FROM unnest(a.ack_areas) AS x
                              WHERE NOT EXISTS (SELECT 1 FROM alert_acks k WHERE k.alert_id = a.id AND k.area_code = x) ORDER BY x)),
    'acknowledged', to_jsonb(ARRAY(SELECT k.area_code FROM alert_acks k WHERE k.alert_id = a.id ORDER BY k.area_code)),
    'level', a.escalation_level,
    'records', COALESCE((SELECT jsonb_agg(jsonb_build_object('area', k.area_code, 'by', ${ACK_BY_SQL}, 'at', ${isoTime(sql`k.at`)}) ORDER BY k.area_code)
                         FROM alert_acks k LEFT JOIN users u ON u.id = k.user_id WHERE k.alert_id = a.id), '[]'::jsonb)) AS ack,
  ST_AsGeoJSON(ST_Multi(ST_SimplifyPreserveTopology(a.geom, ${DISPLAY_TOLERANCE_SQL})), 5) AS geometry`;

/** What the service layer needs beyond the wire fields. */
export const STORED_ALERT_COLUMNS = sql`${ALERT_EVENT_COLUMNS},
  a.area_codes AS "areaCodes", a.on_wall AS "onWall", a.message_status AS "messageStatus", a.msg_type AS "msgType",
  a.ack_areas AS "ackAreas", a.created_by AS "createdBy", ${isoTime(sql`a.created_at`)} AS "createdAt",
  (NOT ST_IsEmpty(a.geom) AND cardinality(a.ack_areas) > 0) AS "inCity"`;

export type AlertRowData = Omit<AlertEventData, 'geometry'> & { geometry: string };

export interface StoredAlert extends AlertRowData {
  areaCodes: string[];
  onWall: boolean;
  messageStatus: string;
  msgType: string;
  ackAreas: string[];
  createdBy: string | null;
  createdAt: string;
  /** Its area reaches one of ours (false: it misses the city, or is known only by name). */
  inCity: boolean;
}

/** A row read with ALERT_EVENT_COLUMNS (or STORED_ALERT_COLUMNS) → the wire record, nothing more. */
export function alertFromRow(row: AlertRowData): AlertEventData {
  return {
    id: Number(row.id),
    source: row.source,
    eventType: row.eventType,
    headline: row.headline,
    severity: row.severity,
    urgency: row.urgency,
    certainty: row.certainty,
    status: row.status,
    onset: row.onset,
    expires: row.expires,
    affectedGrids: row.affectedGrids,
    impact: row.impact,
    ack: row.ack,
    geometry: JSON.parse(row.geometry) as AlertEventData['geometry'],
  };
}

import { sql } from 'drizzle-orm';
import type { Runner } from '../client';
import { isoTime } from '../spatial';
import { ACK_BY_SQL, STORED_ALERT_COLUMNS, type StoredAlert } from './alert-columns';

export interface AlertAck {
  alertId: number;
  areaCode: string;
  actor: string;
  actorLabel: string | null;
  /** Who, as people read it: the user's display name, else the principal's label. */
  by: string;
  note: string | null;
  at: string;
}

const ACK_COLUMNS = sql`k.alert_id AS "alertId", k.area_code AS "areaCode", k.actor, k.actor_label AS "actorLabel", ${ACK_BY_SQL} AS "by", k.note, ${isoTime(sql`k.at`)} AS at`;

/** Records one area's acknowledgement; null when that area had acknowledged before (nothing written). */
export async function insertAlertAck(
  tx: Runner,
  ack: { alertId: number; areaCode: string; userId: number | null; actor: string; actorLabel: string | null; note: string | null },
): Promise<AlertAck | null> {
  const [row] = await tx.rows<AlertAck>(sql`
    WITH k AS (
      INSERT INTO alert_acks (alert_id, area_code, user_id, actor, actor_label, note)
      VALUES (${ack.alertId}::bigint, ${ack.areaCode}, ${ack.userId}::int, ${ack.actor}, ${ack.actorLabel}, ${ack.note})
      ON CONFLICT (alert_id, area_code) DO NOTHING
      RETURNING *
    )
    SELECT ${ACK_COLUMNS} FROM k LEFT JOIN users u ON u.id = k.user_id`);
  return row ?? null;
}

export async function findAlertAck(db: Runner, alertId: number, areaCode: string): Promise<AlertAck | undefined> {
  const [row] = await db.rows<AlertAck>(sql`
    SELECT ${ACK_COLUMNS} FROM alert_acks k LEFT JOIN users u ON u.id = k.user_id WHERE k.alert_id = ${alertId}::bigint AND k.area_code = ${areaCode}`);
  return row;
}

/**
 * Once every acknowledging area has acknowledged, an active alert becomes
 * acknowledged and stops escalating. Returns the alert as it now is.
 */
export async function settleAcknowledged(tx: Runner, alertId: number): Promise<StoredAlert> {
  await tx.rows(sql`
    UPDATE alerts a SET status = 'acknowledged', next_escalation_at = NULL, updated_at = now()
    WHERE a.id = ${alertId}::bigint AND a.status = 'active'
      AND NOT EXISTS (SELECT 1 FROM unnest(a.ack_areas) x
                      WHERE NOT EXISTS (SELECT 1 FROM alert_acks k WHERE k.alert_id = a.id AND k.area_code = x))`);
  const [row] = await tx.rows<StoredAlert>(sql`SELECT ${STORED_ALERT_COLUMNS} FROM alerts a WHERE a.id = ${alertId}::bigint`);
  return row!;
}

/** The path (root first) of each area code given. */
export async function areaPaths(db: Runner, codes: readonly string[]): Promise<Map<string, string[]>> {
  if (codes.length === 0) return new Map();
  const rows = await db.rows<{ code: string; path: string[] }>(sql`
    SELECT code, path FROM areas WHERE code = ANY(${`{${codes.join(',')}}`}::text[])`);
  return new Map(rows.map((r) => [r.code, r.path]));
}

export interface UnacknowledgedAlert {
  id: number;
  severity: string;
  /** When it was stored (ms): escalation counts from here. */
  storedAtMs: number;
  /** Acknowledging areas that have not acknowledged yet. */
  pending: string[];
}

/**
 * Live, on-wall alerts from one source that some district has not acknowledged yet,
 * oldest first (the simulator's duty officers read their own alerts with it).
 */
export async function unacknowledgedAlertsOf(db: Runner, source: string, limit: number): Promise<UnacknowledgedAlert[]> {
  const rows = await db.rows<UnacknowledgedAlert>(sql`
    SELECT a.id, a.severity, (extract(epoch FROM a.created_at) * 1000)::float8 AS "storedAtMs",
           ARRAY(SELECT x FROM unnest(a.ack_areas) AS x
                 WHERE NOT EXISTS (SELECT 1 FROM alert_acks k WHERE k.alert_id = a.id AND k.area_code = x) ORDER BY x) AS pending
    FROM alerts a
    WHERE a.status = 'active' AND a.on_wall AND a.source = ${source} AND cardinality(a.ack_areas) > 0
    ORDER BY a.id
    LIMIT ${limit}`);
  return rows.map((r) => ({ ...r, id: Number(r.id), storedAtMs: Number(r.storedAtMs) }));
}

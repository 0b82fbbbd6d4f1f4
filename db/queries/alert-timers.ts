import { sql } from 'drizzle-orm';
import type { Runner } from '../client';
import { STORED_ALERT_COLUMNS, type StoredAlert } from './alert-columns';

/**
 * The scheduler's two alert sweeps. Each takes the due rows in batches with
 * FOR UPDATE SKIP LOCKED, so two nodes sweeping at once share the work instead of
 * doing it twice, and a row is due by the database's data alone (catch-up after
 * downtime is the same query).
 */

/** Live alerts whose `expires` is at or before `now` become expired; returns them as they now are. */
export async function expireDue(tx: Runner, now: string, limit: number): Promise<StoredAlert[]> {
  return tx.rows<StoredAlert>(sql`
    WITH due AS (
      SELECT id FROM alerts
      WHERE status IN ('active', 'acknowledged') AND expires IS NOT NULL AND expires <= ${now}::timestamptz
      ORDER BY expires, id LIMIT ${limit}::int FOR UPDATE SKIP LOCKED
    ), changed AS (
      UPDATE alerts a SET status = 'expired', next_escalation_at = NULL, updated_at = now()
      FROM due WHERE a.id = due.id RETURNING a.*
    )
    SELECT ${STORED_ALERT_COLUMNS} FROM changed a ORDER BY a.id`);
}

/** Active alerts whose next escalation is due, locked for this sweep. */
export async function lockDueEscalations(tx: Runner, now: string, limit: number): Promise<StoredAlert[]> {
  return tx.rows<StoredAlert>(sql`
    SELECT ${STORED_ALERT_COLUMNS} FROM alerts a
    WHERE a.next_escalation_at IS NOT NULL AND a.next_escalation_at <= ${now}::timestamptz AND a.status = 'active'
    ORDER BY a.next_escalation_at, a.id LIMIT ${limit}::int FOR UPDATE OF a SKIP LOCKED`);
}

/** Records the level reached and when the next one is due (null: none). Returns the alert as it now is. */
export async function setAlertEscalation(tx: Runner, id: number, level: number, nextAt: string | null): Promise<StoredAlert> {
  await tx.rows(sql`
    UPDATE alerts SET escalation_level = ${level}::int, next_escalation_at = ${nextAt}::timestamptz, updated_at = now()
    WHERE id = ${id}::bigint`);
  const [row] = await tx.rows<StoredAlert>(sql`SELECT ${STORED_ALERT_COLUMNS} FROM alerts a WHERE a.id = ${id}::bigint`);
  return row!;
}

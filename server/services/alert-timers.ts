import type { Database } from '../../db/client';
import { areaPaths } from '../../db/queries/alert-acks';
import { expireDue, lockDueEscalations, setAlertEscalation } from '../../db/queries/alert-timers';
import { appendFeed, type NewFeedRow } from '../../db/queries/feed';
import type { Severity } from '../../db/vocab';
import { audit, type AuditBy } from '../auth/audit';
import { escalationLevelAt, escalationTarget, levelsBetween, nextEscalationAt } from '../domain/alerts/escalation';
import { alertEscalatedRow, alertUpdatedRow } from './alert-intake';

/**
 * The alert timers, for the scheduler to call (one node at a time; each is also safe
 * to run on several: rows are claimed with SKIP LOCKED). Both are catch-up by
 * construction: what is due is read from the rows, so a server that was down runs
 * everything that fell due meanwhile on its first sweep. Feed rows are written last in
 * each transaction; the caller wakes the publisher when `fed` > 0 (its 1 s poll would
 * deliver them anyway).
 */
const SCHEDULER: AuditBy = { actor: 'system:scheduler', actorLabel: 'scheduler', ip: null };
const BATCH = 500;

const isoOf = (now: Date | number) => new Date(now).toISOString();

/** Ends every live alert whose `expires` has passed: status expired, `alert.updated` (action expired). */
export async function expireAlerts(database: Database, now: Date | number = Date.now()): Promise<{ expired: number; fed: number }> {
  let expired = 0;
  let fed = 0;
  for (;;) {
    const batch = await database.transaction(async (tx) => {
      const ended = await expireDue(tx, isoOf(now), BATCH);
      const rows = ended.filter((a) => a.onWall).map((a) => alertUpdatedRow(a, 'expired'));
      await appendFeed(tx, rows);
      return { count: ended.length, fed: rows.length };
    });
    expired += batch.count;
    fed += batch.fed;
    if (batch.count < BATCH) return { expired, fed };
  }
}

/**
 * Escalates every active alert some affected district has not acknowledged in time
 * (server/domain/alerts/escalation.ts): one `alert.escalated` row per level reached —
 * each level once, in order, however late the sweep — and one audit row per alert.
 */
export async function escalateUnacknowledged(database: Database, now: Date | number = Date.now()): Promise<{ escalated: number; fed: number }> {
  const at = new Date(now).getTime();
  let escalated = 0;
  let fed = 0;
  for (;;) {
    const batch = await database.transaction(async (tx) => {
      const due = await lockDueEscalations(tx, isoOf(at), BATCH);
      const paths = await areaPaths(tx, [...new Set(due.flatMap((a) => a.ack.pending))]);
      const rows: NewFeedRow[] = [];
      let raised = 0;
      for (const alert of due) {
        const storedAt = Date.parse(alert.createdAt);
        const severity = alert.severity as Severity;
        const from = alert.ack.level;
        const to = Math.max(from, escalationLevelAt(severity, storedAt, at));
        const next = nextEscalationAt(severity, storedAt, to);
        const now = await setAlertEscalation(tx, alert.id, to, next === null ? null : new Date(next).toISOString());
        const path = paths.get(alert.ack.pending[0] ?? '') ?? alert.areaCodes.slice(0, 1);
        const levels = levelsBetween(from, to);
        if (levels.length === 0) continue;
        raised++;
        await audit(tx, SCHEDULER, {
          action: 'alerts.escalate',
          targetType: 'alert',
          targetId: alert.id,
          areaCodes: alert.areaCodes,
          outcome: 'ok',
          details: { from, to, pending: alert.ack.pending, severity },
        });
        if (alert.onWall) for (const level of levels) rows.push(alertEscalatedRow(now, level, escalationTarget(path, level)));
      }
      await appendFeed(tx, rows);
      return { count: due.length, escalated: raised, fed: rows.length };
    });
    escalated += batch.escalated;
    fed += batch.fed;
    if (batch.count < BATCH) return { escalated, fed };
  }
}

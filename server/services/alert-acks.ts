import type { Database } from '../../db/client';
import { alertFromRow } from '../../db/queries/alert-columns';
import { areaPaths, findAlertAck, insertAlertAck, settleAcknowledged, type AlertAck } from '../../db/queries/alert-acks';
import { findAlert } from '../../db/queries/alerts';
import { appendFeed } from '../../db/queries/feed';
import type { AlertEventData } from '../../db/records';
import type { Scope } from '../../db/scope';
import { LIVE_ALERT_STATUSES, type AlertStatus } from '../../db/vocab';
import type { Actor } from '../auth/actor';
import { audit, auditBy, type AuditBy } from '../auth/audit';
import { AppError } from '../errors';
import { alertUpdatedRow } from './alert-intake';
import { withRetry } from './retry';

/**
 * A duty officer acknowledges an alert for one affected district: who, when and
 * which area, in one transaction with its audit row and an `alert.updated` feed row
 * (the last statement). Once every affected district has, the alert is acknowledged
 * and stops escalating. Idempotent per (alert, area): acknowledging again answers the
 * first acknowledgement and writes nothing.
 *
 * An alert outside the officer's jurisdiction is 404 (as if absent); an area that is
 * not the officer's own district (or inside it) is 403.
 */
export interface AcknowledgeRequest {
  /** The affected area acknowledged for; defaults to the one affected area inside the officer's jurisdiction. */
  area?: string;
  note?: string;
}

export interface Acknowledged {
  created: boolean;
  acknowledgement: AlertAck;
  alert: AlertEventData;
}

/**
 * Who acknowledges: the jurisdiction they answer for, the user (for the display name
 * on every card), and how the audit log names them. A person through the REST route
 * (ackByActor), or a system principal such as the simulator's duty officers.
 */
export interface AckBy {
  scope: Scope;
  userId: number | null;
  audit: AuditBy;
}

export function ackByActor(actor: Actor, ip: string | null): AckBy {
  return { scope: actor.scope, userId: actor.kind === 'user' ? actor.id : null, audit: auditBy(actor, ip) };
}

/** A system principal (`system:<label>`) that answers for `scope`; `name` is what people see ("who"). */
export function systemAckBy(label: string, name: string, scope: Scope): AckBy {
  return { scope, userId: null, audit: { actor: label.startsWith('system:') ? label : `system:${label}`, actorLabel: name, ip: null } };
}

export async function acknowledgeAlert(
  database: Database,
  actor: Actor,
  ip: string,
  alertId: number,
  request: AcknowledgeRequest,
  onCommit: () => void,
): Promise<Acknowledged> {
  return acknowledgeAlertAs(database, ackByActor(actor, ip), alertId, request, onCommit);
}

/** acknowledgeAlert for any principal (the route's person, or a system one). */
export async function acknowledgeAlertAs(
  database: Database,
  actor: AckBy,
  alertId: number,
  request: AcknowledgeRequest,
  onCommit: () => void,
): Promise<Acknowledged> {
  const result = await withRetry(() =>
    database.transaction(async (tx) => {
      const alert = await findAlert(tx, actor.scope, alertId, { lock: true });
      if (!alert) throw new AppError('NOT_FOUND', `no alert ${alertId}`, { id: alertId });
      const paths = await areaPaths(tx, alert.ackAreas);
      // Areas this officer answers for: their jurisdiction or inside it.
      const mine = alert.ackAreas.filter((code) => paths.get(code)?.includes(actor.scope.code));
      if (request.area === undefined && mine.length === 0) {
        throw new AppError('FORBIDDEN', `none of the areas this alert asks to acknowledge is in your jurisdiction ${actor.scope.code}`, {
          areas: alert.ackAreas,
          scope: actor.scope.code,
        });
      }
      const area = request.area ?? (mine.length === 1 ? mine[0]! : null);
      if (area === null) {
        throw new AppError('VALIDATION_FAILED', 'name the area you acknowledge for', [{ path: 'area', message: `one of ${mine.join(', ')}` }]);
      }
      if (!alert.ackAreas.includes(area)) {
        throw new AppError('UNKNOWN_AREA', `${area} is not an area this alert asks to acknowledge`, { path: 'area', areas: alert.ackAreas });
      }
      if (!mine.includes(area)) {
        throw new AppError('FORBIDDEN', `${area} is not in your jurisdiction ${actor.scope.code}`, { path: 'area', scope: actor.scope.code });
      }
      const earlier = await findAlertAck(tx, alert.id, area);
      if (earlier) return { created: false, acknowledgement: earlier, alert: alertFromRow(alert), fed: false };
      if (!LIVE_ALERT_STATUSES.includes(alert.status as AlertStatus)) {
        throw new AppError('CONFLICT', `alert ${alert.id} is ${alert.status}: there is nothing to acknowledge`, { status: alert.status });
      }
      const by = actor.audit;
      const ack = await insertAlertAck(tx, {
        alertId: alert.id,
        areaCode: area,
        userId: actor.userId,
        actor: by.actor,
        actorLabel: by.actorLabel,
        note: request.note ?? null,
      });
      if (!ack) throw new Error(`acknowledgement of ${alert.id} for ${area} neither inserted nor found`);
      const now = await settleAcknowledged(tx, alert.id);
      await audit(tx, by, {
        action: 'alerts.acknowledge',
        targetType: 'alert',
        targetId: alert.id,
        areaCode: area,
        outcome: 'ok',
        details: { area, status: now.status, pending: now.ack.pending, ...(request.note ? { note: request.note } : {}) },
      });
      if (now.onWall) await appendFeed(tx, [alertUpdatedRow(now, 'acknowledged')]);
      return { created: true, acknowledgement: ack, alert: alertFromRow(now), fed: now.onWall };
    }),
  );
  if (result.fed) onCommit();
  const { fed: _fed, ...answer } = result;
  return answer;
}

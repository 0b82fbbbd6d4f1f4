import type { AlertEventData } from '../../server/protocol/wire';
import type { Severity } from '../../server/protocol/vocab';
import type { Me } from './session';

/**
 * Who may do what on the alert desk, and the order of its list. Pure: the desk
 * components and the unit tests use the same rules. The server decides in the end
 * (server/auth/permissions.ts, server/services/alert-acks.ts); this only spares
 * people buttons that would be refused.
 */
export type DeskAccess = 'act' | 'read' | 'none';

/** alerts.create and alerts.acknowledge: admin and duty officers; leaders and dispatchers read. */
export function deskAccess(me: Me | null): DeskAccess {
  if (!me || me.kind !== 'user') return 'none';
  if (me.role === 'admin' || me.role === 'duty_officer') return 'act';
  if (me.role === 'leader' || me.role === 'dispatcher') return 'read';
  return 'none';
}

/**
 * The pending areas this person may acknowledge for: an area is theirs when their
 * jurisdiction is it or above it. Areas to acknowledge are districts (or the city,
 * in a city without districts), so a city-wide desk answers for every one and a
 * district desk for its own district only.
 */
export function myPendingAreas(alert: AlertEventData, me: Me | null): string[] {
  if (deskAccess(me) !== 'act' || !me?.area || alert.status !== 'active') return [];
  const area = me.area;
  return alert.ack.pending.filter((code) => code === area.code || area.level === 'city');
}

export type AckGroup = 'mine' | 'pending' | 'done';

/** mine: waiting for this person; pending: waiting for another district; done: acknowledged everywhere. */
export function ackGroup(alert: AlertEventData, me: Me | null): AckGroup {
  if (alert.status !== 'active' || alert.ack.pending.length === 0) return 'done';
  return myPendingAreas(alert, me).length > 0 ? 'mine' : 'pending';
}

/** Unacknowledged (in any district) and still live. */
export function isUnacknowledged(alert: AlertEventData): boolean {
  return alert.status === 'active' && alert.ack.pending.length > 0;
}

const GROUP_RANK: Record<AckGroup, number> = { mine: 0, pending: 1, done: 2 };
const SEVERITY_RANK: Record<Severity, number> = { Extreme: 0, Severe: 1, Moderate: 2, Minor: 3, Unknown: 4 };

/** Waiting for me first, then waiting for others, then acknowledged; within each, most severe, then newest. */
export function sortForDesk(alerts: Iterable<AlertEventData>, me: Me | null): Array<{ alert: AlertEventData; group: AckGroup }> {
  return [...alerts]
    .map((alert) => ({ alert, group: ackGroup(alert, me) }))
    .sort(
      (a, b) =>
        GROUP_RANK[a.group] - GROUP_RANK[b.group] ||
        SEVERITY_RANK[a.alert.severity] - SEVERITY_RANK[b.alert.severity] ||
        b.alert.id - a.alert.id,
    );
}

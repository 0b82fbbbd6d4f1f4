import type { Runner } from '../../db/client';
import { alertFromRow, type StoredAlert } from '../../db/queries/alert-columns';
import {
  checkAreaGeometry,
  checkPolygons,
  endAlerts,
  insertAlert,
  lockReferencedAlerts,
  type AlertRow,
  type AlertShape,
} from '../../db/queries/alerts';
import { previewAlertArea } from '../../db/queries/alert-preview';
import { appendFeed, type NewFeedRow } from '../../db/queries/feed';
import type { AlertPreview } from '../../db/records';
import { audit } from '../auth/audit';
import { capExternalId, type CapReference } from '../cap/message';
import { AppError } from '../errors';
import type { IntakeBy } from './ingest';

/**
 * The one transaction that stores an alert, whatever format it came in (our JSON,
 * CAP 1.2): the geometry checked by PostGIS, the alert row with its affected areas,
 * acknowledging districts and impact, the alerts a CAP Update or Cancel names
 * ended, one audit row, and the feed rows last (appendFeed's lock is held only
 * until commit).
 */
export interface AlertIntake {
  row: AlertRow;
  shape: AlertShape;
  /** CAP: the element path of each polygon of shape.geometry; null for the JSON route (one area, path `geometry`). */
  polygonPaths: string[] | null;
  /** A CAP Update or Cancel: the messages it names. */
  references: CapReference[];
}

export interface ReferenceOutcome {
  /** `sender,identifier,sent` as the message wrote it. */
  reference: string;
  alertId: number | null;
  /** superseded / cancelled: this message ended it; unchanged: it had already ended; not_found: none of yours. */
  outcome: 'superseded' | 'cancelled' | 'unchanged' | 'not_found';
}

export interface StoredIntake {
  /** Null when the message had been stored before (nothing new was written). */
  stored: StoredAlert | null;
  references: ReferenceOutcome[];
  /** Feed rows written (the publisher needs waking). */
  fed: number;
}

export async function storeAlert(tx: Runner, intake: AlertIntake, by: IntakeBy): Promise<StoredIntake> {
  await checkShape(tx, intake);
  const stored = await insertAlert(tx, intake.row, intake.shape, by.actor?.scope.code ?? null);
  if (!stored) return { stored: null, references: [], fed: 0 };
  // An alert placed in the city (or known only by name, scoped to the sender) must reach the sender's
  // jurisdiction; one that misses the city entirely is accepted (a feed would only retry) and kept off the wall.
  assertReachesJurisdiction(by, stored.ackAreas, stored.areaCodes, intake.polygonPaths ? 'alert.info.area' : 'geometry');
  const references = await endReferenced(tx, intake, stored, by);
  const changed = references.filter((r) => r.outcome === 'superseded' || r.outcome === 'cancelled');
  await audit(tx, by.audit, {
    action: 'alerts.create',
    targetType: 'alert',
    targetId: stored.id,
    areaCodes: stored.areaCodes,
    outcome: 'ok',
    details: {
      eventType: stored.eventType,
      severity: stored.severity,
      affectedGrids: stored.affectedGrids,
      ...(intake.polygonPaths ? { format: 'cap', msgType: stored.msgType, messageStatus: stored.messageStatus, onWall: stored.onWall } : {}),
      ...(changed.length > 0 ? { ended: changed.map((r) => ({ id: r.alertId, outcome: r.outcome })) } : {}),
    },
  });
  const rows: NewFeedRow[] = [];
  if (stored.onWall) rows.push(alertCreatedRow(stored));
  for (const ended of references.flatMap((r) => (r.ended ? [r.ended] : []))) {
    if (ended.onWall) rows.push(alertUpdatedRow(ended, ended.status));
  }
  await appendFeed(tx, rows);
  return { stored, references: references.map(({ ended: _ended, ...r }) => r), fed: rows.length };
}

/**
 * What storeAlert would find for a JSON alert's area (POST /api/alerts/preview): the
 * same geometry checks, the same PostGIS CTEs and the same jurisdiction rule, and no
 * write at all — no alert row, no audit row, no feed row.
 */
export async function previewAlert(tx: Runner, shape: AlertShape, by: IntakeBy): Promise<AlertPreview> {
  await checkShape(tx, { shape, polygonPaths: null });
  const preview = await previewAlertArea(tx, shape, by.actor?.scope.code ?? null);
  assertReachesJurisdiction(by, preview.ackAreas, preview.affectedAreas, 'geometry');
  return preview;
}

/** An alert placed in the city (or known only by name) must reach the sender's jurisdiction. */
function assertReachesJurisdiction(by: IntakeBy, ackAreas: string[], areaCodes: string[], path: string): void {
  const actor = by.actor;
  if (actor && ackAreas.length > 0 && !areaCodes.includes(actor.scope.code)) {
    throw new AppError('OUTSIDE_JURISDICTION', `the alert area does not reach the jurisdiction ${actor.scope.code}`, {
      path,
      scope: actor.scope.code,
    });
  }
}

async function checkShape(tx: Runner, intake: Pick<AlertIntake, 'shape' | 'polygonPaths'>): Promise<void> {
  const geometry = intake.shape.geometry;
  if (!geometry) return;
  if (!intake.polygonPaths) {
    const check = await checkAreaGeometry(tx, geometry);
    if (!check.valid || check.empty) {
      throw new AppError('INVALID_GEOMETRY', `geometry is not valid: ${check.empty ? 'empty' : check.reason}`, { path: 'geometry', reason: check.reason });
    }
    return;
  }
  const polygons = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates).map((coordinates) => ({ type: 'Polygon' as const, coordinates }));
  const checks = await checkPolygons(tx, polygons);
  const problems = checks.flatMap((check, i) =>
    check.valid && !check.empty ? [] : [{ path: intake.polygonPaths![i] ?? 'alert.info.area', message: check.empty ? 'empty' : check.reason }],
  );
  if (problems.length > 0) {
    throw new AppError('INVALID_GEOMETRY', `invalid CAP polygon: ${problems[0]!.path}: ${problems[0]!.message}`, problems);
  }
}

type Outcome = ReferenceOutcome & { ended?: StoredAlert };

/**
 * A CAP Update supersedes, a Cancel cancels, each live alert its <references> name —
 * only alerts stored by the same principal (or any, for an admin), so one feed cannot
 * end another's alerts; anything else is answered not_found.
 */
async function endReferenced(tx: Runner, intake: AlertIntake, stored: StoredAlert, by: IntakeBy): Promise<Outcome[]> {
  const msgType = intake.row.msgType;
  if (intake.references.length === 0 || (msgType !== 'Update' && msgType !== 'Cancel')) return [];
  const keys = intake.references.map((r) => ({ source: r.sender, externalId: capExternalId(r.identifier, r.sent) }));
  const found = await lockReferencedAlerts(tx, keys);
  const mayEnd = (createdBy: string | null) => by.actor?.role === 'admin' || by.actor === null || createdBy === intake.row.createdBy;
  const status = msgType === 'Update' ? 'superseded' : 'cancelled';
  const live = found.filter((a) => a.id !== stored.id && mayEnd(a.createdBy) && (a.status === 'active' || a.status === 'acknowledged'));
  const ended = await endAlerts(tx, live.map((a) => a.id), status, msgType === 'Update' ? stored.id : null);
  const endedById = new Map(ended.map((a) => [Number(a.id), a]));
  return intake.references.map((ref, i) => {
    const reference = `${ref.sender},${ref.identifier},${ref.sent}`;
    const match = found.find((a) => a.source === keys[i]!.source && a.externalId === keys[i]!.externalId && a.id !== stored.id);
    if (!match || !mayEnd(match.createdBy)) return { reference, alertId: null, outcome: 'not_found' };
    const done = endedById.get(Number(match.id));
    return done ? { reference, alertId: Number(match.id), outcome: status, ended: done } : { reference, alertId: Number(match.id), outcome: 'unchanged' };
  });
}

/** Feed rows of alert changes: every area the alert reaches, so each level's rooms see it. */
export function alertCreatedRow(stored: StoredAlert): NewFeedRow {
  return { topic: 'alert.created', layer: 'alerts', areaCodes: stored.areaCodes, payload: alertFromRow(stored) };
}

export function alertUpdatedRow(stored: StoredAlert, action: string): NewFeedRow {
  return { topic: 'alert.updated', layer: 'alerts', areaCodes: stored.areaCodes, payload: { ...alertFromRow(stored), action } };
}

export function alertEscalatedRow(stored: StoredAlert, level: number, to: string): NewFeedRow {
  return { topic: 'alert.escalated', layer: 'alerts', areaCodes: stored.areaCodes, payload: { ...alertFromRow(stored), level, to } };
}

import type { Database } from '../../db/client';
import { findCasesByExternalIds, insertCases, type CaseRow, type StoredCase } from '../../db/queries/cases';
import { appendFeed, type NewFeedRow } from '../../db/queries/feed';
import { alertFromRow } from '../../db/queries/alert-columns';
import { findAffectedGrids, findAlertByExternalId, type AffectedGrid, type StoredAlert } from '../../db/queries/alerts';
import { lockRepeatKeys } from '../../db/queries/repeats';
import { limitStatementTime } from '../../db/queries/session';
import type { AlertPreview } from '../../db/records';
import type { Severity } from '../../db/vocab';
import type { Actor } from '../auth/actor';
import { audit, auditBy, type AuditBy } from '../auth/audit';
import { contactKeyer, type ContactKeyer } from '../auth/contact-keys';
import { DEMO_CONTACT_KEY_SECRET } from '../auth/demo-secrets';
import type { CapMessage } from '../cap/message';
import { capToIntake } from '../cap/to-alert';
import { AppError } from '../errors';
import { escalationStep } from '../domain/alerts/escalation';
import { geometryCost, geometryCostProblems } from '../domain/geometry-cost';
import { Budget } from './budget';
import { previewAlert, storeAlert, type AlertIntake, type ReferenceOutcome } from './alert-intake';
import { attachPhotos } from './photos';
import { assertChannels, outsideJurisdiction } from './intake-policy';
import { withRetry } from './retry';
import { ALERT_TYPES, APPEAL_TOPICS, APPEAL_TYPES, INCIDENT_CATEGORIES } from '../domain/categories';
import { buildCalendar, chineseDaysYears, reportedClock, slaColumns, type WorkingCalendar } from '../domain/sla';
import type { AlertInput, AlertPreviewInput, CaseInput } from '../protocol/api';
import { layerOfKind } from '../protocol/vocab';
import type { AlertEventData, CaseEventData } from '../protocol/wire';

/**
 * Who is reporting: an actor (checked against its channels and jurisdiction) or
 * the system itself (the in-process simulator, benchmarks), which is not limited.
 * Either way every write is audited in its own transaction.
 */
export interface IntakeBy {
  actor: Actor | null;
  audit: AuditBy;
}

export const SYSTEM_INTAKE: IntakeBy = { actor: null, audit: { actor: 'system:intake', actorLabel: 'system', ip: null } };

export function intakeBy(actor: Actor, ip: string): IntakeBy {
  return { actor, audit: auditBy(actor, ip) };
}

export interface IngestedCase {
  case: CaseEventData;
  /** false when (channel, externalId) had been ingested before: nothing new was written. */
  created: boolean;
}

export interface IngestedAlert {
  alert: AlertEventData;
  created: boolean;
  affectedGrids: AffectedGrid[];
}

/** The answer to a CAP message: the alert it stored (or had stored before) and what its references did. */
export interface IngestedCap {
  /** false when (sender, identifier, sent) had been stored before: nothing new was written. */
  created: boolean;
  alert: AlertEventData;
  /** CAP <status>: anything but Actual is stored, flagged here, and kept off the wall. */
  messageStatus: string;
  msgType: string;
  /** Pushed to walls: Actual, not a Cancel, and inside the city (or known only by name). */
  onWall: boolean;
  /** Each stored alert, with the codes of every area (any level) and unit grid it reaches; none when it misses the city. */
  stored: Array<{ id: number; identifier: string; affectedAreas: string[]; affectedGrids: string[] }>;
  areaDescs: string[];
  references: ReferenceOutcome[];
}

/**
 * The one write path for intake (REST, simulator, later Open311/CAP): checks codes
 * against the catalogue, then writes rows, grid assignment and feed rows in one
 * transaction, and wakes the publisher after commit. Anything invalid throws an
 * AppError before the transaction starts, so nothing is written.
 */
export interface IngestOptions {
  /** Longest a single statement of an intake transaction may run (ms). */
  statementTimeoutMs: number;
  /** Alerts are the expensive intake: they share this budget of connections. */
  alertBudget: Budget;
  /** The working calendar of the SLA clocks (server/services/calendar.ts). */
  calendar: () => WorkingCalendar;
  /** The instant SLA states are judged at (ms): the wall clock; a simulation on a fake clock passes its own. */
  clock: () => number;
  /** Keyed hashes of reporters' contacts (CONTACT_KEY_SECRET), which link repeat appeals. */
  contactKeys: ContactKeyer;
}

let packageCalendar: WorkingCalendar | undefined;
const DEFAULT_OPTIONS: IngestOptions = {
  statementTimeoutMs: 10_000,
  alertBudget: new Budget('alert', 2, 16),
  calendar: () => (packageCalendar ??= buildCalendar(chineseDaysYears())),
  clock: () => Date.now(),
  contactKeys: contactKeyer(DEMO_CONTACT_KEY_SECRET),
};

export class IngestService {
  private readonly options: IngestOptions;

  constructor(
    private readonly database: Database,
    private readonly onCommit: () => void,
    options: Partial<IngestOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
  }

  async ingestCases(inputs: CaseInput[], by: IntakeBy = SYSTEM_INTAKE): Promise<IngestedCase[]> {
    const calendar = this.options.calendar();
    const now = this.options.clock();
    const rows = inputs.map((input) => toCaseRow(input, calendar, now, this.options.contactKeys));
    const single = inputs.length === 1;
    const problems = inputs.flatMap((input, index) => catalogueProblems(input, inputs.length > 1 ? index : null));
    if (problems.length > 0) {
      throw new AppError('UNKNOWN_CODE', problems[0]!.message, problems.slice(0, 50));
    }
    const actor = by.actor;
    if (!actor && inputs.some((input) => input.photos?.length)) {
      throw new AppError('PHOTO_NOT_ATTACHABLE', 'photos can only be attached by the user who uploaded them', { path: 'photos' });
    }
    if (actor) assertChannels(actor, inputs.map((input, index) => ({ channel: input.channel, index: single ? null : index })));
    const indexOf = new Map(rows.map((r, i) => [keyOf(r.channel, r.externalId), i]));
    // Canonical lock order: every transaction claims (channel, external id) keys in the
    // same sorted order, so two batches sharing keys queue behind each other instead of
    // deadlocking. Deadlocks and dropped connections that still happen are retried:
    // the insert is idempotent on that key, and the retry repeats the whole transaction.
    const ordered = [...rows].sort((a, b) => compareKeys(a, b));
    const created = await withRetry(() =>
      this.database.transaction(async (tx) => {
        await limitStatementTime(tx, this.options.statementTimeoutMs);
        // First: one contact's appeals committing at once queue here, so the later one is linked as a repeat.
        await lockRepeatKeys(tx, ordered.flatMap((r) => (r.reporter ? [r.reporter] : [])));
        const inserted = await insertCases(tx, ordered);
        if (actor) {
          // Located by PostGIS inside this transaction; a case outside the reporter's jurisdiction rolls it all back.
          const outside = inserted.filter((c) => !c.areaCodes.includes(actor.scope.code)).map((c) => indexOf.get(keyOf(c.channel, c.externalId))!);
          if (outside.length > 0) throw outsideJurisdiction(actor, outside, single);
          // The report's photos move to the case in this transaction; someone else's, or one already used, refuses it all.
          for (const c of inserted) {
            const index = indexOf.get(keyOf(c.channel, c.externalId))!;
            const photos = inputs[index]?.photos;
            if (photos?.length) await attachPhotos(tx, c.id, photos, actor, single ? 'photos' : `cases.${index}.photos`);
          }
        }
        await appendFeed(tx, inserted.map(caseFeedRow));
        if (inserted.length > 0) {
          await audit(tx, by.audit, {
            action: 'cases.create',
            targetType: 'case',
            targetId: inserted[0]!.id,
            areaCodes: [...new Set(inserted.flatMap((c) => c.areaCodes))],
            outcome: 'ok',
            details: { count: inserted.length, ids: inserted.slice(0, 100).map((c) => c.id) },
          });
        }
        return inserted;
      }),
    );
    if (created.length > 0) this.onCommit();

    const byKey = new Map(created.map((c) => [keyOf(c.channel, c.externalId), c]));
    const missing = rows.filter((r) => !byKey.has(keyOf(r.channel, r.externalId)));
    const existing = await withRetry(() =>
      findCasesByExternalIds(
        this.database,
        missing.map((r) => ({ channel: r.channel, externalId: r.externalId })),
      ),
    );
    const existingByKey = new Map(existing.map((c) => [keyOf(c.channel, c.externalId), c]));
    const seen = new Set<string>();
    return rows.map((r) => {
      const key = keyOf(r.channel, r.externalId);
      const fresh = byKey.get(key);
      const first = !seen.has(key);
      seen.add(key);
      if (fresh) return { case: toEventData(fresh), created: first };
      const old = existingByKey.get(key);
      if (!old) throw new Error(`case ${key} neither inserted nor found`);
      // An idempotent repeat returns the stored case only to someone who may see it.
      if (actor && !old.areaCodes.includes(actor.scope.code)) throw outsideJurisdiction(actor, [rows.indexOf(r)], single);
      return { case: toEventData(old), created: false };
    });
  }

  async ingestAlert(input: AlertInput, by: IntakeBy = SYSTEM_INTAKE): Promise<IngestedAlert> {
    if (!ALERT_TYPES.has(input.eventType)) {
      throw new AppError('UNKNOWN_CODE', `unknown alert type ${input.eventType}`, {
        path: 'eventType',
        known: [...ALERT_TYPES.keys()],
      });
    }
    if (input.onset && input.expires && Date.parse(input.expires) <= Date.parse(input.onset)) {
      throw new AppError('VALIDATION_FAILED', 'expires must be after onset', [{ path: 'expires', message: 'before onset' }]);
    }
    assertAffordable(input.geometry);
    const intake: AlertIntake = {
      row: {
        source: input.source,
        externalId: input.externalId,
        eventType: input.eventType,
        headline: input.headline,
        description: input.description ?? null,
        severity: input.severity,
        urgency: input.urgency,
        certainty: input.certainty,
        onset: input.onset ?? null,
        expires: input.expires ?? null,
        messageStatus: 'Actual',
        msgType: 'Alert',
        translations: [],
        cap: null,
        createdBy: by.audit.actor,
        escalationStepMs: escalationStep(input.severity),
      },
      shape: { geometry: input.geometry, circles: [], geocodes: [] },
      polygonPaths: null,
      references: [],
    };
    const { stored, created } = await this.options.alertBudget.run(() => this.writeAlert(intake, by));
    return { alert: alertFromRow(stored), created, affectedGrids: await withRetry(() => findAffectedGrids(this.database, stored.id)) };
  }

  /**
   * A validated CAP 1.2 message (server/cap/read.ts) through the same transaction as
   * every alert. A repeat of (sender, identifier, sent) stores nothing and answers the
   * alert stored the first time.
   */
  async ingestCap(message: CapMessage, by: IntakeBy = SYSTEM_INTAKE): Promise<IngestedCap> {
    const cap = capToIntake(message);
    const intake: AlertIntake = {
      ...cap,
      row: { ...cap.row, createdBy: by.audit.actor, escalationStepMs: escalationStep(cap.row.severity as Severity) },
    };
    const { stored, created, references } = await this.options.alertBudget.run(() => this.writeAlert(intake, by));
    const grids = await withRetry(() => findAffectedGrids(this.database, stored.id));
    return {
      created,
      alert: alertFromRow(stored),
      messageStatus: stored.messageStatus,
      msgType: stored.msgType,
      onWall: stored.onWall,
      stored: [
        {
          id: Number(stored.id),
          identifier: message.identifier,
          affectedAreas: stored.inCity ? stored.areaCodes : [],
          affectedGrids: grids.map((g) => g.code),
        },
      ],
      areaDescs: cap.areaDescs,
      references,
    };
  }

  /**
   * What ingestAlert would store for this area — affected areas and grids, the districts
   * that would acknowledge, the impact — computed by the same SQL in a transaction that
   * writes nothing (POST /api/alerts/preview). The same checks, errors and budget.
   */
  async previewAlert(input: AlertPreviewInput, by: IntakeBy = SYSTEM_INTAKE): Promise<AlertPreview> {
    assertAffordable(input.geometry);
    const shape = { geometry: input.geometry, circles: [], geocodes: [] };
    return this.options.alertBudget.run(() =>
      withRetry(() =>
        this.database.transaction(async (tx) => {
          await limitStatementTime(tx, this.options.statementTimeoutMs);
          return previewAlert(tx, shape, by);
        }),
      ),
    );
  }

  /** One alert transaction, retried on conflicts and lost connections; a repeat finds the first one's row. */
  private async writeAlert(intake: AlertIntake, by: IntakeBy): Promise<{ stored: StoredAlert; created: boolean; references: ReferenceOutcome[] }> {
    const result = await withRetry(() =>
      this.database.transaction(async (tx) => {
        await limitStatementTime(tx, this.options.statementTimeoutMs);
        return storeAlert(tx, intake, by);
      }),
    );
    if (result.fed > 0) this.onCommit();
    if (result.stored) return { stored: result.stored, created: true, references: result.references };
    const { source, externalId } = intake.row;
    const old = await withRetry(() => findAlertByExternalId(this.database, source, externalId));
    if (!old) throw new Error(`alert ${source}/${externalId} neither inserted nor found`);
    // An idempotent repeat returns the stored alert only to someone who may see it.
    if (by.actor && !old.areaCodes.includes(by.actor.scope.code)) {
      throw new AppError('OUTSIDE_JURISDICTION', `the alert area does not reach the jurisdiction ${by.actor.scope.code}`, { scope: by.actor.scope.code });
    }
    return { stored: old, created: false, references: [] };
  }
}

/** Cost first, in memory: a geometry too costly to intersect never reaches SQL. */
function assertAffordable(geometry: AlertInput['geometry']): void {
  const tooCostly = geometryCostProblems(geometryCost(geometry));
  if (tooCostly.length > 0) {
    throw new AppError('GEOMETRY_TOO_COMPLEX', `geometry is too complex: ${tooCostly[0]!.message}`, tooCostly);
  }
}

function compareKeys(a: CaseRow, b: CaseRow): number {
  if (a.channel !== b.channel) return a.channel < b.channel ? -1 : 1;
  return a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0;
}

function keyOf(channel: string, externalId: string): string {
  return `${channel}\u0000${externalId}`;
}

function catalogueProblems(input: CaseInput, index: number | null): Array<{ path: string; message: string }> {
  const at = (field: string) => (index === null ? field : `cases.${index}.${field}`);
  const problems: Array<{ path: string; message: string }> = [];
  if (input.kind === 'incident' && !INCIDENT_CATEGORIES.has(input.category)) {
    problems.push({ path: at('category'), message: `unknown incident category ${input.category}` });
  }
  if (input.kind === 'appeal' && !APPEAL_TYPES.has(input.category)) {
    problems.push({ path: at('category'), message: `unknown appeal type ${input.category}` });
  }
  if (input.topic !== undefined && !APPEAL_TOPICS.has(input.topic)) {
    problems.push({ path: at('topic'), message: `unknown appeal topic ${input.topic}` });
  }
  return problems;
}

function toCaseRow(input: CaseInput, calendar: WorkingCalendar, now: number, contactKeys: ContactKeyer): CaseRow {
  const reportedAt = input.reportedAt ? new Date(input.reportedAt) : new Date(now);
  // The 立案 clock runs from the report: a backfilled case may already be late.
  const sla = slaColumns(reportedClock(reportedAt.getTime()), input, calendar, now);
  const [lng, lat] = input.location.coordinates;
  return {
    kind: input.kind,
    channel: input.channel,
    externalId: input.externalId,
    category: input.category,
    topic: input.topic ?? null,
    severity: input.severity,
    title: input.title ?? null,
    description: input.description ?? null,
    address: input.address ?? null,
    lng,
    lat,
    reportedAt: reportedAt.toISOString(),
    sla: {
      clock: sla.slaClock,
      stage: sla.slaStage,
      dueAt: sla.slaDueAt?.toISOString() ?? null,
      warnAt: sla.slaWarnAt?.toISOString() ?? null,
      state: sla.slaState,
      beyondCalendar: sla.slaBeyondCalendar,
    },
    attributes: input.attributes ?? {},
    reporter: reporterRow(input, contactKeys),
  };
}

/** The contact as case_contacts stores it; only an appeal's is keyed (incidents are never linked as repeats). */
function reporterRow(input: CaseInput, contactKeys: ContactKeyer): CaseRow['reporter'] {
  const reporter = input.reporter;
  if (!reporter) return null;
  const keys = input.kind === 'appeal' ? contactKeys(reporter) : { phoneKey: null, idKey: null };
  return { name: reporter.name ?? null, phone: reporter.phone ?? null, idNumber: reporter.idNumber ?? null, ...keys };
}

function toEventData(stored: StoredCase): CaseEventData {
  const { externalId: _externalId, areaCodes: _areaCodes, ...data } = stored;
  return data;
}

function caseFeedRow(stored: StoredCase): NewFeedRow {
  return {
    topic: 'case.created',
    layer: layerOfKind(stored.kind),
    areaCodes: stored.areaCodes,
    payload: toEventData(stored),
  };
}

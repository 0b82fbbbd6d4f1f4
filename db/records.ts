import { z } from 'zod';
import { CASE_KINDS, CASE_STATUSES, HOTSPOT_TRENDS, SEVERITIES, SLA_STAGES, SLA_STATES, type AreaLevel } from './vocab';

/**
 * Records as the database layer hands them out and the wire carries them: cases
 * and alerts in feed events and snapshots, areas as GeoJSON. They live at the
 * lowest layer so db/ never imports server/; the wire contract (server/protocol)
 * re-exports them for the browser.
 */
export const caseEventDataSchema = z.object({
  id: z.number(),
  kind: z.enum(CASE_KINDS),
  channel: z.string(),
  category: z.string(),
  topic: z.string().nullable(),
  severity: z.enum(SEVERITIES),
  status: z.enum(CASE_STATUSES),
  lng: z.number(),
  lat: z.number(),
  /** Unit grid code, or null when the point lies outside every grid. */
  grid: z.string().nullable(),
  title: z.string().nullable(),
  reportedAt: z.string(),
  /** Rises by one per accepted command: a screen keeps the highest version it has seen. */
  version: z.number().int(),
  /** The running stage's SLA clock; null once the case is finished. */
  sla: z
    .object({
      stage: z.enum(SLA_STAGES),
      /** Null while suspended (挂账): the deadline is unknown until the case resumes. */
      dueAt: z.string().nullable(),
      state: z.enum(SLA_STATES),
      /** The deadline ran past the working calendar's last year: computed on weekends only. */
      beyondCalendar: z.boolean(),
    })
    .nullable(),
  /** Responder reference (responders.id) the case is dispatched to: an id, never a name. */
  assigneeId: z.number().nullable(),
  /** 专业部门 code the case is dispatched to. */
  department: z.string().nullable(),
  rework: z.number().int(),
  /** Levels above its own area the case has been escalated to while overdue. */
  escalation: z.number().int(),
  /** A possible duplicate of this open case (found at intake; never merged automatically). */
  duplicateOf: z.number().nullable(),
  mergedInto: z.number().nullable(),
});
export type CaseEventData = z.infer<typeof caseEventDataSchema>;

/**
 * What lies inside an alert's area when it was stored: open cases, on-duty responders
 * (by their last position) and the population of the deepest areas it reaches, each
 * weighted by the share of its area inside the alert.
 */
export const alertImpactSchema = z.object({ openCases: z.number().int(), onDutyResponders: z.number().int(), population: z.number().int() });
export type AlertImpact = z.infer<typeof alertImpactSchema>;

/** One district's acknowledgement of an alert: the area, who (display name) and when (ISO 8601). */
export const alertAckRecordSchema = z.object({ area: z.string(), by: z.string(), at: z.string() });
export type AlertAckRecord = z.infer<typeof alertAckRecordSchema>;

export const alertEventDataSchema = z.object({
  id: z.number(),
  source: z.string(),
  eventType: z.string(),
  headline: z.string(),
  severity: z.enum(SEVERITIES),
  urgency: z.string(),
  certainty: z.string(),
  status: z.string(),
  onset: z.string().nullable(),
  expires: z.string().nullable(),
  affectedGrids: z.number(),
  /** Computed once when the alert was stored: what lies inside its area. */
  impact: alertImpactSchema,
  /**
   * The affected districts that have (not yet) acknowledged, the levels escalated so far,
   * and who acknowledged each district when (`records`, one per code in `acknowledged`).
   */
  ack: z.object({
    pending: z.array(z.string()),
    acknowledged: z.array(z.string()),
    level: z.number().int(),
    // Defaulted: feed rows written before acknowledgements carried their author still parse.
    records: z.array(alertAckRecordSchema).default([]),
  }),
  /** Simplified for display (full geometry via REST); no coordinates for an area known only by name. */
  geometry: z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.unknown()) }),
});
export type AlertEventData = z.infer<typeof alertEventDataSchema>;

/**
 * POST /api/alerts/preview: what sending an alert with this area would store, without
 * storing it (db/queries/alert-preview.ts).
 */
export interface AlertPreview {
  /** The area reaches one of ours; false: sending would store it off the wall, with no affected areas. */
  reachesCity: boolean;
  /** Codes of every area, any level, it reaches (with their ancestors), as the stored alert's area codes. */
  affectedAreas: string[];
  /** The unit grids whose interior it reaches, by code. */
  affectedGrids: Array<{ code: string; name: string }>;
  /** The areas (districts) that would have to acknowledge it. */
  ackAreas: string[];
  impact: AlertImpact;
}

/** Another language's text of a CAP alert (its other <info> blocks). */
export interface AlertTranslation {
  language: string;
  event: string;
  headline: string | null;
  description: string | null;
  instruction: string | null;
}

export interface AreaFeatureProperties {
  code: string;
  name: string;
  nameEn: string | null;
  level: AreaLevel;
  parentCode: string | null;
}

/** GET /api/areas?level=…&bbox=…&simplify=… → GeoJSON FeatureCollection */
export interface AreaCollection {
  type: 'FeatureCollection';
  features: Array<{
    type: 'Feature';
    geometry: { type: 'MultiPolygon'; coordinates: number[][][][] };
    properties: AreaFeatureProperties;
  }>;
}

export interface OpenCounts {
  incidents: number;
  appeals: number;
}

/**
 * GET /api/snapshot?area=&layers=&appealHours= — everything the map shows, read in one
 * transaction together with the feed head `seq`, so subscribing with since=seq
 * continues exactly where the snapshot ends.
 */
export interface Snapshot {
  seq: number;
  at: string;
  area: string | null;
  /** Open incidents (newest first, capped). */
  incidents: CaseEventData[];
  /** Appeals of the last `appealHours` hours (for heat and density). */
  appeals: CaseEventData[];
  alerts: Array<AlertEventData & { id: number }>;
  /**
   * Open case counts keyed by grid code ('' for cases outside every grid). Without the
   * `appeals` layer (a shared screen, whoever signed it in) a grid's appeal count below
   * APPEAL_MIN_COUNT is 0.
   */
  openByGrid: Record<string, OpenCounts>;
  /** With the `hotspots` layer: live hotspots in scope (largest first); else empty. */
  hotspots: HotspotEventData[];
  /** With the `hotspots` layer: appeals of the window per grid, one row per district in scope (k-suppressed); else empty. */
  appealDensity: AppealDensityData[];
  totals: { openIncidents: number; openAppeals: number; activeAlerts: number; todayCases: number };
  /** More cases than `limit`: fetch the rest with `cursor=next` (null when complete). */
  truncated: boolean;
  /**
   * Opaque cursor for the next page of incidents/appeals, or null. Pages after the
   * first carry cases only; they are read after `seq`, so apply the feed on top as usual.
   */
  next?: string | null;
}

/** A responder as dispatch help shows it (GET /api/cases/{id}/suggestions): staff, not citizen data. */
export interface ResponderView {
  id: number;
  code: string;
  name: string;
  /** grid_worker, officer or unit. */
  role: string;
  /** 专业部门 code (db/data/departments.json); null for grid workers. */
  department: string | null;
  /** on_duty, busy or off_duty. */
  status: string;
  /** Code of the home grid. */
  homeGrid: string;
  /** Metres from the case on the WGS84 spheroid (0.1 m); null without a position. */
  distanceM: number | null;
  /** Cases assigned to the responder and still being worked (dispatched, in_progress, handled, suspended). */
  openCases: number;
  lng: number | null;
  lat: number | null;
  positionAt: string | null;
}

/** GET /api/cases/{id}/suggestions — routing help for dispatching one case. */
export interface CaseSuggestions {
  caseId: number;
  /** The 专业部门 suggested by the case's category (an appeal's topic first); null when the catalogue names none. */
  department: { code: string; name: string; nameEn: string } | null;
  /** Which ring the territorial responders come from: the case's grid, else its community, else its street. */
  territorialLevel: 'grid' | 'community' | 'street' | null;
  /** 属地: based in the case's grid (else community, else street); any status, grid workers first. */
  territorial: ResponderView[];
  /** On-duty responders of the suggested department, nearest first. */
  byDepartment: ResponderView[];
  /** The k nearest on-duty responders with a position, by distance on the spheroid. */
  nearest: ResponderView[];
}

/** GET /api/cases/{id}/duplicates — open cases linked to this one as possible duplicates, either way. */
export interface CaseDuplicates {
  caseId: number;
  /** `original`: the case this one may duplicate; `duplicate`: a case that may duplicate this one. */
  linked: Array<CaseEventData & { relation: 'original' | 'duplicate' }>;
}

/**
 * An appeal hotspot as shared screens see it (aggregate only: an outline, counts and
 * topics, never an appeal's position). The outline is the cluster's hull buffered
 * outwards (≥ 200 m) and simplified, so no vertex is an appeal's position.
 */
export const hotspotEventDataSchema = z.object({
  id: z.number(),
  /** The topic clustered on (catalogue code), or null for a cluster across topics. */
  topic: z.string().nullable(),
  trend: z.enum(HOTSPOT_TRENDS),
  /** Appeals of the window inside it at the last run, and at the run before (null when new). */
  count: z.number().int(),
  previousCount: z.number().int().nullable(),
  peakCount: z.number().int(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  /** The label's anchor: the outline's point on surface, [lng, lat]. */
  center: z.tuple([z.number(), z.number()]),
  outline: z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.unknown()) }),
  /** Appeals per topic inside it (all topics, also for a single-topic hotspot's neighbours). */
  topics: z.record(z.string(), z.number().int()),
  /** The streets (or deepest areas above grids) it covers, with its appeals in each. */
  areas: z.array(z.object({ code: z.string(), name: z.string(), count: z.number().int() })),
  /** The 信访聚集风险 alert it raised (once), if any. */
  alertId: z.number().nullable(),
});
export type HotspotEventData = z.infer<typeof hotspotEventDataSchema>;

/**
 * Open appeals of the window per unit grid within one district, for shared screens'
 * heat layer: only cells with at least `k` appeals are listed; the rest are summed
 * into `suppressed` (no cell named). One row per district whenever its counts change.
 */
export const appealDensityDataSchema = z.object({
  /** The district this row covers (its cells all lie inside it). */
  area: z.string(),
  windowHours: z.number(),
  k: z.number().int(),
  cells: z.record(z.string(), z.number().int()),
  suppressed: z.number().int(),
  /**
   * Open appeals in the district now, whenever reported (not only the window): what
   * moves a shared screen's 未结诉求 total, which gets no individual appeal events.
   * Absent in rows written before it existed.
   */
  open: z.number().int().optional(),
});
export type AppealDensityData = z.infer<typeof appealDensityDataSchema>;

/**
 * Feed topics and what each carries: one map from the database row to the wire
 * event. Adding a topic here forces every writer (a typed NewFeedRow), the wire
 * schema (a type-level check in server/protocol/wire.ts) and every consumer (an
 * exhaustive switch on `topic`) to handle it.
 */
export interface FeedTopics {
  'case.created': { layer: 'incidents' | 'appeals'; payload: CaseEventData };
  /** Any change of a case: a command (`action`) or the scheduler (`sla_warning`, `sla_overdue`, `sla_recomputed`). The payload is the whole case as it now is. */
  'case.updated': { layer: 'incidents' | 'appeals'; payload: CaseEventData & { action: string } };
  /** An overdue case escalated one level up: `to` is the area code of the level now answerable. */
  'case.escalated': { layer: 'incidents' | 'appeals'; payload: CaseEventData & { level: number; to: string } };
  'alert.created': { layer: 'alerts'; payload: AlertEventData };
  /** Any change of an alert: `acknowledged` (one area or all), `cancelled`, `superseded`, `expired`. The payload is the whole alert as it now is. */
  'alert.updated': { layer: 'alerts'; payload: AlertEventData & { action: string } };
  /** Unacknowledged past its severity's time: `level` steps above the affected districts, `to` the area code now answerable. */
  'alert.escalated': { layer: 'alerts'; payload: AlertEventData & { level: number; to: string } };
  /** A hotspot found, changed or ended by a detection run (server/services/hotspots.ts). */
  'hotspot.updated': { layer: 'hotspots'; payload: HotspotEventData };
  /** A district's per-grid appeal counts changed (k-suppressed): the heat layer's input. */
  'appeal.density': { layer: 'hotspots'; payload: AppealDensityData };
}
export type FeedTopic = keyof FeedTopics;

/** A feed row as written: the topic decides the layer and the payload's shape. */
export type NewFeedRow = {
  [T in FeedTopic]: { topic: T; layer: FeedTopics[T]['layer']; areaCodes: string[]; payload: FeedTopics[T]['payload'] };
}[FeedTopic];

/** A feed row as read back, which is also exactly the event the wire carries. */
export type FeedRecord = NewFeedRow & { seq: number; at: string };

/** The lifecycle fields of a case just reported, before any clock is known: for fixtures and synthetic rows. */
export const REPORTED_LIFECYCLE = {
  version: 1,
  sla: null,
  assigneeId: null,
  department: null,
  rework: 0,
  escalation: 0,
  duplicateOf: null,
  mergedInto: null,
} as const satisfies Partial<CaseEventData>;

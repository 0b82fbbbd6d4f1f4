import { z } from 'zod';
import { CASE_KINDS, CASE_STATUSES, SEVERITIES, type AreaLevel } from './vocab';

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
});
export type CaseEventData = z.infer<typeof caseEventDataSchema>;

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
  /** Simplified for display (full geometry via REST). */
  geometry: z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.unknown()) }),
});
export type AlertEventData = z.infer<typeof alertEventDataSchema>;

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
  /** Open case counts keyed by grid code ('' for cases outside every grid). */
  openByGrid: Record<string, OpenCounts>;
  totals: { openIncidents: number; openAppeals: number; activeAlerts: number; todayCases: number };
  /** More cases than `limit`: fetch the rest with `cursor=next` (null when complete). */
  truncated: boolean;
  /**
   * Opaque cursor for the next page of incidents/appeals, or null. Pages after the
   * first carry cases only; they are read after `seq`, so apply the feed on top as usual.
   */
  next?: string | null;
}

/**
 * Feed topics and what each carries: one map from the database row to the wire
 * event. Adding a topic here forces every writer (a typed NewFeedRow), the wire
 * schema (a type-level check in server/protocol/wire.ts) and every consumer (an
 * exhaustive switch on `topic`) to handle it.
 */
export interface FeedTopics {
  'case.created': { layer: 'incidents' | 'appeals'; payload: CaseEventData };
  'alert.created': { layer: 'alerts'; payload: AlertEventData };
}
export type FeedTopic = keyof FeedTopics;

/** A feed row as written: the topic decides the layer and the payload's shape. */
export type NewFeedRow = {
  [T in FeedTopic]: { topic: T; layer: FeedTopics[T]['layer']; areaCodes: string[]; payload: FeedTopics[T]['payload'] };
}[FeedTopic];

/** A feed row as read back, which is also exactly the event the wire carries. */
export type FeedRecord = NewFeedRow & { seq: number; at: string };

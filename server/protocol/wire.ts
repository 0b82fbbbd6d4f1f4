import { z } from 'zod';
import type { FeedRecord } from '../../db/records';
import { AREA_LEVELS, LAYERS } from './vocab';

/**
 * The Socket.IO contract, loaded by the server and the browser alike.
 * Bump PROTOCOL_VERSION on any incompatible change; clients refuse a mismatch.
 *
 * Delivery: the feed is at-least-once and ordered per client; a frame covers the
 * seq range (from, to] and holds the events of that range the client's
 * subscription selects, ascending. Clients drop any event whose seq they have seen.
 */
export const PROTOCOL_VERSION = 2;

export const EVENTS = {
  /** client → server, acknowledged: start or move the live subscription. */
  subscribe: 'subscribe',
  /** server → client: a batch of feed events (live or replayed). */
  feed: 'feed',
  /** server → client: the gap cannot be replayed; reload the snapshot over REST. */
  resync: 'resync',
  /** server → client: this socket's credential ended (logout, expiry, revocation); it is disconnected next. */
  signedOut: 'signedOut',
  /** client → server (grid worker's app, on duty): where I am now; at most one per POSITION_EVERY_MS is kept, the rest dropped. */
  position: 'position',
  /** server → client (desk roles), volatile: a responder of the jurisdiction moved. Not a feed event: no seq, no replay. */
  responderPosition: 'responderPosition',
  /**
   * server → client (desk roles): a responder of the jurisdiction went on or off duty (PUT /api/me/status).
   * Not a feed event either: GET /api/responders is the base, re-read after every reconnect.
   */
  responderStatus: 'responderStatus',
} as const;

export const layerSchema = z.enum(LAYERS);
export const areaCodeSchema = z.string().regex(/^\d{6,15}$/, 'area code must be 6–15 digits');

export const subscribeSchema = z.object({
  v: z.literal(PROTOCOL_VERSION),
  /** Jurisdiction to watch; absent → the whole city (the roots). */
  area: areaCodeSchema.optional(),
  layers: z.array(layerSchema).min(1).max(LAYERS.length),
  /** Last seq this client has applied; null → no replay (it has just loaded a snapshot at head). */
  since: z.number().int().nonnegative().nullable(),
});
export type SubscribeRequest = z.infer<typeof subscribeSchema>;

export type Ack<T> = { ok: true; data: T } | { ok: false; code: string; message: string };

export interface SubscribeResult {
  /** replay: the gap since `since` was sent before this ack; resync: reload the snapshot, then subscribe again. */
  mode: 'live' | 'replay' | 'resync';
  head: number;
  replayed: number;
  area: string | null;
}

// The records themselves are defined at the lowest layer (db/records.ts), which reads and writes them.
export {
  alertEventDataSchema,
  appealDensityDataSchema,
  caseEventDataSchema,
  hotspotEventDataSchema,
  type AlertEventData,
  type AppealDensityData,
  type CaseEventData,
  type HotspotEventData,
} from '../../db/records';
import { alertEventDataSchema, appealDensityDataSchema, caseEventDataSchema, hotspotEventDataSchema } from '../../db/records';

export const feedEventSchema = z.discriminatedUnion('topic', [
  z.object({
    seq: z.number(),
    at: z.string(),
    topic: z.literal('case.created'),
    layer: z.enum(['incidents', 'appeals']),
    areaCodes: z.array(z.string()),
    payload: caseEventDataSchema,
  }),
  z.object({
    seq: z.number(),
    at: z.string(),
    topic: z.literal('case.updated'),
    layer: z.enum(['incidents', 'appeals']),
    areaCodes: z.array(z.string()),
    payload: caseEventDataSchema.extend({ action: z.string() }),
  }),
  z.object({
    seq: z.number(),
    at: z.string(),
    topic: z.literal('case.escalated'),
    layer: z.enum(['incidents', 'appeals']),
    areaCodes: z.array(z.string()),
    payload: caseEventDataSchema.extend({ level: z.number().int(), to: z.string() }),
  }),
  z.object({
    seq: z.number(),
    at: z.string(),
    topic: z.literal('alert.created'),
    layer: z.literal('alerts'),
    areaCodes: z.array(z.string()),
    payload: alertEventDataSchema,
  }),
  z.object({
    seq: z.number(),
    at: z.string(),
    topic: z.literal('alert.updated'),
    layer: z.literal('alerts'),
    areaCodes: z.array(z.string()),
    payload: alertEventDataSchema.extend({ action: z.string() }),
  }),
  z.object({
    seq: z.number(),
    at: z.string(),
    topic: z.literal('alert.escalated'),
    layer: z.literal('alerts'),
    areaCodes: z.array(z.string()),
    payload: alertEventDataSchema.extend({ level: z.number().int(), to: z.string() }),
  }),
  z.object({
    seq: z.number(),
    at: z.string(),
    topic: z.literal('hotspot.updated'),
    layer: z.literal('hotspots'),
    areaCodes: z.array(z.string()),
    payload: hotspotEventDataSchema,
  }),
  z.object({
    seq: z.number(),
    at: z.string(),
    topic: z.literal('appeal.density'),
    layer: z.literal('hotspots'),
    areaCodes: z.array(z.string()),
    payload: appealDensityDataSchema,
  }),
]);
export type FeedEvent = z.infer<typeof feedEventSchema>;
// The wire event and the stored feed row are one shape (db/records.ts): a topic added
// there without its schema here (or the other way round) fails to compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const feedShapesAgree: Same<FeedEvent, FeedRecord> = true;
void feedShapesAgree;

export const feedFrameSchema = z.object({
  v: z.literal(PROTOCOL_VERSION),
  from: z.number(),
  to: z.number(),
  replay: z.boolean(),
  events: z.array(feedEventSchema),
});
export type FeedFrame = z.infer<typeof feedFrameSchema>;

export const resyncSchema = z.object({ v: z.literal(PROTOCOL_VERSION), reason: z.string(), head: z.number() });

/**
 * Why a socket's credential ended. Known reasons: logout, idle, expired, revoked,
 * password_changed, disabled, display_revoked; clients show anything else generically.
 */
export const signedOutSchema = z.object({ v: z.literal(PROTOCOL_VERSION), reason: z.string().min(1).max(64) });
export type SignedOutNotice = z.infer<typeof signedOutSchema>;

/** The shortest interval between two positions kept from one socket (ms); a client sends about this often. */
export const POSITION_EVERY_MS = 5000;

export const positionReportSchema = z
  .object({
    v: z.literal(PROTOCOL_VERSION),
    lng: z.number().finite().min(-180).max(180),
    lat: z.number().finite().min(-90).max(90),
    /** GeolocationCoordinates.accuracy: radius in metres. */
    accuracy: z.number().finite().min(0).max(100_000).optional(),
  })
  .strict();
export type PositionReport = z.infer<typeof positionReportSchema>;

/** Ack of a `position`: `stored: false` when it came sooner than POSITION_EVERY_MS after the last one kept (dropped, not an error). */
export interface PositionResult {
  stored: boolean;
  /** When the next position will be kept (ms from now); 0 after a stored one means "in POSITION_EVERY_MS". */
  retryInMs: number;
}

export const responderPositionSchema = z.object({
  v: z.literal(PROTOCOL_VERSION),
  /** responders.id (the `assigneeId` of cases). */
  id: z.number().int(),
  lng: z.number(),
  lat: z.number(),
  accuracy: z.number().nullable(),
  /** Server time the position was stored (ISO). */
  at: z.string(),
  status: z.string(),
});
export type ResponderPosition = z.infer<typeof responderPositionSchema>;

export const responderStatusSchema = z.object({
  v: z.literal(PROTOCOL_VERSION),
  /** responders.id. */
  id: z.number().int(),
  /** RESPONDER_STATUSES: on_duty, busy, off_duty. */
  status: z.string(),
  /** Server time of the change (ISO). */
  at: z.string(),
});
export type ResponderStatusEvent = z.infer<typeof responderStatusSchema>;

export interface ServerToClientEvents {
  feed: (frame: FeedFrame) => void;
  resync: (notice: z.infer<typeof resyncSchema>) => void;
  signedOut: (notice: SignedOutNotice) => void;
  responderPosition: (event: ResponderPosition) => void;
  responderStatus: (event: ResponderStatusEvent) => void;
}
export interface ClientToServerEvents {
  subscribe: (request: unknown, ack: (result: Ack<SubscribeResult>) => void) => void;
  /** The ack is optional: a client may send positions fire-and-forget (volatile). */
  position: (report: unknown, ack?: (result: Ack<PositionResult>) => void) => void;
}

export { AREA_LEVELS };

import { z } from 'zod';
import { areaGeometrySchema as areaGeometry } from '../../db/geojson';
import { CASE_CHANNELS, CASE_KINDS, CERTAINTIES, SEVERITIES, URGENCIES } from './vocab';

/**
 * REST request bodies. Pure zod, so the browser (forms) and the server (route
 * handlers, simulator) validate with the same rules. Category codes are checked
 * against the catalogue by the ingest service, not here.
 */
export const MAX_BATCH = 5000;
export const MAX_ALERT_VERTICES = 20_000;

export const lngSchema = z.number().finite().min(-180, 'longitude below -180').max(180, 'longitude above 180');
export const latSchema = z.number().finite().min(-90, 'latitude below -90').max(90, 'latitude above 90');
export const positionSchema = z.tuple([lngSchema, latSchema], { error: 'a position is [lng, lat]' });

export const pointSchema = z.object({ type: z.literal('Point'), coordinates: positionSchema });

const INCIDENT_CHANNELS = new Set(['grid_worker', 'sensor', 'api']);
const APPEAL_CHANNELS = new Set(['hotline_12345', 'wechat', 'leader_board', 'letters_visits', 'open311', 'api']);

export const reporterSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    phone: z.string().trim().regex(/^\+?[\d\s-]{5,20}$/, 'phone is 5–20 digits').optional(),
    idNumber: z.string().trim().regex(/^[\dXx]{15}(?:[\dXx]{3})?$/, 'ID number is 15 or 18 characters').optional(),
  })
  .strict();

export const caseInputSchema = z
  .object({
    kind: z.enum(CASE_KINDS),
    channel: z.enum(CASE_CHANNELS),
    externalId: z.string().trim().min(1).max(128),
    category: z.string().min(1).max(16),
    topic: z.string().max(32).optional(),
    severity: z.enum(SEVERITIES).default('Unknown'),
    title: z.string().max(200).optional(),
    description: z.string().max(4000).optional(),
    address: z.string().max(300).optional(),
    location: pointSchema,
    reportedAt: z.iso.datetime({ offset: true }).optional(),
    attributes: z.record(z.string(), z.union([z.string().max(500), z.number(), z.boolean()])).optional(),
    /** The reporter's personal data: stored apart (case_contacts), never in the feed or snapshots, masked on read. */
    reporter: reporterSchema.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    const allowed = value.kind === 'incident' ? INCIDENT_CHANNELS : APPEAL_CHANNELS;
    if (!allowed.has(value.channel)) {
      ctx.addIssue({ code: 'custom', path: ['channel'], message: `channel ${value.channel} does not carry ${value.kind}s` });
    }
    if (value.reportedAt && Date.parse(value.reportedAt) > Date.now() + 5 * 60_000) {
      ctx.addIssue({ code: 'custom', path: ['reportedAt'], message: 'reportedAt is in the future' });
    }
    if (value.attributes && Object.keys(value.attributes).length > 32) {
      ctx.addIssue({ code: 'custom', path: ['attributes'], message: 'at most 32 attributes' });
    }
  });
export type CaseInput = z.infer<typeof caseInputSchema>;

export const caseBatchSchema = z
  .object({ cases: z.array(caseInputSchema).min(1).max(MAX_BATCH, `at most ${MAX_BATCH} cases per batch`) })
  .strict();

/**
 * Alert areas follow the one GeoJSON rule every entry point shares (db/geojson.ts):
 * altitudes dropped, winding normalised, bbox checked, nested arrays named. The
 * output is the normalised geometry the ingest service stores.
 */
export const areaGeometrySchema = areaGeometry({ maxVertices: MAX_ALERT_VERTICES, unit: 'geometry' });

export const alertInputSchema = z
  .object({
    source: z.string().trim().min(1).max(64).default('api'),
    externalId: z.string().trim().min(1).max(128),
    eventType: z.string().min(1).max(32),
    headline: z.string().trim().min(1).max(200),
    description: z.string().max(4000).optional(),
    severity: z.enum(SEVERITIES),
    urgency: z.enum(URGENCIES),
    certainty: z.enum(CERTAINTIES),
    onset: z.iso.datetime({ offset: true }).optional(),
    expires: z.iso.datetime({ offset: true }).optional(),
    geometry: areaGeometrySchema,
  })
  .strict();
export type AlertInput = z.infer<typeof alertInputSchema>;

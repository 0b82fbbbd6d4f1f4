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
/** Photos one report may carry (uploaded first with POST /api/photos; these are their ids). */
export const MAX_REPORT_PHOTOS = 3;

/** Ids of photos uploaded with POST /api/photos by the same caller and not attached yet. */
export const photoIdsSchema = (max: number) =>
  z
    .array(z.uuid({ error: 'a photo id is a UUID from POST /api/photos' }).transform((id) => id.toLowerCase()))
    .max(max, `at most ${max} photos`)
    .refine((ids) => new Set(ids).size === ids.length, 'the same photo twice');

export const lngSchema = z.number().finite().min(-180, 'longitude below -180').max(180, 'longitude above 180');
export const latSchema = z.number().finite().min(-90, 'latitude below -90').max(90, 'latitude above 90');
export const positionSchema = z.tuple([lngSchema, latSchema], { error: 'a position is [lng, lat]' });

export const pointSchema = z.object({ type: z.literal('Point'), coordinates: positionSchema });

/** An unpaired UTF-16 surrogate: JSON can carry it ("\ud800"), UTF-8 and PostgreSQL text cannot. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Every free-text field of every request goes through this one helper, so text is
 * judged the same way on every route: NUL (PostgreSQL text cannot hold it) and lone
 * surrogates (no UTF-8 encoding; some paths would store U+FFFD silently) are refused
 * with the field's path, never repaired or passed on to fail as a 500.
 */
export function textSchema(options: { max: number; min?: number; trim?: boolean }) {
  const base = options.trim ? z.string().trim() : z.string();
  const sized = base.min(options.min ?? 0).max(options.max);
  return sized.superRefine((value, ctx) => {
    if (value.includes('\u0000')) ctx.addIssue({ code: 'custom', message: 'text contains a NUL character (U+0000)' });
    else if (LONE_SURROGATE.test(value)) ctx.addIssue({ code: 'custom', message: 'text contains an unpaired UTF-16 surrogate' });
  });
}

/** Years a timestamp may carry: PostgreSQL refuses year 0000, and nothing here predates 1900 or reaches 3000. */
export const TIME_YEARS = { min: 1900, max: 2999 } as const;

/**
 * An ISO-8601 timestamp with an offset that names a real instant: a real calendar
 * day (no 30 February) and a year within TIME_YEARS.
 */
export const timestampSchema = z.iso.datetime({ offset: true }).superRefine((value, ctx) => {
  const [, y, m, d] = /^(\d{4})-(\d{2})-(\d{2})/.exec(value) ?? [];
  const year = Number(y);
  const month = Number(m);
  const day = Number(d);
  const calendar = new Date(Date.UTC(2000, month - 1, day));
  calendar.setUTCFullYear(year);
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) {
    ctx.addIssue({ code: 'custom', message: `${value.slice(0, 10)} is not a calendar date` });
  } else if (year < TIME_YEARS.min || year > TIME_YEARS.max) {
    ctx.addIssue({ code: 'custom', message: `year ${y} is outside ${TIME_YEARS.min}–${TIME_YEARS.max}` });
  }
});

/** Open311 carries both: a service of our incident catalogue is a public report of an incident (公众举报), an appeal topic an appeal. */
const INCIDENT_CHANNELS = new Set(['grid_worker', 'sensor', 'open311', 'api']);
const APPEAL_CHANNELS = new Set(['hotline_12345', 'wechat', 'leader_board', 'letters_visits', 'open311', 'api']);

export const reporterSchema = z
  .object({
    name: textSchema({ trim: true, min: 1, max: 100 }).optional(),
    phone: z.string().trim().regex(/^\+?[\d\s-]{5,20}$/, 'phone is 5–20 digits').optional(),
    idNumber: z.string().trim().regex(/^[\dXx]{15}(?:[\dXx]{3})?$/, 'ID number is 15 or 18 characters').optional(),
  })
  .strict();

export const caseInputSchema = z
  .object({
    kind: z.enum(CASE_KINDS),
    channel: z.enum(CASE_CHANNELS),
    externalId: textSchema({ trim: true, min: 1, max: 128 }),
    category: textSchema({ min: 1, max: 16 }),
    topic: textSchema({ max: 32 }).optional(),
    severity: z.enum(SEVERITIES).default('Unknown'),
    title: textSchema({ max: 200 }).optional(),
    description: textSchema({ max: 4000 }).optional(),
    address: textSchema({ max: 300 }).optional(),
    location: pointSchema,
    reportedAt: timestampSchema.optional(),
    attributes: z.record(textSchema({ max: 64 }), z.union([textSchema({ max: 500 }), z.number().finite(), z.boolean()])).optional(),
    /** The reporter's personal data: stored apart (case_contacts), never in the feed or snapshots, masked on read. */
    reporter: reporterSchema.optional(),
    /** Photos attached in the intake transaction: the reporter's own unattached uploads, else the whole report is refused. */
    photos: photoIdsSchema(MAX_REPORT_PHOTOS).optional(),
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
    source: textSchema({ trim: true, min: 1, max: 64 }).default('api'),
    externalId: textSchema({ trim: true, min: 1, max: 128 }),
    eventType: textSchema({ min: 1, max: 32 }),
    headline: textSchema({ trim: true, min: 1, max: 200 }),
    description: textSchema({ max: 4000 }).optional(),
    severity: z.enum(SEVERITIES),
    urgency: z.enum(URGENCIES),
    certainty: z.enum(CERTAINTIES),
    onset: timestampSchema.optional(),
    expires: timestampSchema.optional(),
    geometry: areaGeometrySchema,
  })
  .strict();
export type AlertInput = z.infer<typeof alertInputSchema>;

/** POST /api/alerts/preview: an alert's area alone (what it would reach is the answer). */
export const alertPreviewInputSchema = z.object({ geometry: areaGeometrySchema }).strict();
export type AlertPreviewInput = z.infer<typeof alertPreviewInputSchema>;

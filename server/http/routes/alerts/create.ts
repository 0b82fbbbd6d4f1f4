import { alertInputSchema } from '../../../protocol/api';
import { intakeBy } from '../../../services/ingest';
import { defineRoute } from '../../route';
import { LIMITS } from '../cases/limits';

export const createAlert = defineRoute({
  method: 'post',
  path: '/api/alerts',
  tags: ['alerts'],
  summary: 'Ingest a public-safety alert with a GeoJSON Polygon/MultiPolygon area (CAP 1.2 severity/urgency/certainty)',
  description: 'Returns the affected unit grids (interiors intersecting the area) and pushes the alert live. Idempotent on (source, externalId).',
  access: 'alerts.create',
  body: { schema: alertInputSchema, limit: LIMITS.alert },
  responses: {
    201: { description: 'Created, with affected grids' },
    200: { description: 'Already ingested' },
    400: { description: 'Invalid body' },
    413: { description: 'Body too large' },
    422: { description: 'Invalid geometry or unknown alert type' },
  },
  handle: async ({ ctx, body, actor, ip }) => {
    const result = await ctx.ingest.ingestAlert(body, intakeBy(actor, ip));
    return { status: result.created ? 201 : 200, body: result };
  },
});

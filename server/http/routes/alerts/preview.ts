import { alertPreviewInputSchema } from '../../../protocol/api';
import { intakeBy } from '../../../services/ingest';
import { defineRoute } from '../../route';
import { LIMITS } from '../cases/limits';

export const previewAlertRoute = defineRoute({
  method: 'post',
  path: '/api/alerts/preview',
  tags: ['alerts'],
  summary: 'What an alert with this area would reach, without storing anything',
  description:
    '`{ geometry }` (GeoJSON Polygon/MultiPolygon, as for POST /api/alerts) → `{ reachesCity, affectedAreas, affectedGrids: [{ code, name }], ' +
    'ackAreas, impact }`, computed by the same PostGIS statements that store an alert, so sending the same area stores exactly these. ' +
    'Writes nothing (no alert, audit or feed row). The same checks as sending: 422 INVALID_GEOMETRY, GEOMETRY_TOO_COMPLEX, OUTSIDE_JURISDICTION.',
  access: 'alerts.create',
  body: { schema: alertPreviewInputSchema, limit: LIMITS.alert },
  responses: {
    200: { description: 'AlertPreview' },
    400: { description: 'Invalid body' },
    413: { description: 'Body too large' },
    422: { description: 'Invalid or too complex geometry, or an area outside your jurisdiction' },
  },
  handle: async ({ ctx, body, actor, ip }) => ({ status: 200, body: await ctx.ingest.previewAlert(body, intakeBy(actor, ip)) }),
});

import { z } from 'zod';
import { areaCodeSchema } from '../../../protocol/wire';
import { acknowledgeAlert } from '../../../services/alert-acks';
import { defineRoute } from '../../route';
import { alertIdParams } from '../cap/export';

export const acknowledgeAlertRoute = defineRoute({
  method: 'post',
  path: '/api/alerts/{id}/acknowledgements',
  tags: ['alerts'],
  summary: 'Acknowledge an alert for one affected district in your jurisdiction',
  description:
    'Records who, when and which area (one audit row, an `alert.updated` feed row). `area` defaults to the one affected district ' +
    'in your jurisdiction. Idempotent per (alert, area): a second acknowledgement answers the first with `created: false`. ' +
    'An alert outside your jurisdiction is 404; an area outside it is 403.',
  access: 'alerts.acknowledge',
  params: alertIdParams,
  body: { schema: z.object({ area: areaCodeSchema.optional(), note: z.string().trim().min(1).max(500).optional() }).strict(), limit: 4096 },
  responses: {
    201: { description: '`{ created: true, acknowledgement, alert }`' },
    200: { description: 'Already acknowledged for that area: `{ created: false, acknowledgement, alert }`' },
    403: { description: 'The area is not in your jurisdiction' },
    404: { description: 'No such alert in your jurisdiction' },
    409: { description: 'The alert has ended (expired, cancelled, superseded)' },
    422: { description: 'The area is not one this alert asks to acknowledge' },
  },
  handle: async ({ ctx, params, body, actor, ip }) => {
    const result = await acknowledgeAlert(ctx.database, actor, ip, params.id, body, () => {
      ctx.publisher.wake();
      ctx.notifier.notify();
    });
    return { status: result.created ? 201 : 200, body: result };
  },
});

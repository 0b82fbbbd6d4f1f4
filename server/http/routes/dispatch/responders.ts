import { z } from 'zod';
import { listResponders } from '../../../../db/queries/positions';
import { areaCodeSchema } from '../../../protocol/wire';
import { defineRoute } from '../../route';
import { requestScope } from '../scope';

const RESPONDERS_MAX = 10_000;

export const listRespondersRoute = defineRoute({
  method: 'get',
  path: '/api/responders',
  tags: ['dispatch'],
  summary: 'Responders of your jurisdiction with their last position, status and open workload',
  description:
    "The dispatch map's initial state; live positions follow on the socket as `responderPosition` events (volatile: a missed one is simply superseded by the next). " +
    'A responder belongs to the jurisdictions above their home grid.',
  access: 'responders.read',
  query: z.object({
    area: areaCodeSchema.optional(),
    limit: z.coerce.number().int().min(1).max(RESPONDERS_MAX).default(5000),
  }),
  responses: {
    200: { description: '`{ area, responders: [{ id, code, name, role, department, status, homeGrid, lng, lat, accuracy, positionAt, openCases }], truncated }`' },
    404: { description: 'The area is not in your jurisdiction' },
  },
  handle: async ({ ctx, query, actor }) => {
    const scope = await requestScope(ctx.database, actor, query.area);
    const rows = await listResponders(ctx.database, scope, query.limit + 1);
    return { status: 200, body: { area: scope.code, responders: rows.slice(0, query.limit), truncated: rows.length > query.limit } };
  },
});

import { z } from 'zod';
import { listAudit } from '../../../../db/queries/audit';
import { defineRoute } from '../../route';
import { requestScope } from '../scope';

export const listAuditRoute = defineRoute({
  method: 'get',
  path: '/api/admin/audit',
  tags: ['admin'],
  summary: 'The audit log within your jurisdiction, newest first (page with `before`)',
  access: 'audit.read',
  query: z.object({
    area: z.string().regex(/^\d{6,15}$/).optional(),
    action: z.string().max(64).optional(),
    before: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  }),
  responses: { 200: { description: '`{ entries }`' } },
  handle: async ({ ctx, actor, query }) => {
    const scope = await requestScope(ctx.database, actor, query.area);
    return { status: 200, body: { entries: await listAudit(ctx.database, scope, query) } };
  },
});

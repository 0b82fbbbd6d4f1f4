import { z } from 'zod';
import { caseInputSchema } from '../../../protocol/api';
import { intakeBy } from '../../../services/ingest';
import { defineRoute } from '../../route';
import { LIMITS } from './limits';

export const createCase = defineRoute({
  method: 'post',
  path: '/api/cases',
  tags: ['cases'],
  summary: 'Ingest one case (grid incident or citizen appeal)',
  description:
    'The point is assigned to its area by PostGIS point-in-polygon in the same transaction. A point outside every grid is kept with `grid: null` and scoped to the city. Idempotent on (channel, externalId): a repeat returns the stored case with 200 and `created: false`.',
  access: 'cases.create',
  body: { schema: caseInputSchema, limit: LIMITS.case },
  responses: {
    201: { description: 'Created' },
    200: { description: 'Already ingested' },
    400: { description: 'Invalid body' },
    413: { description: 'Body too large' },
    415: { description: 'Not application/json in UTF-8' },
    422: { description: 'Unknown category, topic or area' },
  },
  handle: async ({ ctx, body, actor, ip }) => {
    const [result] = await ctx.ingest.ingestCases([body], intakeBy(actor, ip));
    return { status: result!.created ? 201 : 200, body: result };
  },
});

export const caseIdParams = z.object({
  id: z.coerce.number({ error: 'case id must be a positive integer' }).int().positive().max(Number.MAX_SAFE_INTEGER),
});

import { caseBatchSchema } from '../../../protocol/api';
import { intakeBy } from '../../../services/ingest';
import { defineRoute } from '../../route';
import { LIMITS } from './limits';

export const createCaseBatch = defineRoute({
  method: 'post',
  path: '/api/cases/batch',
  tags: ['cases'],
  summary: 'Ingest up to 5,000 cases in one transaction (all or nothing)',
  access: 'cases.create',
  body: { schema: caseBatchSchema, limit: LIMITS.batch },
  responses: {
    200: { description: 'Per-case ids, grids, whether each was new (`duplicates` counts repeats of known external ids) and `duplicateOf`, the open case each may duplicate' },
    400: { description: 'Invalid body' },
    413: { description: 'Body too large' },
    415: { description: 'Not application/json in UTF-8' },
    422: { description: 'Unknown category or topic' },
  },
  handle: async ({ ctx, body, actor, ip }) => {
    const results = await ctx.ingest.ingestCases(body.cases, intakeBy(actor, ip));
    const created = results.filter((r) => r.created).length;
    return {
      status: 200,
      body: {
        created,
        duplicates: results.length - created,
        results: results.map((r) => ({ id: r.case.id, grid: r.case.grid, created: r.created, duplicateOf: r.case.duplicateOf })),
      },
    };
  },
});

import { z } from 'zod';
import { findCaseById } from '../../../db/queries/cases';
import { AppError } from '../../errors';
import { alertInputSchema, caseBatchSchema, caseInputSchema } from '../../protocol/api';
import type { AppContext } from '../../services/context';
import type { Router } from '../router';
import { parseBody } from './query';

/** Body limits: one case is small; a batch of 5,000 with descriptions stays under 8 MiB. */
export const LIMITS = { case: 64 * 1024, batch: 8 * 1024 * 1024, alert: 2 * 1024 * 1024 } as const;

export function registerIntakeRoutes(router: Router, ctx: AppContext): void {
  router.add('POST', '/api/cases', async (req) => {
    const input = parseBody(caseInputSchema, await req.json(LIMITS.case));
    const [result] = await ctx.ingest.ingestCases([input]);
    return { status: result!.created ? 201 : 200, body: result };
  });

  router.add('POST', '/api/cases/batch', async (req) => {
    const { cases } = parseBody(caseBatchSchema, await req.json(LIMITS.batch));
    const results = await ctx.ingest.ingestCases(cases);
    const created = results.filter((r) => r.created).length;
    return {
      status: 200,
      body: {
        created,
        duplicates: results.length - created,
        results: results.map((r) => ({ id: r.case.id, grid: r.case.grid, created: r.created })),
      },
    };
  });

  router.add('GET', '/api/cases/:id', async ({ params }) => {
    const id = z.coerce.number().int().positive().safeParse(params.id);
    if (!id.success) throw new AppError('BAD_QUERY', `case id must be a positive integer, got ${params.id}`);
    const found = await findCaseById(ctx.database, id.data);
    if (!found) throw new AppError('NOT_FOUND', `no case ${id.data}`);
    const { areaCodes, externalId, ...data } = found;
    return { status: 200, body: { case: data, externalId, areaCodes } };
  });

  router.add('POST', '/api/alerts', async (req) => {
    const input = parseBody(alertInputSchema, await req.json(LIMITS.alert));
    const result = await ctx.ingest.ingestAlert(input);
    return { status: result.created ? 201 : 200, body: result };
  });
}

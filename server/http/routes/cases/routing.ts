import { z } from 'zod';
import { findCaseById } from '../../../../db/queries/cases';
import { findLinkedCases } from '../../../../db/queries/duplicates';
import type { CaseDuplicates } from '../../../../db/records';
import { AppError } from '../../../errors';
import { NEAREST_DEFAULT, NEAREST_MAX, suggestRouting } from '../../../services/routing';
import { defineRoute } from '../../route';
import { caseIdParams } from './create';

export const caseSuggestions = defineRoute({
  method: 'get',
  path: '/api/cases/{id}/suggestions',
  tags: ['cases'],
  summary: 'Routing help for one case: suggested department, territorial and nearest available responders',
  description:
    '`department` comes from the case category (an appeal topic first). `territorial` are responders based in the case grid, else its community, else its street (any status). `byDepartment` are on-duty responders of that department, nearest first. `nearest` are the `k` nearest on-duty responders with a position, found through the GiST index and ordered by distance on the spheroid. Each responder carries `distanceM` and `openCases` (its open assigned cases). Only responders whose home grid lies in your jurisdiction.',
  access: 'cases.dispatch',
  params: caseIdParams,
  query: z.object({
    k: z.coerce.number({ error: 'k must be an integer' }).int().min(1).max(NEAREST_MAX).default(NEAREST_DEFAULT),
  }),
  responses: { 200: { description: 'CaseSuggestions' }, 400: { description: 'Bad k' }, 404: { description: 'No such case in your jurisdiction' } },
  handle: async ({ ctx, params, query, actor }) => {
    const found = await findCaseById(ctx.database, actor.scope, params.id);
    if (!found) throw new AppError('NOT_FOUND', `no case ${params.id}`, { id: params.id });
    return { status: 200, body: await suggestRouting(ctx.database, actor.scope, found, query.k) };
  },
});

export const caseDuplicates = defineRoute({
  method: 'get',
  path: '/api/cases/{id}/duplicates',
  tags: ['cases'],
  summary: 'Open cases linked to this one as possible duplicates (found at intake; never merged automatically)',
  description:
    'At intake a case is linked to the oldest open case of the same kind, category and topic within 50 m reported in the 24 h before it. `linked` lists, within your jurisdiction, the open case this one may duplicate (`relation: original`) and the open cases that may duplicate it (`relation: duplicate`). Merging is the `merge` command.',
  access: 'cases.read',
  params: caseIdParams,
  responses: { 200: { description: 'CaseDuplicates' }, 404: { description: 'No such case in your jurisdiction' } },
  handle: async ({ ctx, params, actor }) => {
    const found = await findCaseById(ctx.database, actor.scope, params.id);
    if (!found) throw new AppError('NOT_FOUND', `no case ${params.id}`, { id: params.id });
    const body: CaseDuplicates = { caseId: found.id, linked: await findLinkedCases(ctx.database, actor.scope, found.id) };
    return { status: 200, body };
  },
});

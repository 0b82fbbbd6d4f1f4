import { findCaseById } from '../../../../db/queries/cases';
import { AppError } from '../../../errors';
import { defineRoute } from '../../route';
import { caseIdParams } from './create';

export const getCase = defineRoute({
  method: 'get',
  path: '/api/cases/{id}',
  tags: ['cases'],
  summary: 'One case',
  access: 'public',
  params: caseIdParams,
  responses: { 200: { description: 'Case' }, 404: { description: 'No such case in your jurisdiction' } },
  handle: async ({ ctx, params }) => {
    const found = await findCaseById(ctx.database, params.id);
    if (!found) throw new AppError('NOT_FOUND', `no case ${params.id}`, { id: params.id });
    const { areaCodes, externalId, ...data } = found;
    return { status: 200, body: { case: data, externalId, areaCodes } };
  },
});

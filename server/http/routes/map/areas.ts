import { z } from 'zod';
import { findAreaFeatures } from '../../../../db/queries/areas';
import { AREA_LEVELS } from '../../../protocol/vocab';
import { areaCodeSchema } from '../../../protocol/wire';
import { defineRoute } from '../../route';
import { bboxParam } from '../params';
import { requestScope } from '../scope';

const areasQuery = z.object({
  level: z.enum(AREA_LEVELS),
  bbox: bboxParam.optional(),
  within: areaCodeSchema.optional(),
  simplify: z.coerce.number().min(0).max(0.1).optional(),
  limit: z.coerce.number().int().min(1).max(20_000).default(10_000),
});

export const areas = defineRoute({
  method: 'get',
  path: '/api/areas',
  tags: ['map'],
  summary: 'Areas of one level as a GeoJSON FeatureCollection (bbox, within, simplify)',
  access: 'map.read',
  query: areasQuery,
  responses: { 200: { description: 'FeatureCollection' } },
  handle: async ({ ctx, query, actor }) => {
    const { within, ...rest } = query;
    const scope = await requestScope(ctx.database, actor, within, 'within');
    return { status: 200, body: await findAreaFeatures(ctx.database, scope, rest), headers: { 'cache-control': 'private, max-age=60' } };
  },
});

import { z } from 'zod';
import { readSnapshot } from '../../../../db/queries/snapshot';
import { LAYERS } from '../../../protocol/vocab';
import { areaCodeSchema } from '../../../protocol/wire';
import { defineRoute } from '../../route';
import { requestScope } from '../scope';

const layersParam = z
  .string()
  .transform((v) => v.split(','))
  .pipe(z.array(z.enum(LAYERS)).min(1));

const snapshotQuery = z.object({
  area: areaCodeSchema.optional(),
  layers: layersParam.default([...LAYERS]),
  appealHours: z.coerce.number().min(1).max(24 * 30).default(24),
  limit: z.coerce.number().int().min(1).max(50_000).default(20_000),
});

export const snapshot = defineRoute({
  method: 'get',
  path: '/api/snapshot',
  tags: ['map'],
  summary: 'Open incidents, recent appeals, active alerts and per-grid counts, with the feed seq they are consistent with',
  description: 'Subscribe over Socket.IO with `since` = the returned `seq` to continue live without a gap.',
  access: 'map.read',
  query: snapshotQuery,
  responses: { 200: { description: 'Snapshot' } },
  handle: async ({ ctx, query, actor }) => {
    const { area, ...rest } = query;
    const scope = await requestScope(ctx.database, actor, area);
    return { status: 200, body: await readSnapshot(ctx.database, scope, rest) };
  },
});

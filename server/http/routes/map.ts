import { z } from 'zod';
import { areaExists, findAreaFeatures } from '../../../db/queries/areas';
import { AppError } from '../../errors';
import { AREA_LEVELS, LAYERS } from '../../protocol/vocab';
import { areaCodeSchema } from '../../protocol/wire';
import type { AppContext } from '../../services/context';
import { SNAPSHOT_MAX_LIMIT } from '../../services/snapshot';
import type { Router } from '../router';
import { bboxParam, parseQuery } from './query';

const areasQuery = z.object({
  level: z.enum(AREA_LEVELS),
  bbox: bboxParam.optional(),
  within: areaCodeSchema.optional(),
  simplify: z.coerce.number().min(0).max(0.1).optional(),
  limit: z.coerce.number().int().min(1).max(20_000).default(10_000),
});

const layersParam = z
  .string()
  .transform((v) => v.split(','))
  .pipe(z.array(z.enum(LAYERS)).min(1));

const snapshotQuery = z.object({
  area: areaCodeSchema.optional(),
  layers: layersParam.default([...LAYERS]),
  appealHours: z.coerce.number().min(1).max(24 * 30).default(24),
  // issue-5: at most SNAPSHOT_MAX_LIMIT per page; `cursor` (from `next`) fetches the following page.
  limit: z.coerce.number().int().min(1).max(SNAPSHOT_MAX_LIMIT).default(SNAPSHOT_MAX_LIMIT),
  cursor: z.string().max(512).optional(),
});

export function registerMapRoutes(router: Router, ctx: AppContext): void {
  router.add('GET', '/api/areas', async ({ url }) => {
    const query = parseQuery(areasQuery, url);
    return { status: 200, body: await findAreaFeatures(ctx.database, query), headers: { 'cache-control': 'max-age=60' } };
  });

  router.add('GET', '/api/snapshot', async ({ url }) => {
    const query = parseQuery(snapshotQuery, url);
    if (query.area && !(await areaExists(ctx.database, query.area))) {
      throw new AppError('UNKNOWN_AREA', `unknown area code ${query.area}`);
    }
    // issue-5: SnapshotService bounds concurrency, time and size (server/services/snapshot.ts).
    const snapshot = await ctx.snapshots.read({ ...query, area: query.area ?? null });
    return { status: 200, body: snapshot };
  });
}

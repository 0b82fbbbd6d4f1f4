import { z } from 'zod';
import { areaExists, findAreaFeatures } from '../../../db/queries/areas';
import { readSnapshot } from '../../../db/queries/snapshot';
import { AppError } from '../../errors';
import { AREA_LEVELS, LAYERS } from '../../protocol/vocab';
import { areaCodeSchema } from '../../protocol/wire';
import type { AppContext } from '../../services/context';
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
  limit: z.coerce.number().int().min(1).max(50_000).default(20_000),
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
    const snapshot = await readSnapshot(ctx.database, { ...query, area: query.area ?? null });
    return { status: 200, body: snapshot };
  });
}

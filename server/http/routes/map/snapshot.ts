import { z } from 'zod';
import { SNAPSHOT_MAX_LIMIT } from '../../../services/snapshot';
import { LAYERS } from '../../../protocol/vocab';
import { areaCodeSchema } from '../../../protocol/wire';
import { assertLayers, layersFor } from '../../../auth/layers';
import { defineRoute } from '../../route';
import { requestScope } from '../scope';

const layersParam = z
  .string()
  .transform((v) => v.split(','))
  .pipe(z.array(z.enum(LAYERS)).min(1));

const snapshotQuery = z.object({
  area: areaCodeSchema.optional(),
  // Default: every layer the caller may read (`appeals` only with clearance; asking for it without → 403).
  layers: layersParam.optional(),
  appealHours: z.coerce.number().min(1).max(24 * 30).default(24),
  // At most SNAPSHOT_MAX_LIMIT cases per list and page; `cursor` (from `next`) fetches the following page.
  limit: z.coerce.number().int().min(1).max(SNAPSHOT_MAX_LIMIT).default(SNAPSHOT_MAX_LIMIT),
  cursor: z.string().max(512).optional(),
});

export const snapshot = defineRoute({
  method: 'get',
  path: '/api/snapshot',
  tags: ['map'],
  summary: 'Open incidents, recent appeals (cleared roles), hotspots and appeal density, active alerts and per-grid counts, with the feed seq they are consistent with',
  description: 'Subscribe over Socket.IO with `since` = the returned `seq` to continue live without a gap.',
  access: 'map.read',
  query: snapshotQuery,
  responses: { 200: { description: 'Snapshot' } },
  handle: async ({ ctx, query, actor }) => {
    const { area, layers: asked, ...rest } = query;
    if (asked) assertLayers(actor.role, asked);
    const layers = asked ?? layersFor(actor.role);
    const scope = await requestScope(ctx.database, actor, area);
    // SnapshotService bounds concurrency, time and size (server/services/snapshot.ts).
    // Exact per-grid appeal counts go with the individual appeals (a dispatch console);
    // a shared screen's snapshot (no `appeals` layer) gets them k-suppressed, whoever signed it in.
    const appealCounts = layers.includes('appeals') ? 'exact' : 'k-suppressed';
    return { status: 200, body: await ctx.snapshots.read(scope, { ...rest, layers, appealCounts }) };
  },
});

import { findRootAreas } from '../../../db/queries/areas';
import { basemapFromConfig } from '../../domain/basemap';
import type { ClientConfig } from '../../protocol/rest';
import type { AppContext } from '../../services/context';
import { openApiDocument } from '../openapi';
import type { Router } from '../router';

export function registerSystemRoutes(router: Router, ctx: AppContext): void {
  // issue-5: health logic lives in server/services/health.ts (200 ok / 503 degraded + Retry-After).
  router.add('GET', '/api/health', async () => {
    const { status, report, retryAfter } = await ctx.health.check();
    return { status, body: report, headers: retryAfter ? { 'retry-after': String(retryAfter) } : undefined };
  });

  router.add('GET', '/api/config', async () => {
    const [root] = await findRootAreas(ctx.database);
    const body: ClientConfig = {
      cityName: root?.name ?? '—',
      cityNameEn: root?.nameEn ?? '—',
      rootCode: root?.code ?? '',
      center: root ? [root.lng, root.lat] : [106.6302, 26.6477],
      zoom: 10,
      basemap: basemapFromConfig(ctx.config.basemap, ctx.config.tiandituKey),
    };
    return { status: 200, body };
  });

  router.add('GET', '/api/openapi.json', async () => ({ status: 200, body: openApiDocument() }));
}

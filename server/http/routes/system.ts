import { sql } from 'drizzle-orm';
import { findRootAreas } from '../../../db/queries/areas';
import { basemapFromConfig } from '../../domain/basemap';
import type { ClientConfig } from '../../protocol/rest';
import { PROTOCOL_VERSION } from '../../protocol/wire';
import type { AppContext } from '../../services/context';
import { openApiDocument } from '../openapi';
import type { Router } from '../router';

export function registerSystemRoutes(router: Router, ctx: AppContext): void {
  router.add('GET', '/api/health', async () => {
    const [postgis] = await ctx.database.rows<{ version: string }>(sql`SELECT postgis_lib_version() AS version`);
    return {
      status: 200,
      body: {
        status: 'ok',
        database: ctx.database.kind,
        postgis: postgis?.version ?? null,
        feedHead: ctx.publisher.feedHead,
        sockets: ctx.io.engine.clientsCount,
        protocol: PROTOCOL_VERSION,
        uptimeS: Math.round((Date.now() - ctx.startedAt.getTime()) / 1000),
      },
    };
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

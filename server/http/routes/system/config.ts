import { findRootAreas } from '../../../../db/queries/areas';
import { basemapFromConfig } from '../../../domain/basemap';
import type { ClientConfig } from '../../../protocol/rest';
import { defineRoute } from '../../route';

export const clientConfig = defineRoute({
  method: 'get',
  path: '/api/config',
  tags: ['system'],
  summary: 'Client configuration: city, initial view, base map',
  access: 'public',
  responses: { 200: { description: 'ClientConfig' } },
  handle: async ({ ctx }) => {
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
  },
});

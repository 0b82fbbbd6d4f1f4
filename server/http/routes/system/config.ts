import { findRootAreas, findScopeView } from '../../../../db/queries/areas';
import { DEMO_DISPLAY_TOKEN, DEMO_USERS, demoAllowed } from '../../../auth/demo-secrets';
import { basemapFromConfig } from '../../../domain/basemap';
import type { ClientConfig, DemoInfo } from '../../../protocol/rest';
import { defineRoute } from '../../route';

export const clientConfig = defineRoute({
  method: 'get',
  path: '/api/config',
  tags: ['system'],
  summary: 'Client configuration: the initial view (the caller\'s jurisdiction, or the city), base map',
  description:
    'Public. Signed in (session or display), the view is the caller\'s own area: its name, code (`rootCode`), a point inside it and its bounds. ' +
    'Anonymous callers get the city; on a demo server they also get `demo` (the demo wall link and logins) for the login page.',
  access: 'public',
  responses: { 200: { description: 'ClientConfig' } },
  handle: async ({ ctx, actor }) => {
    const area = actor ? await findScopeView(ctx.database, actor.scope) : (await findRootAreas(ctx.database))[0];
    const body: ClientConfig = {
      cityName: area?.name ?? '—',
      cityNameEn: area?.nameEn ?? '—',
      rootCode: area?.code ?? '',
      center: area ? [area.lng, area.lat] : [106.6302, 26.6477],
      bounds: area?.bbox ?? null,
      zoom: 10,
      basemap: basemapFromConfig(ctx.config.basemap, ctx.config.tiandituKey),
    };
    // The demo accounts exist exactly when the server seeded them (see createServer).
    if (!actor && ctx.config.seedIfEmpty && demoAllowed()) body.demo = demoInfo();
    return { status: 200, body, headers: { 'cache-control': 'private, no-store', vary: 'cookie' } };
  },
});

function demoInfo(): DemoInfo {
  return {
    wallUrl: `/wall?display=${encodeURIComponent(DEMO_DISPLAY_TOKEN)}`,
    logins: DEMO_USERS.map((u) => ({ login: u.login, password: u.password, role: u.role, displayName: u.displayName })),
  };
}

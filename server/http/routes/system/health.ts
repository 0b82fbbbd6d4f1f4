import { sql } from 'drizzle-orm';
import { PROTOCOL_VERSION } from '../../../protocol/wire';
import { defineRoute } from '../../route';

export const health = defineRoute({
  method: 'get',
  path: '/api/health',
  tags: ['system'],
  summary: 'Liveness: database kind, PostGIS version, feed head, connected sockets',
  access: 'public',
  responses: { 200: { description: 'ok' }, 503: { description: 'degraded: the database is unreachable' } },
  handle: async ({ ctx }) => {
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
  },
});

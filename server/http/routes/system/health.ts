import { defineRoute } from '../../route';

export const health = defineRoute({
  method: 'get',
  path: '/api/health',
  tags: ['system'],
  summary: 'Liveness: database kind, PostGIS version, feed head, connected sockets; 503 `degraded` while the database is away',
  access: 'public',
  responses: { 200: { description: 'ok' }, 503: { description: 'degraded: the database is unreachable (Retry-After)' } },
  // The health logic lives in server/services/health.ts (200 ok / 503 degraded + Retry-After).
  handle: async ({ ctx }) => {
    const { status, report, retryAfter } = await ctx.health.check();
    return { status, body: report, headers: retryAfter ? { 'retry-after': String(retryAfter) } : undefined };
  },
});

import { z } from 'zod';
import { CASE_CHANNELS } from '../../../../db/vocab';
import { createApiKey, listApiKeys, setApiKeyDisabled } from '../../../auth/api-keys';
import { auditBy } from '../../../auth/audit';
import { createDisplayToken, listDisplayTokens, revokeDisplayToken } from '../../../auth/display-tokens';
import { areaCodeSchema } from '../../../protocol/wire';
import { defineRoute } from '../../route';

const idParams = z.object({ id: z.coerce.number().int().positive().max(2 ** 31 - 1) });

export const listDisplayTokensRoute = defineRoute({
  method: 'get',
  path: '/api/admin/display-tokens',
  tags: ['admin'],
  summary: 'Wall display tokens within your jurisdiction (never the secrets)',
  access: 'admin.tokens',
  responses: { 200: { description: '`{ displays }`' } },
  handle: async ({ ctx, actor }) => ({ status: 200, body: { displays: await listDisplayTokens(ctx.database, actor.scope) } }),
});

export const createDisplayTokenRoute = defineRoute({
  method: 'post',
  path: '/api/admin/display-tokens',
  tags: ['admin'],
  summary: 'Create a read-only display token bound to an area; the secret is shown once (audited)',
  access: 'admin.tokens',
  body: { schema: z.object({ name: z.string().min(1).max(100), areaCode: areaCodeSchema }).strict(), limit: 4096 },
  responses: { 201: { description: '`{ token, url, display }`' }, 404: { description: 'Area outside your jurisdiction' } },
  handle: async ({ ctx, actor, body, ip }) => {
    const created = await createDisplayToken(ctx.database, { ...auditBy(actor, ip), userId: actor.kind === 'user' ? actor.id : null }, actor.scope, body);
    return { status: 201, body: { token: created.token, url: `/wall?display=${created.token}`, display: created.display } };
  },
});

export const revokeDisplayTokenRoute = defineRoute({
  method: 'post',
  path: '/api/admin/display-tokens/{id}/revoke',
  tags: ['admin'],
  summary: 'Revoke a display token: its screens are disconnected within seconds (audited)',
  access: 'admin.tokens',
  params: idParams,
  responses: { 200: { description: '`{ display }`' }, 404: { description: 'No such display in your jurisdiction' } },
  handle: async ({ ctx, actor, params, ip }) => ({
    status: 200,
    body: { display: await revokeDisplayToken(ctx.database, auditBy(actor, ip), actor.scope, params.id) },
  }),
});

export const listApiKeysRoute = defineRoute({
  method: 'get',
  path: '/api/admin/api-keys',
  tags: ['admin'],
  summary: 'Intake API clients within your jurisdiction (never the keys)',
  access: 'admin.apikeys',
  responses: { 200: { description: '`{ clients }`' } },
  handle: async ({ ctx, actor }) => ({ status: 200, body: { clients: await listApiKeys(ctx.database, actor.scope) } }),
});

export const createApiKeyRoute = defineRoute({
  method: 'post',
  path: '/api/admin/api-keys',
  tags: ['admin'],
  summary: 'Create an intake API client bound to channels and an area; the key is shown once (audited)',
  access: 'admin.apikeys',
  body: {
    schema: z.object({ name: z.string().min(1).max(100), areaCode: areaCodeSchema, channels: z.array(z.enum(CASE_CHANNELS)).min(1).max(CASE_CHANNELS.length) }).strict(),
    limit: 4096,
  },
  responses: { 201: { description: '`{ key, client }`' }, 404: { description: 'Area outside your jurisdiction' } },
  handle: async ({ ctx, actor, body, ip }) => {
    const created = await createApiKey(ctx.database, auditBy(actor, ip), actor.scope, body);
    return { status: 201, body: { key: created.key, client: created.client } };
  },
});

export const setApiKeyEnabledRoute = defineRoute({
  method: 'post',
  path: '/api/admin/api-keys/{id}/enabled',
  tags: ['admin'],
  summary: 'Disable or re-enable an API client (audited)',
  access: 'admin.apikeys',
  params: idParams,
  body: { schema: z.object({ enabled: z.boolean() }).strict(), limit: 1024 },
  responses: { 200: { description: '`{ client }`' }, 404: { description: 'No such client in your jurisdiction' } },
  handle: async ({ ctx, actor, params, body, ip }) => ({
    status: 200,
    body: { client: await setApiKeyDisabled(ctx.database, auditBy(actor, ip), actor.scope, params.id, !body.enabled) },
  }),
});

import { z } from 'zod';
import { listUsers } from '../../../../db/queries/users';
import { ROLES } from '../../../../db/vocab';
import { createUser, setPassword, setUserEnabled } from '../../../auth/accounts';
import { auditBy } from '../../../auth/audit';
import { areaCodeSchema } from '../../../protocol/wire';
import { defineRoute } from '../../route';

const userId = z.object({ id: z.coerce.number().int().positive().max(2 ** 31 - 1) });

export const listUsersRoute = defineRoute({
  method: 'get',
  path: '/api/admin/users',
  tags: ['admin'],
  summary: 'Accounts within your jurisdiction',
  access: 'admin.users',
  responses: { 200: { description: '`{ users }` (never password hashes)' } },
  handle: async ({ ctx, actor }) => ({ status: 200, body: { users: await listUsers(ctx.database, actor.scope) } }),
});

export const createUserRoute = defineRoute({
  method: 'post',
  path: '/api/admin/users',
  tags: ['admin'],
  summary: 'Create an account with a role and a jurisdiction inside yours (audited)',
  access: 'admin.users',
  body: {
    schema: z
      .object({ login: z.string().min(2).max(64), displayName: z.string().min(1).max(100), role: z.enum(ROLES), areaCode: areaCodeSchema, password: z.string().min(1).max(1024) })
      .strict(),
    limit: 8 * 1024,
  },
  responses: { 201: { description: '`{ user }`' }, 400: { description: 'Policy not met' }, 404: { description: 'Area outside your jurisdiction' }, 409: { description: 'Login taken' } },
  handle: async ({ ctx, actor, body, ip }) => ({ status: 201, body: { user: await createUser(ctx.database, auditBy(actor, ip), actor.scope, body) } }),
});

export const setUserEnabledRoute = defineRoute({
  method: 'post',
  path: '/api/admin/users/{id}/enabled',
  tags: ['admin'],
  summary: 'Disable (revoking every session and socket) or re-enable an account (audited)',
  access: 'admin.users',
  params: userId,
  body: { schema: z.object({ enabled: z.boolean() }).strict(), limit: 1024 },
  responses: { 200: { description: '`{ user, revokedSessions }`' }, 404: { description: 'No such account in your jurisdiction' } },
  handle: async ({ ctx, actor, params, body, ip }) => {
    const result = await setUserEnabled(ctx.database, auditBy(actor, ip), actor.scope, params.id, body.enabled);
    ctx.sessionsRevoked(result.revokedSessions, 'user_disabled');
    return { status: 200, body: { user: result.user, revokedSessions: result.revokedSessions.length } };
  },
});

export const resetPasswordRoute = defineRoute({
  method: 'post',
  path: '/api/admin/users/{id}/password',
  tags: ['admin'],
  summary: "Reset an account's password (revokes its sessions; audited)",
  access: 'admin.users',
  params: userId,
  body: { schema: z.object({ password: z.string().min(1).max(1024) }).strict(), limit: 4096 },
  responses: { 200: { description: '`{ revokedSessions }`' }, 400: { description: 'Policy not met' }, 404: { description: 'No such account in your jurisdiction' } },
  handle: async ({ ctx, actor, params, body, ip }) => {
    const result = await setPassword(ctx.database, auditBy(actor, ip), actor.scope, params.id, body.password);
    ctx.sessionsRevoked(result.revokedSessions, 'password_reset');
    return { status: 200, body: { revokedSessions: result.revokedSessions.length } };
  },
});

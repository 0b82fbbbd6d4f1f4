import { z } from 'zod';
import { findAreaSummary } from '../../../../db/queries/areas';
import { SESSION_COOKIE } from '../../../auth/authenticate';
import { changeOwnPassword } from '../../../auth/accounts';
import { logout } from '../../../auth/login';
import { AppError } from '../../../errors';
import { clearCredentialCookie, requestIsHttps, setCredentialCookie } from '../../cookies';
import { defineRoute } from '../../route';

export const signOut = defineRoute({
  method: 'post',
  path: '/api/auth/logout',
  tags: ['auth'],
  summary: 'Sign out: revokes this session (its sockets are disconnected) and clears the cookie',
  access: 'session.self',
  responses: { 200: { description: '`{ ok: true }`' } },
  handle: async ({ ctx, actor, c, ip }) => {
    if (actor.kind !== 'user') throw new AppError('FORBIDDEN', 'only a signed-in user has a session', null);
    await logout(ctx.database, actor, ip);
    ctx.sessionsRevoked([actor.sessionId], 'logout');
    clearCredentialCookie(c, SESSION_COOKIE, requestIsHttps(c, ctx.config.trustProxy));
    return { status: 200, body: { ok: true } };
  },
});

export const whoAmI = defineRoute({
  method: 'get',
  path: '/api/auth/me',
  tags: ['auth'],
  summary: 'Who is asking: the signed-in user or display, its role and jurisdiction',
  access: 'map.read',
  responses: { 200: { description: '`{ kind, name, role, login?, area: { code, name, level } }`' } },
  handle: async ({ ctx, actor }) => {
    const area = await findAreaSummary(ctx.database, actor.scope);
    return {
      status: 200,
      body: { kind: actor.kind, name: actor.name, role: actor.role, login: actor.kind === 'user' ? actor.login : null, area },
    };
  },
});

const passwordBody = z.object({ current: z.string().min(1).max(1024), next: z.string().min(1).max(1024) }).strict();

export const changePassword = defineRoute({
  method: 'post',
  path: '/api/auth/password',
  tags: ['auth'],
  summary: 'Change your own password: every other session of yours ends (their sockets too); this one is renewed',
  access: 'session.self',
  body: { schema: passwordBody, limit: 8 * 1024 },
  responses: { 200: { description: 'Changed; a fresh session cookie is set' }, 400: { description: 'Current password wrong, or the policy is not met' } },
  handle: async ({ ctx, actor, body, c, ip }) => {
    if (actor.kind !== 'user') throw new AppError('FORBIDDEN', 'only a signed-in user has a password', null);
    const fresh = await changeOwnPassword(ctx.database, actor, { ...body, ip, userAgent: c.req.header('user-agent') ?? null }, { config: ctx.sessionConfig });
    setCredentialCookie(c, SESSION_COOKIE, fresh.token, (fresh.expiresAt.getTime() - Date.now()) / 1000, requestIsHttps(c, ctx.config.trustProxy));
    ctx.sessionsRevoked([actor.sessionId], 'password_changed');
    return { status: 200, body: { ok: true } };
  },
});

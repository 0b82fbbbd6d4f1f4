import { z } from 'zod';
import { DISPLAY_COOKIE } from '../../../auth/authenticate';
import { resolveDisplayToken } from '../../../auth/display-tokens';
import { AppError } from '../../../errors';
import { requestIsHttps, setCredentialCookie } from '../../cookies';
import { defineRoute } from '../../route';

/** A wall display's cookie lives long: the screen is unattended; revoking the token ends it. */
export const DISPLAY_COOKIE_MAX_AGE_S = 400 * 24 * 3600;

export const exchangeDisplayToken = defineRoute({
  method: 'post',
  path: '/api/auth/display',
  tags: ['auth'],
  summary: 'Exchange a display token for the read-only display cookie (wall screens)',
  description: 'Browsers normally do this by opening `/wall?display=<token>`, which the server exchanges and strips from the address bar.',
  access: 'public',
  body: { schema: z.object({ token: z.string().min(1).max(256) }).strict(), limit: 4 * 1024 },
  responses: { 200: { description: 'Cookie set: `{ display: { name, area } }`' }, 401: { description: 'Unknown or revoked token' } },
  handle: async ({ ctx, body, c }) => {
    const actor = await resolveDisplayToken(ctx.database, body.token);
    if (!actor) throw new AppError('BAD_CREDENTIALS', 'unknown or revoked display token', null);
    setCredentialCookie(c, DISPLAY_COOKIE, body.token, DISPLAY_COOKIE_MAX_AGE_S, requestIsHttps(c, ctx.config.trustProxy));
    return { status: 200, body: { display: { name: actor.name, area: actor.scope.code } } };
  },
});

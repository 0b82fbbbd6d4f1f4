import { z } from 'zod';
import { DISPLAY_COOKIE, SESSION_COOKIE } from '../../../auth/authenticate';
import { login } from '../../../auth/login';
import { AppError } from '../../../errors';
import { clearCredentialCookie, requestIsHttps, setCredentialCookie } from '../../cookies';
import { defineRoute } from '../../route';

const loginBody = z
  .object({
    login: z.string().trim().min(1, 'login is required').max(128),
    password: z.string().min(1, 'password is required').max(1024),
  })
  .strict();

export const signIn = defineRoute({
  method: 'post',
  path: '/api/auth/login',
  tags: ['auth'],
  summary: 'Sign in with login and password; sets the httpOnly session cookie',
  description: 'Throttled per account and per IP: too many failures → 429 with Retry-After. Every attempt is audited.',
  access: 'public',
  body: { schema: loginBody, limit: 8 * 1024 },
  responses: {
    200: { description: 'Signed in: `{ user }` and Set-Cookie' },
    401: { description: 'BAD_CREDENTIALS: unknown login, wrong password or disabled account (not told apart)' },
    429: { description: 'RATE_LIMITED, with Retry-After' },
  },
  handle: async ({ ctx, body, c, ip }) => {
    const result = await login(ctx.database, ctx.throttle, { ...body, ip, userAgent: c.req.header('user-agent') ?? null }, { config: ctx.sessionConfig });
    if (!result.ok) {
      if (result.code === 'RATE_LIMITED') {
        throw new AppError('RATE_LIMITED', `too many failed sign-ins; try again in ${result.retryAfterS} s`, { retryAfterS: result.retryAfterS }, result.retryAfterS);
      }
      throw new AppError('BAD_CREDENTIALS', 'wrong login or password', null);
    }
    const secure = requestIsHttps(c, ctx.config.trustProxy);
    setCredentialCookie(c, SESSION_COOKIE, result.token, (result.expiresAt.getTime() - Date.now()) / 1000, secure);
    // A person signing in on a wall screen takes it over from the display token.
    clearCredentialCookie(c, DISPLAY_COOKIE, secure);
    return { status: 200, body: { user: result.user } };
  },
});

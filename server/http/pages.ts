import type http from 'node:http';
import { serialize } from 'hono/utils/cookie';
import { DISPLAY_COOKIE } from '../auth/authenticate';
import { resolveDisplayToken } from '../auth/display-tokens';
import type { AppContext } from '../services/context';
import { credentialCookieOptions, forwardedHttps } from './cookies';
import { DISPLAY_COOKIE_MAX_AGE_S } from './routes/auth/display';

/** Pages anyone may load: the login page, Next's assets and static files. */
const OPEN = [/^\/login(?:\/|$|\?)/, /^\/_next\//, /^\/__nextjs/, /^\/[\w.-]+\.(?:svg|png|ico|txt|webmanifest|json|js|css|woff2?)$/];

/**
 * The gate in front of Next: a page for signed-in people (or a wall display) only.
 * - `/wall?display=<token>`: the token is exchanged for the display cookie and
 *   the browser is sent to the same page without it, so the secret leaves the
 *   address bar (and the history entry that the redirect replaces).
 * - Anyone else without a credential goes to `/login?next=<page>`.
 * Returns true when it answered the request itself.
 */
export async function guardPage(req: http.IncomingMessage, res: http.ServerResponse, ctx: AppContext): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (OPEN.some((pattern) => pattern.test(url.pathname))) return false;
  const secure = forwardedHttps(req.headers['x-forwarded-proto'], ctx.config.trustProxy);
  const token = url.searchParams.get('display');
  if (token !== null) {
    url.searchParams.delete('display');
    const target = url.pathname + (url.search === '?' ? '' : url.search);
    const actor = await resolveDisplayToken(ctx.database, token);
    if (!actor) return redirect(res, `/login?next=${encodeURIComponent(target)}&display=invalid`);
    const cookie = serialize(DISPLAY_COOKIE, token, credentialCookieOptions(DISPLAY_COOKIE_MAX_AGE_S, secure));
    return redirect(res, target, cookie);
  }
  const found = await ctx.auth.fromHeaders({ cookie: req.headers.cookie });
  if (found) return false;
  return redirect(res, `/login?next=${encodeURIComponent(url.pathname + url.search)}`);
}

function redirect(res: http.ServerResponse, location: string, cookie?: string): true {
  res.statusCode = 303;
  res.setHeader('location', location);
  res.setHeader('cache-control', 'no-store');
  if (cookie) res.setHeader('set-cookie', cookie);
  res.end();
  return true;
}

import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors';

/**
 * Browser security for every response of the one port (API and pages alike).
 * The CSP allows what Next and Leaflet need: Next's inline bootstrap scripts and
 * Leaflet's inline styles; tiles from the configured base-map hosts; sockets to
 * this origin. Pages cannot be framed.
 */
export function securityHeaders(options: { dev: boolean; tileOrigins: string[] }): Record<string, string> {
  const tiles = options.tileOrigins.join(' ');
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${options.dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob:${tiles ? ` ${tiles}` : ''}`,
    "font-src 'self' data:",
    `connect-src 'self'${options.dev ? ' ws: wss:' : ''}`,
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'x-frame-options': 'DENY',
    'permissions-policy': 'camera=(self), geolocation=(self), microphone=()',
    'cross-origin-opener-policy': 'same-origin',
  };
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Same-origin rule for writes: a browser always sends Origin on a cross-site POST
 * and Sec-Fetch-Site where it supports it. A write whose Origin is another site,
 * or whose Sec-Fetch-Site says cross-site, is refused before any handler runs
 * (CSRF). Non-browser clients (API keys, curl) send neither and pass; they carry
 * no ambient cookie authority anyway.
 */
export function sameOriginWrites(allowedOrigins: readonly string[]): MiddlewareHandler {
  return async (c, next) => {
    if (!SAFE.has(c.req.method)) {
      const origin = c.req.header('origin');
      const site = c.req.header('sec-fetch-site');
      const host = c.req.header('host');
      if (site === 'cross-site' || (origin && !sameOrigin(origin, host, allowedOrigins))) {
        throw new AppError('FORBIDDEN', 'cross-origin write refused', { origin: origin ?? null, secFetchSite: site ?? null });
      }
    }
    await next();
  };
}

export function sameOrigin(origin: string, host: string | undefined, allowed: readonly string[]): boolean {
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

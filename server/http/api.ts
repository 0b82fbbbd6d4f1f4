import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { compress } from 'hono/compress';
import type { z } from 'zod';
import { may } from '../auth/permissions';
import { AppError, classifyDatabaseError, issuesOf, toHttp } from '../errors';
import type { AppContext } from '../services/context';
import { readBodyText, readFormBody, readJsonBody } from './body';
import { honoPath, pathPattern, type AnyRoute, type Reply } from './route';
import { ROUTES } from './routes';
import { OPEN311_PATHS } from '../open311/openapi';
import { sameOriginWrites } from './security';

/**
 * The REST API: one Hono app mounted on /api inside the custom server. Every
 * route comes from the route table (server/http/routes), and so does the OpenAPI
 * document at /api/openapi.json. One error handler maps every failure to
 * `{ error: { code, message, details } }`.
 */
export function createApi(ctx: AppContext, routes: readonly AnyRoute[] = ROUTES): OpenAPIHono {
  const app = new OpenAPIHono({ strict: false });
  app.use('*', compress({ threshold: 2048 }));
  app.use('*', async (c, next) => {
    await next();
    if (!c.res.headers.has('cache-control')) c.header('cache-control', 'no-store');
  });
  app.use('*', sameOriginWrites(ctx.config.allowedOrigins));

  const literals = routes.filter((r) => !r.path.includes('{'));
  for (const route of routes) {
    app.openAPIRegistry.registerPath(openApiPath(route));
    app.on(route.method.toUpperCase(), honoPath(route.path), (c) => {
      // A literal path outranks a parameterised one: GET /api/cases/batch is a wrong
      // method on the batch route, not case id "batch".
      if (route.path.includes('{') && literals.some((r) => pathPattern(r.path).test(c.req.path))) {
        return methodNotAllowed(c, routes) ?? runRoute(c, route, ctx);
      }
      return runRoute(c, route, ctx);
    });
  }

  // Served beside /api by server/open311/app.ts; listed here so one document names every HTTP endpoint.
  for (const path of OPEN311_PATHS) app.openAPIRegistry.registerPath(path as never);

  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Harmony Command Map API (和云指挥一张图)',
      version: '0.2.0',
      description:
        'Intake of grid incidents, citizen appeals and public-safety alerts, the map snapshot, accounts and sessions. ' +
        'Coordinates are WGS84 [lng, lat] (GeoJSON order). Every error is `{ error: { code, message, details } }` and writes nothing. ' +
        'Authenticate with the session cookie (browser), a display token cookie (wall screens) or `Authorization: Bearer <api key>` (intake clients).',
    },
  });

  app.notFound((c) => methodNotAllowed(c, routes) ?? errorResponse(c, new AppError('NOT_FOUND', `no route ${safePath(c.req.path)}`, { path: safePath(c.req.path) })));

  app.onError((error, c) => {
    // Expected failures (our own, and database outages mapped to 503) are answers, not bugs.
    if (!(error instanceof AppError) && !classifyDatabaseError(error)) ctx.log.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
    return errorResponse(c, error);
  });
  return app;
}

/** 405 with `Allow` when the path exists under other methods (literal paths first), else undefined. */
function methodNotAllowed(c: Context, routes: readonly AnyRoute[]): Response | undefined {
  const path = c.req.path;
  const matching = routes.filter((r) => pathPattern(r.path).test(path));
  const literal = matching.filter((r) => !r.path.includes('{'));
  const allow = (literal.length > 0 ? literal : matching).map((r) => r.method.toUpperCase());
  if (allow.length === 0) return undefined;
  const unique = [...new Set(allow.includes('GET') ? [...allow, 'HEAD'] : allow)];
  return errorResponse(c, new AppError('METHOD_NOT_ALLOWED', `${c.req.method} is not allowed on ${path}`, { allow: unique }), {
    allow: unique.join(', '),
  });
}

async function runRoute(c: Context, route: AnyRoute, ctx: AppContext): Promise<Response> {
  const authenticated = await ctx.auth.fromHeaders({
    cookie: c.req.header('cookie'),
    authorization: c.req.header('authorization'),
    apiKey: c.req.header('x-api-key'),
  });
  const actor = authenticated?.actor ?? null;
  if (route.access !== 'public') {
    if (!actor) {
      // A page whose credential ended learns why (as its socket's `signedOut` says), not just that.
      const reason = await ctx.auth.whyNot({ cookie: c.req.header('cookie') });
      throw new AppError('UNAUTHENTICATED', 'sign in, or send a display token or API key', { action: route.access, reason });
    }
    if (!may(actor.role, route.access)) {
      throw new AppError('FORBIDDEN', `${actor.role} may not ${route.access}`, { action: route.access, role: actor.role });
    }
  }
  const params = route.params ? parseWith(route.params, c.req.param(), 'BAD_PARAMS', 'invalid path parameters') : undefined;
  const query = route.query ? parseWith(route.query, c.req.query(), 'BAD_QUERY', 'invalid query parameters') : undefined;
  let body: unknown;
  if (route.body) {
    const kind = route.body.kind ?? 'json';
    const raw =
      kind === 'json'
        ? await readJsonBody(c, route.body.limit)
        : kind === 'form'
          ? await readFormBody(c, route.body.limit)
          : await readBodyText(c, 'xml', route.body.limit);
    body = parseWith(route.body.schema, raw, 'VALIDATION_FAILED', 'invalid request body');
  }
  const reply = await route.handle({ query, params, body, actor, ctx, c, ip: clientIp(c) });
  if (reply instanceof Response) return reply;
  return send(c, reply);
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, code: 'BAD_PARAMS' | 'BAD_QUERY' | 'VALIDATION_FAILED', what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = issuesOf(parsed.error);
  throw new AppError(code, `${what}: ${details[0]?.path || '(root)'}: ${details[0]?.message}`, details);
}

function send(c: Context, reply: Reply): Response {
  for (const [name, value] of Object.entries(reply.headers ?? {})) c.header(name, value);
  if (typeof reply.body === 'string') return c.body(reply.body, reply.status as 200);
  return c.json(reply.body as object, reply.status as 200);
}

function errorResponse(c: Context, error: unknown, headers: Record<string, string> = {}): Response {
  const { status, body, headers: errorHeaders } = toHttp(error);
  const extra: Record<string, string> = { ...errorHeaders, ...headers };
  // After refusing an oversize body we stop reading it; closing the connection avoids draining it.
  if (status === 413) extra.connection = 'close';
  for (const [name, value] of Object.entries(extra)) c.header(name, value);
  return c.json(body, status as 400);
}

/** The address of the peer, from the Node socket (no proxy headers are trusted by default). */
export function clientIp(c: Context): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}

function safePath(path: string): string {
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}

function openApiPath(route: AnyRoute) {
  const json = (schema: z.ZodType) => ({ 'application/json': { schema } });
  const errorSchema = { description: 'Refused; nothing was written. `{ error: { code, message, details } }`' };
  const responses: Record<string, { description: string; content?: Record<string, { schema: z.ZodType }> }> = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    responses[status] = spec.schema ? { description: spec.description, content: { [spec.contentType ?? 'application/json']: { schema: spec.schema } } } : { description: spec.description };
  }
  if (route.access !== 'public') {
    responses['401'] ??= errorSchema;
    responses['403'] ??= errorSchema;
  }
  const bodyType = route.body?.kind === 'form' ? 'application/x-www-form-urlencoded' : route.body?.kind === 'xml' ? 'application/xml' : 'application/json';
  return {
    method: route.method,
    path: route.path,
    tags: route.tags,
    summary: route.summary,
    description: [route.description, route.access === 'public' ? 'Public.' : `Requires the action \`${route.access}\`.`].filter(Boolean).join('\n\n'),
    request: {
      ...(route.params ? { params: route.params as never } : {}),
      ...(route.query ? { query: route.query as never } : {}),
      ...(route.body ? { body: { required: true, content: route.body.kind === 'xml' ? { [bodyType]: { schema: route.body.schema } } : bodyType === 'application/json' ? json(route.body.schema) : { [bodyType]: { schema: route.body.schema } } } } : {}),
    },
    responses,
  };
}

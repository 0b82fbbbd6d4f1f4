import { Hono, type Context } from 'hono';
import { findOpen311Cases, pointInCity, type ServiceFilter } from '../../db/queries/open311';
import { resolveApiKey, type ApiClientActor } from '../auth/api-keys';
import { AppError, classifyDatabaseError } from '../errors';
import { readBodyText, readFormBody, parseMediaType } from '../http/body';
import { clientIp } from '../http/api';
import { readXml } from '../cap/xml';
import { intakeBy } from '../services/ingest';
import type { AppContext } from '../services/context';
import { findService, listServices } from './catalogue';
import { fieldsFromForm, fieldsFromXml, toCaseInput, type RequestFields } from './input';
import { toServiceRequest } from './requests';
import { CONTENT_TYPE, Open311Error, render, renderErrors, type Format } from './wire';

/**
 * Open311 GeoReport v2 under /open311/v2/ (http://wiki.open311.org/GeoReport_v2):
 * discovery, services, service definitions, POST requests and GET requests / one
 * request, each in .json and .xml. An api_key names one of our API clients, which
 * must hold the `open311` channel; intake goes through the ordinary ingest service
 * (case, grid, feed row, contact, idempotency in one transaction). Every failure is
 * the spec's error array with its HTTP status, and writes nothing.
 */
export const OPEN311_BASE = '/open311/v2';
/** Form and XML bodies larger than this are refused (413) before parsing. */
export const OPEN311_BODY_LIMIT = 32 * 1024;
/** GET requests: the spec's default window and most requests per answer. */
export const DEFAULT_WINDOW_DAYS = 90;
export const MAX_REQUESTS = 1000;
const MAX_IDS = 200;

export function createOpen311(ctx: AppContext): Hono {
  const app = new Hono({ strict: false });
  app.all(`${OPEN311_BASE}/*`, async (c) => {
    const rest = c.req.path.slice(OPEN311_BASE.length + 1);
    const match = /^(discovery|services|requests)(?:\/([^/]+?))?\.(json|xml)$/.exec(rest);
    const format: Format = match?.[3] === 'json' ? 'json' : rest.endsWith('.json') ? 'json' : 'xml';
    try {
      if (!match) throw new Open311Error(404, `no Open311 resource ${rest.slice(0, 100)}: use discovery, services, services/{code}, requests or requests/{id} with .json or .xml`);
      const [, resource, id] = match;
      const method = c.req.method;
      const allow = (...methods: string[]) => {
        if (!methods.includes(method) && !(method === 'HEAD' && methods.includes('GET'))) {
          c.header('allow', methods.join(', '));
          throw new Open311Error(405, `${method} is not allowed here: ${methods.join(', ')}`);
        }
      };
      const decoded = id === undefined ? undefined : decodeSegment(id);
      if (resource === 'discovery' && decoded === undefined) {
        allow('GET');
        return answer(c, format, 200, 'discovery', discovery(c, ctx));
      }
      if (resource === 'services') {
        allow('GET');
        if (decoded === undefined) return answer(c, format, 200, 'services', listServices());
        const found = findService(decoded);
        if (!found) throw new Open311Error(404, `service_code ${decoded} was not found`);
        return answer(c, format, 200, 'service_definition', { service_code: found.service.service_code, attributes: found.attributes });
      }
      if (resource === 'requests') {
        if (decoded === undefined) {
          allow('GET', 'POST');
          return method === 'POST' ? await postRequest(c, ctx, format) : await getRequests(c, ctx, format, null);
        }
        allow('GET');
        return await getRequests(c, ctx, format, decoded);
      }
      throw new Open311Error(404, `no Open311 resource ${rest.slice(0, 100)}`);
    } catch (error) {
      return failure(c, ctx, format, error);
    }
  });
  return app;
}

/** A path segment, percent-decoded; a malformed escape names nothing that exists (404), never a 500. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new Open311Error(404, `no Open311 resource named ${segment.slice(0, 40)}`);
  }
}

function discovery(c: Context, ctx: AppContext) {
  const host = c.req.header('host') ?? 'localhost';
  const scheme = c.req.url.startsWith('https:') ? 'https' : 'http';
  const changeset = ctx.startedAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    changeset,
    contact: '和云指挥一张图 Harmony Command Map — the command centre administrator',
    key_service: 'An administrator issues API keys with the open311 channel: npm run users -- apikey --name NAME --area CODE --channels open311',
    endpoints: [
      {
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: `${scheme}://${host}${OPEN311_BASE}`,
        changeset,
        type: 'production',
        formats: ['text/xml', 'application/json'],
      },
    ],
  };
}

/** The API key: the spec's api_key field (body or query), or our Authorization: Bearer / X-API-Key headers. */
async function client(c: Context, ctx: AppContext, fromBody?: string): Promise<ApiClientActor> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
  const key = fromBody ?? c.req.query('api_key') ?? bearer ?? c.req.header('x-api-key');
  if (!key) throw new Open311Error(403, 'api_key was not provided');
  const actor = await resolveApiKey(ctx.database, key);
  if (!actor) throw new Open311Error(403, 'api_key is invalid');
  if (!actor.channels.includes('open311')) throw new Open311Error(403, `API client ${actor.name} may not report through Open311 (it lacks the open311 channel)`);
  return actor;
}

async function postRequest(c: Context, ctx: AppContext, format: Format): Promise<Response> {
  const media = parseMediaType(c.req.header('content-type'));
  let fields: RequestFields;
  if (media && /(^|\/|\+)xml$/.test(media.type)) {
    fields = fieldsFromXml(readXml(await readBodyText(c, 'xml', OPEN311_BODY_LIMIT)));
  } else {
    fields = fieldsFromForm(await readFormBody(c, OPEN311_BODY_LIMIT));
  }
  const actor = await client(c, ctx, fields.api_key);
  const input = toCaseInput(fields, actor.id, new Date());
  const [lng, lat] = input.location.coordinates;
  if (!(await pointInCity(ctx.database, lng, lat))) throw new Open311Error(400, `lat ${lat}, long ${lng} lies outside the city this server serves`);
  const [result] = await ctx.ingest.ingestCases([input], intakeBy(actor, clientIp(c)));
  const created = result!;
  return answer(c, format, created.created ? 201 : 200, 'service_requests', [
    {
      service_request_id: String(created.case.id),
      service_notice: created.created ? null : '此诉求已受理（重复提交） This request was received before',
      account_id: null,
    },
  ]);
}

async function getRequests(c: Context, ctx: AppContext, format: Format, one: string | null): Promise<Response> {
  const actor = await client(c, ctx);
  const q = c.req.query();
  const idList = one ?? q.service_request_id;
  if (one !== null && !/^\d{1,15}$/.test(one)) throw new Open311Error(404, `service_request_id ${one.slice(0, 40)} was not found`);
  let rows;
  if (idList !== undefined) {
    const ids = idList.split(',').map((s) => s.trim()).filter(Boolean);
    if (ids.length === 0 || ids.length > MAX_IDS || ids.some((s) => !/^\d{1,15}$/.test(s))) {
      throw new Open311Error(400, `service_request_id must be 1–${MAX_IDS} numeric ids, comma separated`);
    }
    // The spec: with service_request_id, every other parameter is ignored.
    rows = await findOpen311Cases(ctx.database, { clientId: actor.id, scope: actor.scope, ids: ids.map(Number), limit: MAX_REQUESTS });
    if (one !== null && rows.length === 0) throw new Open311Error(404, `service_request_id ${one} was not found`);
  } else {
    const services = q.service_code === undefined ? undefined : serviceFilters(q.service_code);
    const to = q.end_date === undefined ? new Date() : w3cDate(q.end_date, 'end_date');
    const from = q.start_date === undefined ? new Date(to.getTime() - DEFAULT_WINDOW_DAYS * 86_400_000) : w3cDate(q.start_date, 'start_date');
    if (from > to) throw new Open311Error(400, 'start_date is after end_date');
    rows = await findOpen311Cases(ctx.database, { clientId: actor.id, scope: actor.scope, services, from, to, open: statusFilter(q.status), limit: MAX_REQUESTS });
  }
  return answer(c, format, 200, 'service_requests', rows.map(toServiceRequest));
}

function serviceFilters(value: string): ServiceFilter[] {
  return value.split(',').map((raw) => {
    const code = raw.trim();
    const found = findService(code);
    if (!found) throw new Open311Error(404, `service_code ${code.slice(0, 40)} was not found`);
    const t = found.target;
    return t.kind === 'incident' ? { kind: 'incident', category: t.category! } : { kind: 'appeal', topic: t.topic! };
  });
}

function statusFilter(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const wanted = new Set(value.split(',').map((s) => s.trim().toLowerCase()));
  if ([...wanted].some((s) => s !== 'open' && s !== 'closed')) throw new Open311Error(400, 'status must be open, closed or open,closed');
  return wanted.size === 2 ? undefined : wanted.has('open');
}

/** W3C date-time with a zone (Z or ±hh:mm), as the spec requires. */
function w3cDate(value: string, name: string): Date {
  const ok = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})$/.test(value);
  const date = new Date(value);
  if (!ok || Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1900 || date.getUTCFullYear() > 2999) {
    throw new Open311Error(400, `${name} must be a W3C date-time with a time zone, e.g. 2026-11-30T08:00:00+08:00`);
  }
  return date;
}

function answer(c: Context, format: Format, status: number, root: string, value: unknown): Response {
  c.header('cache-control', 'no-store');
  return c.body(render(format, root, value), status as 200, { 'content-type': CONTENT_TYPE[format] });
}

/** Our own errors as the spec's error array; database outages 503; anything else logged and 500 (a bug). */
function failure(c: Context, ctx: AppContext, format: Format, error: unknown): Response {
  const known = error instanceof Open311Error ? error : error instanceof AppError ? fromAppError(error) : null;
  const outage = known ? null : classifyDatabaseError(error);
  let status: number;
  let description: string;
  if (known) ({ status, description } = known);
  else if (outage) {
    status = outage.status === 503 ? 503 : 400;
    description = outage.message;
    if (outage.retryAfter !== undefined) c.header('retry-after', String(outage.retryAfter));
  } else {
    ctx.log.error({ err: error, method: c.req.method, path: c.req.path }, 'open311 request failed');
    status = 500;
    description = 'internal server error';
  }
  if (status === 413) c.header('connection', 'close');
  c.header('cache-control', 'no-store');
  return c.body(renderErrors(format, [{ code: status, description }]), status as 400, { 'content-type': CONTENT_TYPE[format] });
}

function fromAppError(error: AppError): Open311Error {
  switch (error.code) {
    case 'UNAUTHENTICATED':
    case 'BAD_CREDENTIALS':
    case 'FORBIDDEN':
      return new Open311Error(403, error.message);
    case 'NOT_FOUND':
      return new Open311Error(404, error.message);
    case 'PAYLOAD_TOO_LARGE':
      return new Open311Error(413, error.message);
    case 'UNSUPPORTED_MEDIA_TYPE':
      return new Open311Error(415, error.message);
    case 'UNAVAILABLE':
    case 'TIMEOUT':
    case 'RATE_LIMITED':
      return new Open311Error(503, error.message);
    default:
      return new Open311Error(error.status >= 500 ? 503 : 400, error.message);
  }
}

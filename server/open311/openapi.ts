import { z } from 'zod';

/**
 * The Open311 paths as entries of /api/openapi.json (documentation only: they are
 * served by server/open311/app.ts, not the /api route table). `{format}` is json or
 * xml; every error is the spec's array `[{ code, description }]` /
 * `<errors><error><code/><description/></error></errors>` with that HTTP status.
 */
const format = z.object({ format: z.enum(['json', 'xml']) });
const errors = { description: 'GeoReport v2 error array; nothing was written' };
const tags = ['open311'];
const apiKeyText = 'api_key: an API key holding the `open311` channel (also accepted as `Authorization: Bearer` or `X-API-Key`).';

export interface Open311PathDoc {
  method: 'get' | 'post';
  path: string;
  summary: string;
  description: string;
  tags: string[];
  request: { params: z.ZodType };
  responses: Record<string, { description: string }>;
}

export const OPEN311_PATHS: readonly Open311PathDoc[] = [
  {
    method: 'get',
    path: '/open311/v2/discovery.{format}',
    summary: 'Open311 service discovery',
    description: 'The GeoReport v2 endpoint, its formats (text/xml, application/json) and how to get a key. Public.',
    tags,
    request: { params: format },
    responses: { 200: { description: '`discovery`' } },
  },
  {
    method: 'get',
    path: '/open311/v2/services.{format}',
    summary: 'Open311 services: our incident categories (group = 大类) and appeal topics (group 群众诉求)',
    description: 'Every service is realtime with metadata (see the service definition). Public.',
    tags,
    request: { params: format },
    responses: { 200: { description: '`services`' } },
  },
  {
    method: 'get',
    path: '/open311/v2/services/{service_code}.{format}',
    summary: 'Open311 service definition: its attributes (severity; appeal_type for appeal topics)',
    description: 'Public.',
    tags,
    request: { params: format.extend({ service_code: z.string() }) },
    responses: { 200: { description: '`service_definition`' }, 404: errors },
  },
  {
    method: 'post',
    path: '/open311/v2/requests.{format}',
    summary: 'Open311 POST service request (form-encoded; an application/xml <request> body as our extension)',
    description:
      `${apiKeyText} Fields: service_code, lat, long (address_string alone is refused: no geocoder), description, media_url, ` +
      'first_name, last_name, phone, email, attribute[code]. The request becomes a case through the ordinary intake ' +
      '(channel open311); the reporter contact is stored apart and never returned. A repeat of the same content on the same day ' +
      'answers 200 with the first request.',
    tags,
    request: { params: format },
    responses: { 201: { description: '`[{ service_request_id, service_notice, account_id }]`' }, 200: { description: 'Received before' }, 400: errors, 403: errors, 404: errors, 413: errors },
  },
  {
    method: 'get',
    path: '/open311/v2/requests.{format}',
    summary: 'Open311 GET service requests: the client’s own, filtered by service_request_id, service_code, start_date, end_date, status',
    description: `${apiKeyText} Default window the last 90 days, at most 1000 requests, newest first.`,
    tags,
    request: { params: format },
    responses: { 200: { description: '`service_requests`' }, 400: errors, 403: errors, 404: errors },
  },
  {
    method: 'get',
    path: '/open311/v2/requests/{service_request_id}.{format}',
    summary: 'Open311 GET one service request',
    description: apiKeyText,
    tags,
    request: { params: format.extend({ service_request_id: z.string() }) },
    responses: { 200: { description: '`service_requests` with one request' }, 403: errors, 404: errors },
  },
];

import { z } from 'zod';
import { alertInputSchema, caseBatchSchema, caseInputSchema } from '../protocol/api';
import { PROTOCOL_VERSION } from '../protocol/wire';

/**
 * OpenAPI 3.1 description of the REST API. Request bodies are generated from the
 * same zod schemas the handlers validate with, so the document cannot drift from
 * what is enforced.
 */
const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

const errorResponse = {
  description: 'The request was refused and nothing was written',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

const json = (schema: object) => ({ content: { 'application/json': { schema } } });

export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Harmony Command Map API (和云指挥一张图)',
      version: `0.1.0 (socket protocol v${PROTOCOL_VERSION})`,
      description:
        'Intake of grid incidents, citizen appeals and public-safety alerts, and the map snapshot. ' +
        'Coordinates are WGS84 [lng, lat] (GeoJSON order). Every error is `{ error: { code, message, details } }` and writes nothing.',
    },
    paths: {
      '/api/health': { get: { summary: 'Liveness: database kind, PostGIS version, feed head, connected sockets', responses: { 200: { description: 'ok' } } } },
      '/api/config': { get: { summary: 'Client configuration: city, initial view, base map', responses: { 200: { description: 'ok' } } } },
      '/api/areas': {
        get: {
          summary: 'Areas of one level as a GeoJSON FeatureCollection',
          parameters: [
            { name: 'level', in: 'query', required: true, schema: { enum: ['city', 'district', 'street', 'community', 'grid'] } },
            { name: 'bbox', in: 'query', schema: { type: 'string', description: 'west,south,east,north' } },
            { name: 'within', in: 'query', schema: { type: 'string', description: 'only descendants of this area code' } },
            { name: 'simplify', in: 'query', schema: { type: 'number', description: 'tolerance in degrees' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 20000 } },
          ],
          responses: { 200: { description: 'FeatureCollection' }, 400: errorResponse },
        },
      },
      '/api/snapshot': {
        get: {
          summary: 'Open incidents, recent appeals, active alerts and per-grid counts, with the feed seq they are consistent with',
          description: 'Subscribe over Socket.IO with `since` = the returned `seq` to continue live without a gap.',
          parameters: [
            { name: 'area', in: 'query', schema: { type: 'string' } },
            { name: 'layers', in: 'query', schema: { type: 'string', example: 'incidents,appeals,alerts' } },
            { name: 'appealHours', in: 'query', schema: { type: 'number', default: 24 } },
            { name: 'limit', in: 'query', schema: { type: 'integer', default: 20000 } },
          ],
          responses: { 200: { description: 'Snapshot' }, 400: errorResponse, 422: errorResponse },
        },
      },
      '/api/cases': {
        post: {
          summary: 'Ingest one case (grid incident or citizen appeal)',
          description:
            'The point is assigned to its unit grid by PostGIS point-in-polygon in the same transaction. A point outside every grid is kept with `grid: null` and scoped to the city. Idempotent on (channel, externalId): a repeat returns the stored case with 200 and `created: false`.',
          requestBody: { required: true, ...json(jsonSchema(caseInputSchema)) },
          responses: { 201: { description: 'Created' }, 200: { description: 'Already ingested' }, 400: errorResponse, 413: errorResponse, 415: errorResponse, 422: errorResponse },
        },
      },
      '/api/cases/batch': {
        post: {
          summary: 'Ingest up to 5,000 cases in one transaction (all or nothing)',
          requestBody: { required: true, ...json(jsonSchema(caseBatchSchema)) },
          responses: { 200: { description: 'Per-case ids, grids and whether each was new' }, 400: errorResponse, 413: errorResponse, 415: errorResponse, 422: errorResponse },
        },
      },
      '/api/cases/{id}': {
        get: {
          summary: 'One case',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
          responses: { 200: { description: 'Case' }, 404: errorResponse },
        },
      },
      '/api/alerts': {
        post: {
          summary: 'Ingest a public-safety alert with a GeoJSON Polygon/MultiPolygon area (CAP 1.2 severity/urgency/certainty)',
          description: 'Returns the affected unit grids (interiors intersecting the area) and pushes the alert live. Idempotent on (source, externalId).',
          requestBody: { required: true, ...json(jsonSchema(alertInputSchema)) },
          responses: { 201: { description: 'Created, with affected grids' }, 200: { description: 'Already ingested' }, 400: errorResponse, 413: errorResponse, 422: errorResponse },
        },
      },
    },
    components: {
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
            },
          },
        },
      },
    },
  };
}

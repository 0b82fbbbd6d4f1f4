import { z } from 'zod';
import { readCap } from '../../../cap/read';
import { intakeBy } from '../../../services/ingest';
import { defineRoute } from '../../route';
import { LIMITS } from '../cases/limits';

export const ingestCap = defineRoute({
  method: 'post',
  path: '/api/cap',
  tags: ['alerts', 'cap'],
  summary: 'Ingest an OASIS CAP 1.2 alert message (application/cap+xml or application/xml)',
  description:
    'The message goes through the same transaction as every alert: its area (polygons `lat,lon`, circles `lat,lon radius_km`, ' +
    'geocodes naming our area codes, several areas unioned), affected grids, impact, audit and feed rows. An Update or Cancel ' +
    'supersedes or cancels the alerts its <references> name (your own). A status other than Actual is stored and flagged, ' +
    'never pushed to walls; an area that misses the city is stored and not pushed. A repeat of (sender, identifier, sent) ' +
    'stores nothing and answers 200 with the first alert. DOCTYPE and entity declarations are refused before parsing; ' +
    'a CAP 1.1 (or other) namespace is 422 UNSUPPORTED_VERSION; a schema-invalid message is 400 naming each element path.',
  access: 'alerts.create',
  body: { schema: z.string(), limit: LIMITS.cap, kind: 'xml' },
  responses: {
    201: { description: '`{ created, alert, messageStatus, msgType, onWall, stored: [{ id, identifier, affectedAreas, affectedGrids }], references }`' },
    200: { description: 'Already stored: the same answer, created false' },
    400: { description: 'BAD_XML (not well-formed, DOCTYPE, entities) or VALIDATION_FAILED (details name each element path)' },
    413: { description: 'Body over 1 MiB' },
    415: { description: 'Not application/cap+xml or application/xml, or not UTF-8' },
    422: { description: 'UNSUPPORTED_VERSION, UNSUPPORTED_MESSAGE (Ack, Error), INVALID_GEOMETRY, GEOMETRY_TOO_COMPLEX, OUTSIDE_JURISDICTION' },
  },
  handle: async ({ ctx, body, actor, ip }) => {
    const result = await ctx.ingest.ingestCap(readCap(body), intakeBy(actor, ip));
    return { status: result.created ? 201 : 200, body: result };
  },
});

import { z } from 'zod';
import { findAlertForExport, listLiveAlerts } from '../../../../db/queries/alert-export';
import { writeAtom } from '../../../cap/atom';
import { capOfAlert } from '../../../cap/from-alert';
import { writeCap } from '../../../cap/write';
import { AppError } from '../../../errors';
import { defineRoute } from '../../route';

export const alertIdParams = z.object({
  id: z.coerce.number({ error: 'alert id must be a positive integer' }).int().positive().max(Number.MAX_SAFE_INTEGER),
});

export const exportCapAlert = defineRoute({
  method: 'get',
  path: '/api/cap/alerts/{id}',
  tags: ['alerts', 'cap'],
  summary: 'One alert (any status, any origin) as an OASIS CAP 1.2 message',
  description: 'A message received as CAP goes out as it came in; an alert made here is written with sender `harmony-command-map` and identifier `hcm-alert-<id>`.',
  access: 'alerts.read',
  params: alertIdParams,
  responses: {
    200: { description: 'CAP 1.2 XML', contentType: 'application/cap+xml' },
    404: { description: 'No such alert in your jurisdiction' },
  },
  handle: async ({ ctx, params, actor }) => {
    const alert = await findAlertForExport(ctx.database, actor.scope, params.id);
    if (!alert) throw new AppError('NOT_FOUND', `no alert ${params.id}`, { id: params.id });
    return { status: 200, body: writeCap(capOfAlert(alert)), headers: { 'content-type': 'application/cap+xml; charset=utf-8' } };
  },
});

export const capAtomFeed = defineRoute({
  method: 'get',
  path: '/api/cap/feed.atom',
  tags: ['alerts', 'cap'],
  summary: 'Atom index of the live alerts in your jurisdiction, each linking to its CAP 1.2 message',
  access: 'alerts.read',
  responses: { 200: { description: 'Atom (RFC 4287)', contentType: 'application/atom+xml' } },
  handle: async ({ ctx, actor, c }) => {
    const alerts = await listLiveAlerts(ctx.database, actor.scope);
    const origin = new URL(c.req.url).origin;
    const xml = writeAtom({
      self: `${origin}/api/cap/feed.atom`,
      alertUrl: (id) => `${origin}/api/cap/alerts/${id}`,
      title: `预警信息 Alerts · ${actor.scope.code}`,
      alerts,
      now: new Date().toISOString(),
    });
    return { status: 200, body: xml, headers: { 'content-type': 'application/atom+xml; charset=utf-8' } };
  },
});

import { z } from 'zod';
import { setResponderStatus } from '../../../../db/queries/positions';
import { RESPONDER_STATUSES } from '../../../../db/vocab';
import { audit, auditBy } from '../../../auth/audit';
import { AppError } from '../../../errors';
import { defineRoute } from '../../route';

export const setMyStatus = defineRoute({
  method: 'put',
  path: '/api/me/status',
  tags: ['tasks'],
  summary: 'Go on or off duty: the duty status of my responder record (audited)',
  description:
    'For a grid worker linked to a responder record. One transaction changes `responders.status` and writes an audit row ' +
    '(`responders.status`, with the previous status). The desks of the jurisdiction are told at once on the socket ' +
    '(`responderStatus`). Off duty, positions are refused and the nearest-available suggestions leave the worker out.',
  access: 'duty.set',
  body: { schema: z.object({ status: z.enum(RESPONDER_STATUSES) }).strict(), limit: 1024 },
  responses: {
    200: { description: '`{ responder: { id, status, previous, at, homeGrid } }`' },
    404: { description: 'Your account is not linked to a responder record' },
  },
  handle: async ({ ctx, body, actor, ip }) => {
    const userId = actor.kind === 'user' ? actor.id : -1;
    const change = await ctx.database.transaction(async (tx) => {
      const changed = await setResponderStatus(tx, userId, body.status);
      if (!changed) throw new AppError('NOT_FOUND', 'your account is not linked to a responder record');
      if (changed.previous !== changed.status) {
        await audit(tx, auditBy(actor, ip), {
          action: 'responders.status',
          targetType: 'responder',
          targetId: changed.id,
          areaCodes: changed.areaCodes,
          outcome: 'ok',
          details: { from: changed.previous, to: changed.status },
        });
      }
      return changed;
    });
    if (change.previous !== change.status) ctx.positions.announceStatus(change);
    const { areaCodes: _codes, ...responder } = change;
    return { status: 200, body: { responder } };
  },
});

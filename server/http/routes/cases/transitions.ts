import { z } from 'zod';
import { readCaseTimeline } from '../../../../db/queries/case-commands';
import { AppError } from '../../../errors';
import { commandByActor } from '../../../services/case-commands';
import { defineRoute } from '../../route';
import { caseIdParams } from './create';
import { LIMITS } from './limits';

/** An idempotency key the client makes up (a UUID fits): 8–100 characters of [A-Za-z0-9_.:-]. */
export const commandIdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{8,100}$/, 'commandId is 8–100 characters of A–Z a–z 0–9 _ . : -');

/**
 * The transport fields; the rest of the body is the command's payload, which the
 * state machine validates strictly (server/domain/workflow/commands.ts), so an
 * unknown field is refused there with 400 BAD_COMMAND.
 */
const transitionBody = z.looseObject({
  action: z.string().min(1).max(64),
  expectedVersion: z.number().int().positive(),
  commandId: commandIdSchema,
});

export const transitionCase = defineRoute({
  method: 'post',
  path: '/api/cases/{id}/transitions',
  tags: ['cases'],
  summary: 'Move a case around the loop: register, dispatch, accept, handle, close, rework, merge, suspend, extend…',
  description:
    'Body `{ action, expectedVersion, commandId, …payload }` (payload per action: `reason` for reject/return/rework/refusals, `note` for handle, ' +
    '`department` and/or `assigneeId` for dispatch, `into` for merge, `extend` for extension_request). The case update, its `case_events` rows, ' +
    'an audit row and a `case.updated` feed row are written in one transaction. `expectedVersion` must be the current version, else 409 ' +
    '`VERSION_CONFLICT` with `details.current` (the case now) and `details.last` (who did what last). A retry with the same `commandId` returns ' +
    'the first result with `replayed: true` and writes nothing; the same id with another command is 409 `COMMAND_ID_REUSED`. Refusals write nothing: ' +
    '400 `BAD_COMMAND` (payload), 403 `FORBIDDEN` (role, not the assigned grid worker, deciding one\'s own request), 409 `TRANSITION_REFUSED` ' +
    '(not possible in the current status), 422 `INVALID_REFERENCE` (unknown responder, merge target unknown, closed or the case itself).',
  access: 'cases.transition',
  params: caseIdParams,
  body: { schema: transitionBody, limit: LIMITS.transition },
  responses: {
    200: { description: '`{ case, eventId, replayed }`' },
    400: { description: 'Unreadable command' },
    403: { description: 'Not yours to do' },
    404: { description: 'No such case in your jurisdiction' },
    409: { description: 'Stale version, reused command id, or not possible in the current status' },
    422: { description: 'Unknown responder or merge target' },
  },
  handle: async ({ ctx, params, body, actor, ip }) => {
    const { expectedVersion, commandId, ...command } = body;
    const by = await commandByActor(ctx.database, actor, ip);
    const accepted = await ctx.caseCommands.apply(by, { caseId: params.id, expectedVersion, commandId, command });
    return { status: 200, body: accepted };
  },
});

export const caseTimeline = defineRoute({
  method: 'get',
  path: '/api/cases/{id}/events',
  tags: ['cases'],
  summary: "One case's timeline: every intake, transition and clock event, oldest first",
  description: 'Each entry: `at`, `actor` (`{ kind: user, name, login }` or `{ kind: system }`), `action`, `from`, `to`, `version`, `note`, `data`.',
  access: 'cases.read',
  params: caseIdParams,
  query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(500) }),
  responses: { 200: { description: '`{ events }`' }, 404: { description: 'No such case in your jurisdiction' } },
  handle: async ({ ctx, params, query, actor }) => {
    const events = await readCaseTimeline(ctx.database, actor.scope, params.id, query.limit);
    if (!events) throw new AppError('NOT_FOUND', `no case ${params.id}`, { id: params.id });
    return { status: 200, body: { events } };
  },
});

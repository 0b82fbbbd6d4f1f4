import { z } from 'zod';
import { findCaseLifecycle } from '../../../../db/queries/case-commands';
import { findCaseById, findCaseText } from '../../../../db/queries/cases';
import { findRepeatChain } from '../../../../db/queries/repeats';
import { auditBy } from '../../../auth/audit';
import { maskedContact, REVEAL_REASON, revealContact } from '../../../auth/contacts';
import { may } from '../../../auth/permissions';
import { AppError } from '../../../errors';
import { commandByActor, lifecycleView } from '../../../services/case-commands';
import type { Runner } from '../../../../db/client';
import type { Actor } from '../../../auth/actor';
import type { CaseRepeats } from '../../../protocol/dispatch';
import { defineRoute } from '../../route';
import { caseIdParams } from './create';

export const getCase = defineRoute({
  method: 'get',
  path: '/api/cases/{id}',
  tags: ['cases'],
  summary: 'One case within your jurisdiction, with the reporter contact masked',
  description:
    '`description` and `address` are the reporter\'s text (not in feeds or snapshots). `lifecycle` carries what the case page needs beyond the map view: `priorStatus` (while suspended), `pendingSuspension` and ' +
    '`pendingExtension` (`{ by, at, reason[, extend] }`, waiting for a decision), `closedAt`, `slaWarnAt`, `updatedAt`, and `actions`: ' +
    'the transitions the caller may fire now (POST /api/cases/{id}/transitions; empty for machine principals). ' +
    '`repeats` (roles cleared for contacts only, else null): 重复件 — `{ repeatOf, repeatCount, chain: [{ id, reportedAt, status }] }`, ' +
    'the appeals of the same contact linked within 30 days (`repeatOf`: the first of them this appeal repeats; `repeatCount`: appeals in the chain, 0 when none).',
  access: 'cases.read',
  params: caseIdParams,
  responses: { 200: { description: '`{ case, externalId, areaCodes, description, address, contact, repeats, lifecycle }`' }, 404: { description: 'No such case in your jurisdiction' } },
  handle: async ({ ctx, params, actor, ip }) => {
    const [found, row, text] = await Promise.all([
      findCaseById(ctx.database, actor.scope, params.id),
      findCaseLifecycle(ctx.database, actor.scope, params.id),
      findCaseText(ctx.database, actor.scope, params.id),
    ]);
    if (!found || !row || !text) throw new AppError('NOT_FOUND', `no case ${params.id}`, { id: params.id });
    const { areaCodes, externalId, ...data } = found;
    const contact = await maskedContact(ctx.database, actor.scope, params.id);
    const repeats = await caseRepeats(ctx.database, actor, params.id);
    const by = actor.kind === 'user' ? await commandByActor(ctx.database, actor, ip) : null;
    return {
      status: 200,
      body: { case: data, externalId, areaCodes, description: text.description, address: text.address, contact, repeats, lifecycle: lifecycleView(row, by?.workflow ?? null) },
    };
  },
});

/** Which appeals one contact linked: personal in itself, so only for the roles cleared for contacts. */
async function caseRepeats(db: Runner, actor: Actor, id: number): Promise<CaseRepeats | null> {
  if (!may(actor.role, 'contacts.reveal')) return null;
  const found = await findRepeatChain(db, actor.scope, id);
  return found ? { repeatOf: found.repeatOf, repeatCount: found.chain.length, chain: found.chain } : null;
}

export const revealCaseContact = defineRoute({
  method: 'post',
  path: '/api/cases/{id}/contact/reveal',
  tags: ['cases'],
  summary: "Reveal one case's reporter contact in clear, with a reason (audited)",
  description: 'Cleared roles only. Writes exactly one audit row (action `contacts.reveal`) with the reason, in the same transaction as the read.',
  access: 'contacts.reveal',
  params: caseIdParams,
  body: { schema: z.object({ reason: z.string().trim().min(REVEAL_REASON.min).max(REVEAL_REASON.max) }).strict(), limit: 4096 },
  responses: { 200: { description: '`{ contact: { name, phone, idNumber } }`' }, 404: { description: 'No such case (or no contact) in your jurisdiction' } },
  handle: async ({ ctx, params, body, actor, ip }) => {
    const contact = await revealContact(ctx.database, auditBy(actor, ip), actor.scope, params.id, body.reason);
    return { status: 200, body: { contact } };
  },
});

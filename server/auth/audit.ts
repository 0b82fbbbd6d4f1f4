import type { Runner } from '../../db/client';
import { appendAudit, type AuditEntry } from '../../db/queries/audit';
import { actorRef, type Actor } from './actor';

/**
 * Who an audited write is by, and from where. Built from the request's actor by
 * the HTTP layer, or `cliBy()` for the admin command line.
 */
export interface AuditBy {
  actor: string;
  actorLabel: string | null;
  ip: string | null;
}

export function auditBy(actor: Actor, ip: string | null = null): AuditBy {
  return { actor: actorRef(actor), actorLabel: actor.kind === 'user' ? actor.login : actor.name, ip };
}

/** The admin command line: whoever runs it on the server (its OS user is the label). */
export function cliBy(): AuditBy {
  return { actor: 'system:cli', actorLabel: process.env.USER ?? process.env.LOGNAME ?? null, ip: null };
}

export const ANONYMOUS = 'anonymous';

/** appendAudit with the actor fields filled from `by`. Use inside the change's transaction. */
export function audit(tx: Runner, by: AuditBy, entry: Omit<AuditEntry, 'actor' | 'actorLabel' | 'ip'>): Promise<number> {
  return appendAudit(tx, { ...entry, actor: by.actor, actorLabel: by.actorLabel, ip: by.ip });
}

import type { Database, Runner } from '../../db/client';
import { findCaseContact } from '../../db/queries/contacts';
import type { Scope } from '../../db/scope';
import { audit, type AuditBy } from './audit';
import { invalid, notFound } from './errors';
import { maskContact, type Contact } from './masking';

/**
 * Reporters' contacts as the API hands them out: masked for everyone by default;
 * in clear only through `revealContact`, which the permission table limits to
 * cleared roles (dispatcher, admin), requires a reason and writes exactly one
 * audit row in the same transaction as the read.
 */
export async function maskedContact(db: Runner, scope: Scope, caseId: number): Promise<Contact | null> {
  const row = await findCaseContact(db, scope, caseId);
  return row ? maskContact(row) : null;
}

export const REVEAL_REASON = { min: 4, max: 500 } as const;

export async function revealContact(database: Database, by: AuditBy, scope: Scope, caseId: number, reason: string): Promise<Contact> {
  const why = reason.trim();
  if (Array.from(why).length < REVEAL_REASON.min || why.length > REVEAL_REASON.max) {
    throw invalid(`a reason of ${REVEAL_REASON.min}–${REVEAL_REASON.max} characters is required to reveal a contact`);
  }
  return database.transaction(async (tx) => {
    const row = await findCaseContact(tx, scope, caseId);
    if (!row) throw notFound('contact for case', caseId);
    await audit(tx, by, {
      action: 'contacts.reveal',
      targetType: 'case',
      targetId: caseId,
      areaCodes: row.areaCodes,
      outcome: 'ok',
      details: { reason: why },
    });
    return { name: row.name, phone: row.phone, idNumber: row.idNumber };
  });
}

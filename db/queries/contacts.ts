import { sql } from 'drizzle-orm';
import type { Runner } from '../client';
import { inScope, type Scope } from '../scope';

/** A reporter's personal data as given at intake; every field optional. */
export interface CaseContact {
  name: string | null;
  phone: string | null;
  idNumber: string | null;
}

/** Stores (or replaces) the contacts of cases, in the intake transaction. Rows with no field at all are skipped. */
export async function upsertCaseContacts(tx: Runner, rows: ReadonlyArray<CaseContact & { caseId: number }>): Promise<number> {
  const given = rows.filter((r) => r.name !== null || r.phone !== null || r.idNumber !== null);
  if (given.length === 0) return 0;
  const input = JSON.stringify(given.map((r) => ({ case_id: r.caseId, name: r.name, phone: r.phone, id_number: r.idNumber })));
  const written = await tx.rows<{ caseId: number }>(sql`
    INSERT INTO case_contacts (case_id, name, phone, id_number)
    SELECT case_id, name, phone, id_number
    FROM jsonb_to_recordset(${input}::jsonb) AS i(case_id bigint, name text, phone text, id_number text)
    ON CONFLICT (case_id) DO UPDATE SET name = excluded.name, phone = excluded.phone, id_number = excluded.id_number
    RETURNING case_id AS "caseId"`);
  return written.length;
}

/**
 * The contact of one case, only when the case lies within the scope; undefined
 * when the case is unknown, outside the scope or has no contact. `areaCodes` is
 * the case's path (for the audit row of a reveal).
 */
export async function findCaseContact(
  db: Runner,
  scope: Scope,
  caseId: number,
): Promise<(CaseContact & { caseId: number; areaCodes: string[] }) | undefined> {
  const [row] = await db.rows<CaseContact & { caseId: number; areaCodes: string[] }>(sql`
    SELECT k.case_id AS "caseId", k.name, k.phone, k.id_number AS "idNumber", c.area_codes AS "areaCodes"
    FROM case_contacts k JOIN cases c ON c.id = k.case_id
    WHERE k.case_id = ${caseId}::bigint AND ${inScope(sql`c.area_codes`, scope)}`);
  return row;
}

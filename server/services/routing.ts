import type { Runner } from '../../db/client';
import type { StoredCase } from '../../db/queries/cases';
import { findDepartmentResponders, findNearestAvailable, findTerritorialResponders } from '../../db/queries/responders';
import type { CaseSuggestions } from '../../db/records';
import type { Scope } from '../../db/scope';
import { departmentOf } from '../domain/departments';

/** How many territorial responders at most (a street ring can hold dozens of grid workers). */
export const TERRITORIAL_LIMIT = 20;
export const NEAREST_DEFAULT = 5;
export const NEAREST_MAX = 20;

/**
 * Routing help for one case the caller may see (issue 7 §5): the department its
 * category suggests, the territorial responders (属地), the on-duty responders of
 * that department and the k nearest available ones, each with distance and open
 * workload. Every list keeps to responders of the caller's jurisdiction.
 */
export async function suggestRouting(db: Runner, scope: Scope, c: StoredCase, k: number): Promise<CaseSuggestions> {
  const department = departmentOf(c.kind, c.category, c.topic);
  const territorial = await findTerritorialResponders(db, scope, c.id, TERRITORIAL_LIMIT);
  const byDepartment = department ? await findDepartmentResponders(db, scope, c.id, department.code, k) : [];
  const nearest = await findNearestAvailable(db, scope, c.id, k);
  return {
    caseId: c.id,
    department,
    territorialLevel: territorial.level,
    territorial: territorial.responders,
    byDepartment,
    nearest,
  };
}

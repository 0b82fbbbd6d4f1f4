import { sql } from 'drizzle-orm';
import type { Runner } from '../client';
import { inScope, type Scope } from '../scope';
import { isoTime } from '../spatial';
import type { CaseEventData } from '../records';
import { CASE_EVENT_COLUMNS } from './case-columns';
import { WORKLOAD_STATUSES } from './positions';

export type TaskRow = CaseEventData & {
  address: string | null;
  description: string | null;
  warnAt: string | null;
  updatedAt: string;
};

/**
 * A grid worker's tasks: the live cases dispatched to the responder record their
 * login is linked to (dispatched, in progress, handled awaiting the check,
 * suspended), most recently changed first, within their jurisdiction. The
 * reporter's contact is not here (it never leaves case_contacts unmasked).
 */
export async function findTasksOfUser(db: Runner, scope: Scope, userId: number, limit: number): Promise<TaskRow[]> {
  return db.rows<TaskRow>(sql`
    SELECT ${CASE_EVENT_COLUMNS}, c.address, c.description,
           CASE WHEN c.sla_warn_at IS NULL THEN NULL ELSE ${isoTime(sql`c.sla_warn_at`)} END AS "warnAt",
           ${isoTime(sql`c.updated_at`)} AS "updatedAt"
    FROM cases c LEFT JOIN areas g ON g.id = c.grid_id
    WHERE c.assignee_id = (SELECT r.id FROM responders r WHERE r.user_id = ${userId}::int)
      AND c.status IN ${WORKLOAD_STATUSES} AND ${inScope(sql`c.area_codes`, scope)}
    ORDER BY c.updated_at DESC, c.id DESC
    LIMIT ${limit}::int`);
}

import { sql } from 'drizzle-orm';
import type { Runner } from '../client';

/** Rows per DELETE: a long backlog is removed in short statements, never one that locks for minutes. */
const CHUNK = 5_000;

/**
 * Forgets the results of case commands created before `before`: a retry of one of
 * those ids is treated as a new command. Returns how many were removed.
 */
export async function pruneCaseCommands(db: Runner, before: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const [row] = await db.rows<{ n: number }>(sql`
      WITH gone AS (
        DELETE FROM case_commands WHERE command_id IN (
          SELECT command_id FROM case_commands WHERE created_at < ${before.toISOString()}::timestamptz LIMIT ${CHUNK}::int)
        RETURNING 1)
      SELECT count(*)::int AS n FROM gone`);
    total += row?.n ?? 0;
    if ((row?.n ?? 0) < CHUNK) return total;
  }
}

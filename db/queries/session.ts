import { sql } from 'drizzle-orm';
import type { Runner } from '../client';

/**
 * Caps how long each following statement of this transaction may run (ms). Request
 * work sets it so one costly input cannot hold a connection for long; PostgreSQL
 * cancels the statement (57014) and the transaction rolls back.
 */
export async function limitStatementTime(tx: Runner, ms: number): Promise<void> {
  await tx.rows(sql`SELECT set_config('statement_timeout', ${String(Math.round(ms))}, true)`);
}

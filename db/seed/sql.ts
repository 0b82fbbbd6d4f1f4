import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client';

/** Anything that runs a statement and returns rows: an open transaction here. */
export interface Exec {
  rows<T>(query: SQL): Promise<T[]>;
}

type Transaction = Parameters<Parameters<Database['db']['transaction']>[0]>[0];

/** Runs `work` in one drizzle transaction: it commits when `work` resolves and rolls back when it throws. */
export function inTransaction<T>(database: Database, work: (exec: Exec) => Promise<T>): Promise<T> {
  return database.db.transaction((tx: Transaction) =>
    work({ rows: async <R,>(query: SQL) => ((await tx.execute(query)) as unknown as { rows: R[] }).rows }),
  );
}

/**
 * Bulk values travel as one bound array literal per column rather than one
 * parameter per value: a level of the city has tens of thousands of values,
 * past the 65,535-parameter limit of the wire protocol.
 */
export function floatArray(values: readonly number[]): SQL {
  for (const v of values) if (!Number.isFinite(v)) throw new Error(`not a finite number: ${v}`);
  return sql`${`{${values.join(',')}}`}::float8[]`;
}

export function intArray(values: readonly number[]): SQL {
  for (const v of values) if (!Number.isSafeInteger(v)) throw new Error(`not an integer: ${v}`);
  return sql`${`{${values.join(',')}}`}::int[]`;
}

import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client';

/** Anything that runs a statement and returns rows: an open transaction here. */
export interface Exec {
  rows<T>(query: SQL): Promise<T[]>;
}

/**
 * Grid size (degrees, ≈ 0.1 µm) for every overlay the seed runs. Fixed-precision
 * (snap-rounding) overlay is fully robust: it never needs GEOS's exception-driven
 * fallbacks, which PGlite's WASM PostGIS cannot run (an exception there turns
 * the whole statement into an empty result with no error; electric-sql/pglite#916).
 * Snapping also makes vertices shared by neighbours bit-identical. It is far
 * below float noise that matters: a 1e-12° shift moves a border by 0.1 µm.
 */
export const GRID_SIZE = 1e-12;

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

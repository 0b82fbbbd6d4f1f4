import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';

/**
 * The bare-engine floor: the same case rows, grid already known, loaded with
 * COPY. node-postgres has no COPY without pg-copy-streams (not installed), so
 * PostgreSQL goes through `psql \copy` (its own `\timing`, so process start-up
 * is not counted) and PGlite through COPY FROM '/dev/blob'.
 */
const COLUMNS = [
  'kind', 'channel', 'external_id', 'category', 'topic', 'severity', 'title', 'description', 'address',
  'geom', 'grid_id', 'area_codes', 'reported_at', 'sla_due_at', 'attributes',
] as const;
const COPY_SQL = `COPY cases (${COLUMNS.join(', ')}) FROM %SOURCE% WITH (FORMAT csv)`;

type TextRow = Record<(typeof COLUMNS)[number], string | null>;

function csvField(value: string | null): string {
  return value === null ? '' : `"${value.replace(/"/g, '""')}"`;
}

/** The stored cases as CSV, every column in its text form (geometry as hex EWKB, grid precomputed). */
export async function casesAsCsv(database: Database): Promise<{ csv: string; rows: number }> {
  const rows = await database.rows<TextRow>(sql`
    SELECT kind, channel, external_id, category, topic, severity, title, description, address,
           geom::text AS geom, grid_id::text AS grid_id, area_codes::text AS area_codes,
           reported_at::text AS reported_at, sla_due_at::text AS sla_due_at, attributes::text AS attributes
    FROM cases ORDER BY id`);
  const csv = rows.map((r) => COLUMNS.map((c) => csvField(r[c])).join(',')).join('\n') + '\n';
  return { csv, rows: rows.length };
}

const run = promisify(execFile);

export async function copyWithPsql(url: string, csv: string, csvPath: string): Promise<number> {
  await writeFile(csvPath, csv);
  const { stdout } = await run('psql', [
    url, '-X', '-q', '-v', 'ON_ERROR_STOP=1',
    '-c', '\\timing on',
    '-c', `\\${COPY_SQL.replace('%SOURCE%', `'${csvPath}'`)}`,
  ]);
  const times = [...stdout.matchAll(/Time: ([\d.]+) ms/g)].map((m) => Number(m[1]));
  const ms = times.at(-1);
  if (ms === undefined) throw new Error(`psql printed no timing: ${stdout}`);
  return ms;
}

export async function copyWithPglite(database: Database, csv: string): Promise<number> {
  const client: unknown = (database.db as unknown as { $client?: unknown }).$client;
  if (!(client instanceof PGlite)) throw new Error('not a PGlite database');
  const started = performance.now();
  await client.query(COPY_SQL.replace('%SOURCE%', `'/dev/blob'`), [], { blob: new Blob([csv]) });
  return performance.now() - started;
}

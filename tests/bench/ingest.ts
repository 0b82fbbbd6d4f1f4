import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import type { DatabaseKind } from '../../db/client';
import type { CaseInput } from '../../server/protocol/api';
import { IngestService } from '../../server/services/ingest';
import { Simulator } from '../../server/simulator';
import { createTestDatabase } from '../helpers/db';
import { prepareCity, type CityKind } from './city';
import { casesAsCsv, copyWithPglite, copyWithPsql } from './copy';
import { distribution, round, type Distribution } from './stats';

export interface IngestResult {
  engine: DatabaseKind;
  city: CityKind;
  grids: number;
  cases: number;
  batch: number;
  ingestMs: number;
  ingestPerSec: number;
  batchMs: Distribution;
  gridded: number;
  /** Cases linked at intake as possible duplicates (db/queries/duplicates.ts). */
  linked: number;
  copyMs: number;
  copyPerSec: number;
  /** How many times slower intake is than the bare COPY. */
  ratio: number;
}

const PEAK = new Date('2025-06-02T02:30:00Z');

/** Realistic cases from the simulator (peak mix of incidents and hot-spot appeals). */
async function generateCases(simulator: Simulator, count: number): Promise<CaseInput[]> {
  if (!(await simulator.load())) throw new Error('the bench city has no grids');
  const cases: CaseInput[] = [];
  for (let s = 0; cases.length < count; s++) cases.push(...simulator.generate(new Date(PEAK.getTime() + s * 1000), 1000).cases);
  return cases.slice(0, count);
}

export async function benchIngest(
  engine: DatabaseKind,
  options: { cases: number; batch: number; city: CityKind; tmpDir: string },
): Promise<IngestResult> {
  const test = await createTestDatabase(engine);
  try {
    const { database } = test;
    const city = await prepareCity(database, options.city);
    const ingest = new IngestService(database, () => undefined);
    const simulator = new Simulator(ingest, database, {
      seed: 1,
      runId: 'bench',
      rates: { incidentsPerMin: 60_000, appealsPerMin: 60_000, alertsPerHour: 0 },
    });
    const cases = await generateCases(simulator, options.cases);

    const batchTimes: number[] = [];
    const started = performance.now();
    for (let i = 0; i < cases.length; i += options.batch) {
      const t = performance.now();
      await ingest.ingestCases(cases.slice(i, i + options.batch));
      batchTimes.push(performance.now() - t);
    }
    const ingestMs = performance.now() - started;

    const [check] = await database.rows<{ n: number; gridded: number; linked: number }>(
      sql`SELECT count(*)::int AS n, count(grid_id)::int AS gridded, count(duplicate_of)::int AS linked FROM cases`,
    );
    if (check?.n !== cases.length) throw new Error(`expected ${cases.length} cases, found ${check?.n}`);

    // Same rows, same empty table and indexes: only the intake work differs.
    const { csv } = await casesAsCsv(database);
    await database.rows(sql`TRUNCATE cases CASCADE`);
    await mkdir(options.tmpDir, { recursive: true });
    const copyMs =
      engine === 'postgres'
        ? await copyWithPsql(test.url!, csv, path.join(options.tmpDir, 'bench-cases.csv'))
        : await copyWithPglite(database, csv);
    const [copied] = await database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM cases`);
    if (copied?.n !== cases.length) throw new Error(`COPY loaded ${copied?.n} of ${cases.length} rows`);

    return {
      engine,
      city: city.kind,
      grids: city.grids,
      cases: cases.length,
      batch: options.batch,
      ingestMs: round(ingestMs),
      ingestPerSec: Math.round((cases.length / ingestMs) * 1000),
      batchMs: distribution(batchTimes),
      gridded: check.gridded,
      linked: check.linked,
      copyMs: round(copyMs),
      copyPerSec: Math.round((cases.length / copyMs) * 1000),
      ratio: round(ingestMs / copyMs, 2),
    };
  } finally {
    await test.drop();
  }
}

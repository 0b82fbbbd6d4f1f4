import { sql } from 'drizzle-orm';
import type { Database, DatabaseKind } from '../../db/client';
import { scopeOf } from '../../db/scope';
import { buildCalendar, chineseDaysYears } from '../../server/domain/sla';
import { caseInputSchema } from '../../server/protocol/api';
import { CaseCommandService, systemCommandBy } from '../../server/services/case-commands';
import { IngestService } from '../../server/services/ingest';
import { createTestDatabase } from '../helpers/db';
import { FIXTURE, incident, insertFixtureCity } from '../helpers/fixtures';
import { insertResponder } from '../helpers/lifecycle';
import { distribution, type Distribution } from './stats';

/**
 * Case transitions per second through CaseCommandService (lock, version check,
 * decide, SLA columns on the working calendar, case update, case_events rows, audit
 * row, idempotency record, case.updated feed row, one transaction each) beside the
 * bare floor in the same run: `UPDATE cases SET status = …, version = version + 1`
 * of the same rows with the same statuses, one autocommit statement per transition.
 * Each case goes register → dispatch → accept → handle → close (5 transitions).
 */
export interface TransitionResult {
  engine: DatabaseKind;
  /** Concurrent senders, each on its own cases. */
  parallel: number;
  target: 'service' | 'bare UPDATE';
  transitions: number;
  totalMs: number;
  perSec: number;
  ms: Distribution;
  /** Rows written per transition (service: case + events + audit + command + feed). */
  rowsPerTransition: number;
}

const LOOP: Array<{ command: Record<string, unknown>; status: string }> = [
  { command: { action: 'register' }, status: 'registered' },
  { command: { action: 'dispatch', department: 'city-management' }, status: 'dispatched' },
  { command: { action: 'accept' }, status: 'in_progress' },
  { command: { action: 'handle', note: '现场已处置完毕' }, status: 'handled' },
  { command: { action: 'close', note: '核查属实，结案' }, status: 'closed' },
];

async function writtenRows(database: Database): Promise<number> {
  const [row] = await database.rows<{ n: number }>(sql`
    SELECT (SELECT count(*) FROM case_events WHERE command_id IS NOT NULL)::int + (SELECT count(*) FROM audit_log WHERE action LIKE 'case.%')::int
         + (SELECT count(*) FROM case_commands)::int + (SELECT count(*) FROM feed WHERE topic = 'case.updated')::int AS n`);
  return row!.n;
}

/**
 * Walks every case through the loop on `parallel` senders; each sender takes whole
 * cases, so senders never contend on a row. Returns per-transition times (ms) and the wall time.
 */
async function drive(ids: number[], parallel: number, step: (id: number, s: number) => Promise<unknown>): Promise<{ times: number[]; totalMs: number }> {
  const times: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let i = next++; i < ids.length; i = next++) {
        for (let s = 0; s < LOOP.length; s++) {
          const t = performance.now();
          await step(ids[i]!, s);
          times.push(performance.now() - t);
        }
      }
    }),
  );
  return { times, totalMs: performance.now() - started };
}

export async function benchTransitions(engine: DatabaseKind, options: { cases: number; parallel: number[] }): Promise<TransitionResult[]> {
  const test = await createTestDatabase(engine);
  const results: TransitionResult[] = [];
  try {
    const { database } = test;
    await insertFixtureCity(database);
    await insertResponder(database, 'BENCH-1');
    const ingest = new IngestService(database, () => undefined);
    const calendar = buildCalendar(chineseDaysYears());
    const service = new CaseCommandService(database, () => calendar, () => undefined);
    const desk = systemCommandBy('bench', 'admin', null, scopeOf(FIXTURE.city));
    let batch = 0;

    for (const parallel of options.parallel) {
      // Fresh cases for each round, spread over the fixture's grids.
      const inputs = Array.from({ length: options.cases }, (_, i) =>
        caseInputSchema.parse(incident(`bench-${parallel}-${batch++}-${i}`, 106.6005 + (i % 80) * 0.001, 26.5005 + (Math.floor(i / 80) % 40) * 0.001)),
      );
      const ids: number[] = [];
      for (let i = 0; i < inputs.length; i += 500) ids.push(...(await ingest.ingestCases(inputs.slice(i, i + 500))).map((r) => r.case.id));
      const transitions = ids.length * LOOP.length;
      const rowsBefore = await writtenRows(database);
      let commandNo = 0;
      const serviceRun = await drive(ids, parallel, (id, s) =>
        service.apply(desk, { caseId: id, expectedVersion: s + 1, commandId: `bench-${engine}-${parallel}-${commandNo++}`, command: LOOP[s]!.command }),
      );
      const rows = (await writtenRows(database)) - rowsBefore;
      const [closed] = await database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM cases WHERE id = ANY(${`{${ids.join(',')}}`}::bigint[]) AND status = 'closed' AND version = 6`);
      if (closed!.n !== ids.length) throw new Error(`service: ${closed!.n} of ${ids.length} cases went round the loop`);

      // The bare floor: the same rows, the same statuses, one UPDATE each.
      const bare = await drive(ids, parallel, (id, s) => database.rows(sql`UPDATE cases SET status = ${LOOP[s]!.status}, version = version + 1 WHERE id = ${id}::bigint`));
      const [bumped] = await database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM cases WHERE id = ANY(${`{${ids.join(',')}}`}::bigint[]) AND version = 11`);
      if (bumped!.n !== ids.length) throw new Error(`bare: ${bumped!.n} of ${ids.length} rows updated 5 times`);

      const result = (target: TransitionResult['target'], run: { times: number[]; totalMs: number }, perTransition: number): TransitionResult => ({
        engine,
        parallel,
        target,
        transitions,
        totalMs: run.totalMs,
        perSec: Math.round((transitions / run.totalMs) * 1000),
        ms: distribution(run.times),
        rowsPerTransition: perTransition,
      });
      results.push(result('service', serviceRun, 1 + rows / transitions), result('bare UPDATE', bare, 1));
    }
    return results;
  } finally {
    await test.drop();
  }
}

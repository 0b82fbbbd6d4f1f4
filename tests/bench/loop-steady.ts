import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { seedDemoCity } from '../../db/seed/city';
import { buildCalendar, chineseDaysYears } from '../../server/domain/sla';
import { CaseCommandService } from '../../server/services/case-commands';
import { IngestService } from '../../server/services/ingest';
import { BACKFILL_COMMAND_BUDGET, CaseLoop, DEFAULT_RATES, Simulator } from '../../server/simulator';
import { createTestDatabase } from '../helpers/db';

/**
 * `npx tsx tests/bench/loop-steady.ts [--db pglite|postgres] [--hours 2] [--start ISO] [--scale 1] [--every 10]`
 * `npx tsx tests/bench/loop-steady.ts --backfill [--db …] [--start ISO]`: only the demo's start-up backfill
 *   (SIM_BACKFILL_HOURS = 8 within BACKFILL_COMMAND_BUDGET) ending at `--start`, timed.
 *
 * The demo city (seeded at `--scale`) under the demo rates (SIM_* defaults), the
 * simulator and its command loop on a fake clock from `--start` (default a working
 * Tuesday at 09:00 in Guiyang): prints the open cases by status every `--every`
 * simulated minutes, and how long each step took in real time. Not part of the tests.
 */
const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'postgres' },
    hours: { type: 'string', default: '2' },
    start: { type: 'string', default: '2026-03-10T01:00:00Z' },
    scale: { type: 'string', default: '1' },
    every: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    backfill: { type: 'boolean', default: false },
  },
});
const kind = values.db === 'pglite' ? 'pglite' : 'postgres';
const start = Date.parse(values.start);
const stepMs = Number(values.every) * 60_000;

const test = await createTestDatabase(kind);
try {
  const seeded = await seedDemoCity(test.database, { seed: 1, scale: Number(values.scale) });
  console.log(`${kind}: demo city seeded`, { grids: seeded.grids, responders: seeded.responders });
  let now = start;
  const calendar = buildCalendar(chineseDaysYears());
  const ingest = new IngestService(test.database, () => undefined, { calendar: () => calendar, clock: () => now });
  const commands = new CaseCommandService(test.database, () => calendar, () => undefined);
  const seed = Number(values.seed);
  const loop = new CaseLoop(test.database, commands, { seed });
  const simulator = new Simulator(ingest, test.database, { seed, runId: 'steady', rates: DEFAULT_RATES, loop, clock: () => new Date(now) });
  const began = performance.now();
  if (values.backfill) {
    const hours = simulator.backfillHoursWithin(8, BACKFILL_COMMAND_BUDGET, new Date(start));
    const written = await simulator.backfill(hours, new Date(start));
    const [row] = await test.database.rows<{ open: number }>(sql`SELECT count(*) FILTER (WHERE status NOT IN ('closed', 'rejected', 'merged'))::int AS open FROM cases`);
    console.log({ hours, ...written, ms: Math.round(performance.now() - began), open: row!.open, byStatus: loop.openByStatus() });
  }
  for (now = start + stepMs; !values.backfill && now <= start + Number(values.hours) * 3_600_000; now += stepMs) {
    const stepBegan = performance.now();
    await simulator.backfill(stepMs / 3_600_000, new Date(now));
    const [row] = await test.database.rows<{ total: number; open: number; incidents: number; appeals: number; pastDue: number }>(sql`
      SELECT count(*)::int AS total,
             count(*) FILTER (WHERE status NOT IN ('closed', 'rejected', 'merged'))::int AS open,
             count(*) FILTER (WHERE kind = 'incident' AND status NOT IN ('closed', 'rejected', 'merged'))::int AS incidents,
             count(*) FILTER (WHERE kind = 'appeal' AND status NOT IN ('closed', 'rejected', 'merged'))::int AS appeals,
             count(*) FILTER (WHERE status NOT IN ('closed', 'rejected', 'merged') AND sla_due_at < to_timestamp(${now / 1000}::float8))::int AS "pastDue"
      FROM cases`);
    const local = new Date(now + 8 * 3_600_000).toISOString().slice(11, 16);
    console.log(
      `${local} reported ${row!.total}, open ${row!.open} (incidents ${row!.incidents}, appeals ${row!.appeals}, past due ${row!.pastDue});`,
      `commands ${loop.stats.commands}; step ${Math.round(performance.now() - stepBegan)} ms;`,
      JSON.stringify(loop.openByStatus()),
    );
  }
  console.log({ seconds: Math.round((performance.now() - began) / 1000), ...loop.stats });
} finally {
  await test.drop();
}

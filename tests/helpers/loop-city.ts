import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { buildCalendar, chineseDaysYears } from '../../server/domain/sla';
import { CaseCommandService } from '../../server/services/case-commands';
import { IngestService } from '../../server/services/ingest';
import { SlaSweeper } from '../../server/services/sla-sweeps';
import { CaseLoop, Simulator, type SimulatorRates } from '../../server/simulator';
import { insertFixtureCity } from './fixtures';

/**
 * The fixture city with responders (two per grid, at its centre and a corner) and
 * a simulator whose intake, commands, loop and SLA sweeps all run on one fake clock.
 */
export async function insertLoopCity(database: Database): Promise<void> {
  await insertFixtureCity(database);
  await database.rows(sql`
    INSERT INTO responders (code, name, role, home_grid_id, status, geom)
    SELECT 'r-' || g.code || '-' || k, '网格员 ' || g.code || '-' || k, 'grid_worker', g.id, 'on_duty',
           CASE WHEN k = 1 THEN ST_Centroid(g.geom) ELSE ST_PointN(ST_ExteriorRing(ST_GeometryN(g.geom, 1)), 1) END
    FROM areas g CROSS JOIN generate_series(1, 2) AS k WHERE g.level = 'grid'`);
}

export interface LoopRig {
  simulator: Simulator;
  loop: CaseLoop;
  commands: CaseCommandService;
  /** The scheduler's SLA sweeps (warning, overdue, escalation), to run on the same fake clock. */
  sweep(): Promise<void>;
  /** Moves the fake clock. */
  setNow(ms: number): void;
  now(): number;
}

export function loopRig(database: Database, options: { seed: number; start: number; rates: SimulatorRates }): LoopRig {
  let now = options.start;
  const calendar = buildCalendar(chineseDaysYears());
  const ingest = new IngestService(database, () => undefined, { calendar: () => calendar, clock: () => now });
  const commands = new CaseCommandService(database, () => calendar, () => undefined);
  const loop = new CaseLoop(database, commands, { seed: options.seed });
  const simulator = new Simulator(ingest, database, {
    seed: options.seed,
    runId: `loop${options.seed}`,
    rates: options.rates,
    loop,
    clock: () => new Date(now),
  });
  const sweeper = new SlaSweeper(database, () => calendar, () => undefined, { batch: 500, maxBatches: 100 });
  const sweep = async () => {
    await sweeper.overdue(now);
    await sweeper.warning(now);
    await sweeper.escalations(now);
  };
  return { simulator, loop, commands, sweep, setNow: (ms) => (now = ms), now: () => now };
}


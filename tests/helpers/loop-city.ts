import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { buildCalendar, chineseDaysYears } from '../../server/domain/sla';
import { CaseCommandService } from '../../server/services/case-commands';
import { IngestService } from '../../server/services/ingest';
import { CaseLoop, Simulator, type SimulatorRates } from '../../server/simulator';
import { insertFixtureCity } from './fixtures';

/**
 * The fixture city with responders (two per grid, at its centre and a corner) and
 * a simulator whose intake, commands and loop all run on one fake clock.
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
  // Intake as the routing branch does it: a case that repeats an open one nearby is linked as a possible duplicate.
  const sink = {
    ingestCases: async (inputs: Parameters<IngestService['ingestCases']>[0]) => {
      const result = await ingest.ingestCases(inputs);
      await flagDuplicates(database);
      return result;
    },
    ingestAlert: (input: Parameters<IngestService['ingestAlert']>[0]) => ingest.ingestAlert(input),
  };
  const simulator = new Simulator(sink, database, {
    seed: options.seed,
    runId: `loop${options.seed}`,
    rates: options.rates,
    loop,
    clock: () => new Date(now),
  });
  return { simulator, loop, commands, setNow: (ms) => (now = ms), now: () => now };
}

/**
 * Links each reported case to an earlier open case of the same category within
 * 50 m and 24 h, as intake's duplicate check does (issue 7, routing branch): a
 * stand-in where this branch's intake does not link them yet; a no-op where it does.
 */
export async function flagDuplicates(database: Database): Promise<number> {
  const rows = await database.rows<{ id: number }>(sql`
    UPDATE cases c SET duplicate_of = (
      SELECT o.id FROM cases o
      WHERE o.id < c.id AND o.category = c.category AND o.status NOT IN ('closed', 'rejected', 'merged')
        AND o.reported_at > c.reported_at - interval '24 hours'
        AND ST_DWithin(o.geom::geography, c.geom::geography, 50)
      ORDER BY o.id DESC LIMIT 1)
    WHERE c.status = 'reported' AND c.version = 1 AND c.duplicate_of IS NULL
    RETURNING c.id`);
  return rows.length;
}

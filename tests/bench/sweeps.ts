import { sql } from 'drizzle-orm';
import type { DatabaseKind } from '../../db/client';
import { createLogger } from '../../server/logger';
import { caseInputSchema } from '../../server/protocol/api';
import { CalendarService } from '../../server/services/calendar';
import { IngestService } from '../../server/services/ingest';
import { SoleLeader } from '../../server/services/leader';
import { Scheduler } from '../../server/services/scheduler';
import { createTestDatabase } from '../helpers/db';
import { FIXTURE, incident, insertFixtureCity } from '../helpers/fixtures';
import { distribution, round, type Distribution } from './stats';

/**
 * The scheduler catching up: N cases past their deadline a month ago, one tick marks
 * them overdue and escalates them to the root (a case_events row and a feed row per
 * change, in batches), beside a bare UPDATE of the same rows to the same columns in
 * the same run; and the cost of an idle tick (nothing due), which every node pays
 * every SCHEDULER_TICK_MS.
 */
export interface SweepResult {
  engine: DatabaseKind;
  cases: number;
  batch: number;
  tickMs: number;
  tickPerSec: number;
  bareMs: number;
  barePerSec: number;
  ratio: number;
  idleTickMs: Distribution;
}

export async function benchSweeps(engine: DatabaseKind, options: { cases: number; idleTicks?: number }): Promise<SweepResult> {
  const test = await createTestDatabase(engine);
  try {
    const { database } = test;
    await insertFixtureCity(database);
    const calendar = new CalendarService(database);
    await calendar.load();
    const ingest = new IngestService(database, () => undefined, { calendar: () => calendar.current() });
    const [w, s, e, n] = FIXTURE.bbox;
    for (let i = 0; i < options.cases; i += 1000) {
      const batch = Array.from({ length: Math.min(1000, options.cases - i) }, (_, k) => {
        const j = i + k;
        return caseInputSchema.parse(incident(`sweep-${j}`, w + ((j * 7919) % 1000) * ((e - w) / 1000), s + ((j * 104729) % 1000) * ((n - s) / 1000)));
      });
      await ingest.ingestCases(batch);
    }
    const backdate = () =>
      database.rows(sql`UPDATE cases SET sla_state = 'normal', escalation_level = 0, next_escalation_at = NULL,
                          sla_warn_at = now() - interval '31 days', sla_due_at = now() - interval '30 days'`);
    await backdate();
    const scheduler = new Scheduler({ database, calendar, leadership: new SoleLeader(), log: createLogger('silent'), onCommit: () => undefined });
    const batch = engine === 'pglite' ? 100 : 500;

    const t0 = performance.now();
    const report = await scheduler.tick();
    const tickMs = performance.now() - t0;
    if (report.overdue !== options.cases) throw new Error(`tick marked ${report.overdue} of ${options.cases}`);

    const idle: number[] = [];
    for (let i = 0; i < (options.idleTicks ?? 20); i++) {
      const t = performance.now();
      await scheduler.tick();
      idle.push(performance.now() - t);
    }
    await scheduler.stop();

    // The floor: the same rows to the same end state, one statement, no events, no feed.
    await backdate();
    const t1 = performance.now();
    await database.rows(sql`UPDATE cases SET sla_state = 'overdue', escalation_level = cardinality(area_codes) - 1, next_escalation_at = NULL, updated_at = now()
                            WHERE sla_state <> 'overdue' AND sla_due_at < now()`);
    const bareMs = performance.now() - t1;
    return {
      engine,
      cases: options.cases,
      batch,
      tickMs,
      tickPerSec: Math.round(options.cases / (tickMs / 1000)),
      bareMs,
      barePerSec: Math.round(options.cases / (bareMs / 1000)),
      ratio: round(tickMs / bareMs, 1),
      idleTickMs: distribution(idle),
    };
  } finally {
    await test.drop();
  }
}

import { randomInt } from 'node:crypto';
import type { AppContext } from '../services/context';
import { AlertDuty } from './alert-duty';
import { CaseLoop } from './loop';
import { Simulator, type SimulatorOptions } from './simulator';

export { Simulator, DEFAULT_RATES } from './simulator';
export type { CaseSink, GeneratedBatch, SimulatorOptions, SimulatorRates } from './simulator';
export { databaseCity, restCity, type CityLoader } from './city-source';
export { CaseLoop, type CaseLoopOptions, type CaseLoopStats } from './loop';
export { AlertDuty, dutyAckAt, DUTY_ACK_SHARE, SIMULATED_DUTY_NAME } from './alert-duty';

/**
 * Commands a start-up backfill may cost (estimated beforehand from the rates). On
 * this 2-core machine a command costs 3–7 ms on PostgreSQL and 5–12 ms on PGlite
 * depending on load: at the daily peak that is about 35 minutes of history, at
 * night several hours (fewer cases).
 */
export const BACKFILL_COMMAND_BUDGET = 3_000;

export interface RunningSimulator {
  simulator: Simulator;
  /** Stops ticking and waits for the batch in flight; call before closing the server. */
  stop(): Promise<void>;
}

/**
 * Runs the simulator inside the server, writing through the server's own
 * IngestService (so the publisher is woken in-process) with the SIM_* rates, and
 * its command centre (CaseLoop) moving the simulated cases around the loop
 * through the server's CaseCommandService.
 * `overrides` is for tests and tools (seed, clock, tick length).
 */
export function startSimulator(
  context: AppContext,
  overrides: Omit<SimulatorOptions, 'log'> = {},
  options: { backfillHours?: number; backfillCommands?: number } = {},
): RunningSimulator {
  const seed = overrides.seed ?? randomInt(2 ** 31);
  const simulator = new Simulator(context.ingest, context.database, {
    rates: context.config.simulator,
    loop: new CaseLoop(context.database, context.caseCommands, { seed }),
    duty: new AlertDuty(
      context.database,
      () => {
        context.publisher.wake();
        context.notifier.notify();
      },
      { seed },
    ),
    ...overrides,
    seed,
    log: context.log.child({ module: 'simulator' }),
  });
  // SIM_BACKFILL_HOURS is an upper bound: the loop's work must fit the budget, so the demo is settled within seconds.
  const hours = options.backfillHours ? simulator.backfillHoursWithin(options.backfillHours, options.backfillCommands ?? BACKFILL_COMMAND_BUDGET) : 0;
  const backfill = hours
    ? timed(() => simulator.backfill(hours)).then(
        ({ result, ms }) => context.log.info({ ...result, hours, ms, open: simulator.loop?.openByStatus() }, 'simulator backfilled recent history'),
        (error: unknown) => context.log.error({ err: error }, 'simulator backfill failed'),
      )
    : Promise.resolve();
  void backfill.then(() => simulator.start());
  context.log.info({ rates: simulator.rates, runId: simulator.runId }, 'simulator started');
  return {
    simulator,
    stop: async () => {
      await backfill;
      await simulator.stop();
    },
  };
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: Math.round(performance.now() - started) };
}

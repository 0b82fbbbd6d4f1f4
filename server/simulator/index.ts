import type { AppContext } from '../services/context';
import { Simulator, type SimulatorOptions } from './simulator';

export { Simulator, DEFAULT_RATES } from './simulator';
export type { CaseSink, GeneratedBatch, SimulatorOptions, SimulatorRates } from './simulator';
export { databaseCity, restCity, type CityLoader } from './city-source';

export interface RunningSimulator {
  simulator: Simulator;
  /** Stops ticking and waits for the batch in flight; call before closing the server. */
  stop(): Promise<void>;
}

/**
 * Runs the simulator inside the server, writing through the server's own
 * IngestService (so the publisher is woken in-process) with the SIM_* rates.
 * `overrides` is for tests and tools (seed, clock, tick length).
 */
export function startSimulator(
  context: AppContext,
  overrides: Omit<SimulatorOptions, 'log'> = {},
  options: { backfillHours?: number } = {},
): RunningSimulator {
  const simulator = new Simulator(context.ingest, context.database, {
    rates: context.config.simulator,
    ...overrides,
    log: context.log.child({ module: 'simulator' }),
  });
  const backfill = options.backfillHours
    ? simulator.backfill(options.backfillHours).then(
        (written) => context.log.info({ ...written, hours: options.backfillHours }, 'simulator backfilled recent history'),
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

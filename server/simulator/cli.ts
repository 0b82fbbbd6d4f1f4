import { parseArgs } from 'node:util';
import { openDatabase, type Database } from '../../db/client';
import { contactKeyer } from '../auth/contact-keys';
import { configFromEnv } from '../config';
import { createLogger } from '../logger';
import { CalendarService } from '../services/calendar';
import { CaseCommandService } from '../services/case-commands';
import { IngestService } from '../services/ingest';
import { AlertDuty } from './alert-duty';
import { CaseLoop } from './loop';
import { restCity } from './city-source';
import { RestSink } from './rest-sink';
import { Simulator, type CaseSink, type SimulatorRates } from './simulator';

/**
 * `npm run simulate -- [options]`: synthetic traffic from outside the server.
 *   --url http://localhost:3000   post to a running server (works with the embedded DB)
 *   (no --url)                    write straight to PostgreSQL at DATABASE_URL
 */
const USAGE = `usage: npm run simulate -- [--url URL] [--rate-scale N] [--duration 10m] [--seed N]
                            [--incidents-per-min N] [--appeals-per-min N] [--alerts-per-hour N]
  --url URL          post batches to a running server's /api/cases/batch and /api/alerts
                     (without it, write to the PostgreSQL database at DATABASE_URL)
  --login L --password P   sign in as this user for --url (an admin or duty officer may post every
                     channel and alerts); default SIM_LOGIN / SIM_PASSWORD
  --rate-scale N     multiply every rate (default 1)
  --duration D       stop after D (e.g. 90s, 10m, 2h; plain number = seconds); default: until Ctrl-C
  --seed N           reproducible event stream
Straight into PostgreSQL the simulator also works its cases round the loop (register, dispatch,
handle, close…) and its duty officers acknowledge most of its alerts, unless --intake-only; through --url it only reports (no server-side loop runs
for it: start the server with SIMULATE=1 for that).
Rates default to SIM_INCIDENTS_PER_MIN, SIM_APPEALS_PER_MIN, SIM_ALERTS_PER_HOUR (peak of the daily rhythm).`;

function fail(message: string): never {
  console.error(`simulate: ${message}`);
  process.exit(2);
}

function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) fail(`cannot read duration "${text}" (try 90s, 10m, 2h)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1000;
  return Number(match[1]) * unit;
}

function parseNumber(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) fail(`--${name} must be a non-negative number, got "${text}"`);
  return value;
}

/** Signs in over REST; returns the session cookie (name=value). */
async function signIn(base: URL, login: string, password: string): Promise<string> {
  const response = await fetch(new URL('/api/auth/login', base), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password }),
  });
  if (!response.ok) fail(`sign-in as ${login} failed: ${response.status} ${(await response.text()).slice(0, 200)}`);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('hcm_session='));
  if (!cookie) fail('sign-in returned no session cookie');
  return cookie.split(';')[0]!;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      login: { type: 'string' },
      password: { type: 'string' },
      'rate-scale': { type: 'string' },
      duration: { type: 'string' },
      seed: { type: 'string' },
      'incidents-per-min': { type: 'string' },
      'appeals-per-min': { type: 'string' },
      'alerts-per-hour': { type: 'string' },
      'intake-only': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const config = configFromEnv();
  const log = createLogger(config.logLevel).child({ module: 'simulate' });
  const scale = parseNumber('rate-scale', values['rate-scale']) ?? 1;
  const base: SimulatorRates = config.simulator;
  const rates: SimulatorRates = {
    incidentsPerMin: (parseNumber('incidents-per-min', values['incidents-per-min']) ?? base.incidentsPerMin) * scale,
    appealsPerMin: (parseNumber('appeals-per-min', values['appeals-per-min']) ?? base.appealsPerMin) * scale,
    alertsPerHour: (parseNumber('alerts-per-hour', values['alerts-per-hour']) ?? base.alertsPerHour) * scale,
  };
  const seed = parseNumber('seed', values.seed);
  const durationMs = values.duration ? parseDuration(values.duration) : null;

  let database: Database | null = null;
  let simulator: Simulator;
  if (values.url) {
    let base: URL;
    try {
      base = new URL(values.url);
    } catch {
      fail(`--url is not a URL: ${values.url}`);
    }
    const login = values.login ?? process.env.SIM_LOGIN;
    const password = values.password ?? process.env.SIM_PASSWORD;
    if (!login || !password) fail('--url needs --login and --password (or SIM_LOGIN / SIM_PASSWORD): the API requires a signed-in user');
    const cookie = await signIn(base, login, password);
    const signedFetch: typeof fetch = (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string> | undefined), cookie } });
    const sink: CaseSink = new RestSink(base.toString(), signedFetch);
    simulator = new Simulator(sink, restCity(base.toString(), signedFetch), { seed, rates, log });
    log.info({ mode: 'rest', url: base.origin }, 'simulating against a running server');
  } else {
    if (!config.databaseUrl) {
      fail(
        'DATABASE_URL is not set. The embedded PGlite database can only be opened by one process (the server), so\n' +
          '  either run the simulator inside the server (SIMULATE=1 npm run dev), or post to it:\n' +
          '  npm run simulate -- --url http://localhost:3000\n' +
          '  or point DATABASE_URL at PostgreSQL to write there directly.',
      );
    }
    database = await openDatabase({ url: config.databaseUrl, poolSize: 2 });
    // No publisher here: the server's publisher polls the feed and picks these rows up within a second.
    const calendar = new CalendarService(database);
    await calendar.load();
    const loopSeed = seed ?? Math.floor(Math.random() * 2 ** 31);
    const commands = new CaseCommandService(database, () => calendar.current(), () => undefined);
    const loop = values['intake-only'] ? null : new CaseLoop(database, commands, { seed: loopSeed });
    // The duty officers acknowledge the simulator's alerts; the server's publisher picks the feed rows up on its poll.
    const duty = values['intake-only'] ? null : new AlertDuty(database, () => undefined, { seed: loopSeed });
    simulator = new Simulator(
      new IngestService(database, () => undefined, { calendar: () => calendar.current(), contactKeys: contactKeyer(config.contactKeySecret) }),
      database,
      { seed: loopSeed, rates, log, loop, duty },
    );
    log.info({ mode: 'database', loop: loop !== null }, 'simulating straight into PostgreSQL');
  }

  if (!(await simulator.load())) fail('the city has no unit grids yet: seed it first (npm run db:seed)');
  log.info({ rates, seed: simulator.seed, runId: simulator.runId, durationMs }, 'simulator running');
  simulator.start();

  // The simulator's timers are unref'd (they must not hold a server open); this one keeps the CLI alive.
  const report = setInterval(() => log.info({ ...simulator.stats }, 'progress'), 10_000);
  let stopping = false;
  const shutdown = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(report);
    await simulator.stop();
    await database?.close();
    log.info({ reason, ...simulator.stats }, 'simulator stopped');
  };
  if (durationMs !== null) setTimeout(() => void shutdown('duration reached'), durationMs);
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('simulate failed:', error);
  process.exit(1);
});

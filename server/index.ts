import { createServer } from './app';
import { DEMO_DISPLAY_TOKEN, DEMO_OPEN311_KEY, demoAllowed } from './auth/demo-secrets';
import { configFromEnv } from './config';
import { installLastResort } from './last-resort';
import { createLogger } from './logger';

/** Entry point: read env, build the server, listen, and drain on SIGTERM/SIGINT. */
const config = configFromEnv();
const log = createLogger(config.logLevel);
installLastResort(log);

async function main(): Promise<void> {
  const app = await createServer(config, { logger: log });
  const port = await app.listen();
  log.info({ port, database: app.context.database.kind }, `和云指挥一张图 listening on http://localhost:${port}`);
  if (config.seedIfEmpty && config.next && demoAllowed()) {
    // The demo opens with no typing: the wall display link, and the login page lists the demo accounts.
    const wall = `http://localhost:${port}/wall?display=${DEMO_DISPLAY_TOKEN}`;
    process.stdout.write(
      `\n  Demo wall (no sign-in):  ${wall}\n  Sign in:                 http://localhost:${port}/login  (demo accounts are listed there)\n` +
        `  Open311 (GeoReport v2):  http://localhost:${port}/open311/v2/discovery.json  api_key=${DEMO_OPEN311_KEY}\n\n`,
    );
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took longer than 25 s; exiting');
      process.exit(1);
      // A loaded machine can take a while to checkpoint the embedded database; well inside
      // systemd's default 90 s stop timeout.
    }, 25_000);
    force.unref();
    app.close().then(
      () => {
        log.info('closed cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  log.fatal({ err: error }, 'failed to start');
  process.exit(1);
});

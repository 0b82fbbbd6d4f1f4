import { isConnectionError } from './errors';
import type { Logger } from './logger';

/**
 * The process-level last resort. Database trouble is handled where it happens
 * (pool and client error listeners, 503s, retries, the notifier's reconnect), so an
 * error that still escapes to here is either a stray connection error — logged, and
 * the process carries on, since the pool replaces broken clients by itself — or a
 * state nobody planned for, after which the process cannot be trusted: log it and
 * exit non-zero so the supervisor (systemd `Restart=on-failure`, a container restart
 * policy) starts a clean one. The feed in the database is the truth, so clients
 * replay whatever they missed once it is back.
 */
export function installLastResort(log: Logger, exit: (code: number) => void = (code) => process.exit(code)): () => void {
  const handle = (kind: 'uncaughtException' | 'unhandledRejection') => (error: unknown) => {
    if (isConnectionError(error)) {
      log.warn({ err: error, kind }, 'database connection error reached the top level; continuing');
      return;
    }
    log.fatal({ err: error, kind }, 'unexpected error: exiting so the supervisor restarts a clean process');
    // pino writes synchronously to stdout by default; give stderr a tick anyway.
    setImmediate(() => exit(1));
  };
  const onException = handle('uncaughtException');
  const onRejection = handle('unhandledRejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}

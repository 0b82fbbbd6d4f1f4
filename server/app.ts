import http from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { Server } from 'socket.io';
import { openDatabase, type Database } from '../db/client';
import { countAreas } from '../db/queries/areas';
import { seedDemoCity } from '../db/seed/city';
import type { AppConfig } from './config';
import { Router } from './http/router';
import { registerIntakeRoutes } from './http/routes/intake';
import { registerMapRoutes } from './http/routes/map';
import { registerSystemRoutes } from './http/routes/system';
import { createLogger, type Logger } from './logger';
import { FeedNotifier } from './realtime/notifier';
import { FeedPublisher, type PublisherOptions } from './realtime/publisher';
import { registerSocketHandlers } from './realtime/socket';
import type { AppContext } from './services/context';
import { createBudgets } from './services/budget';
import { HealthService } from './services/health';
import { IngestService } from './services/ingest';
import { SnapshotService } from './services/snapshot';
import { startSimulator } from './simulator';

export interface AppServer {
  httpServer: http.Server;
  io: Server;
  context: AppContext;
  /** Starts listening; resolves with the bound port (0 → an ephemeral one). */
  listen(port?: number, host?: string): Promise<number>;
  /** Stops intake, flushes the publisher, closes sockets, Next and the database. */
  close(): Promise<void>;
}

export interface ServerOptions {
  /** Use this database instead of opening one from config (tests share theirs). */
  database?: Database;
  logger?: Logger;
  publisher?: Partial<PublisherOptions>;
  /** URL for the LISTEN connection when `database` is passed in (PostgreSQL only). */
  databaseUrl?: string;
}

const ROOT = path.resolve(import.meta.dirname, '..');
/** Largest Socket.IO frame a client may send; subscribe frames are tiny. */
const MAX_SOCKET_FRAME = 16 * 1024;

export async function createServer(config: AppConfig, options: ServerOptions = {}): Promise<AppServer> {
  const log = options.logger ?? createLogger(config.logLevel);
  const ownsDatabase = !options.database;
  const database =
    options.database ??
    (await openDatabase({
      url: config.databaseUrl,
      dataDir: config.dataDir,
      // A dropped connection is expected during a database restart: the request on it
      // gets 503 and the pool reconnects; it must never take the process down.
      onConnectionError: (error) => log.warn({ err: error }, 'database connection lost'),
    }));
  let freshCity = false;
  if (config.seedIfEmpty && (await countAreas(database)) === 0) {
    freshCity = true;
    log.info({ scale: config.seedScale }, 'empty database: seeding the demo city');
    const summary = await seedDemoCity(database, { seed: 1, scale: config.seedScale });
    log.info(summary, 'demo city seeded');
  }
  const nextApp = config.next ? await startNext(config) : null;

  const router = new Router(log);
  const httpServer = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/api/') || url === '/api') {
      router
        .handle(req, res)
        .then((handled) => {
          if (!handled) {
            res.writeHead(404, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: `no route ${url.split('?')[0]}` } }));
          }
        })
        .catch((error: unknown) => {
          log.error({ err: error }, 'unhandled api error');
          if (!res.headersSent) res.writeHead(500);
          res.end();
        });
      return;
    }
    if (nextApp) {
      void nextApp.handle(req, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('UI disabled');
  });

  const io = new Server(httpServer, {
    serveClient: false,
    maxHttpBufferSize: MAX_SOCKET_FRAME,
    // Non-Socket.IO upgrades (Next's dev HMR) are handed on below, not destroyed.
    destroyUpgrade: false,
    pingInterval: 10_000,
    pingTimeout: 8_000,
    // Browsers must come from this site (or a configured origin); clients without
    // an Origin header (feeds, tests, tools) are not browsers and pass.
    allowRequest: (req, callback) => callback(null, originAllowed(req.headers.origin, req.headers.host, config.allowedOrigins)),
  });
  httpServer.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (req.url?.startsWith('/socket.io')) return;
    if (nextApp?.upgrade) void nextApp.upgrade(req, socket, head);
    else socket.destroy();
  });

  const publisher = new FeedPublisher(database, io, log, {
    retentionHours: config.feedRetentionHours,
    ...options.publisher,
  });
  const notifier = new FeedNotifier(database, config.databaseUrl ?? options.databaseUrl, log);
  const budgets = createBudgets();
  const ingest = new IngestService(
    database,
    () => {
      publisher.wake();
      notifier.notify();
    },
    { statementTimeoutMs: config.statementTimeoutMs, alertBudget: budgets.alerts },
  );
  const startedAt = new Date();
  const health = new HealthService({
    database,
    log,
    startedAt,
    feedHead: () => publisher.feedHead,
    sockets: () => io.engine.clientsCount,
    listening: () => (database.kind === 'postgres' && (config.databaseUrl ?? options.databaseUrl) ? notifier.listening : null),
  });
  const snapshots = new SnapshotService(database, budgets.snapshots, config.statementTimeoutMs);
  const context: AppContext = { config, log, database, io, publisher, notifier, ingest, health, snapshots, startedAt };

  registerSystemRoutes(router, context);
  registerMapRoutes(router, context);
  registerIntakeRoutes(router, context);
  registerSocketHandlers(io, { database, publisher, log });
  await publisher.start();
  await notifier.listen(() => publisher.wake());
  // A city seeded just now opens with the last few hours of simulated history.
  const simulator = config.simulate ? startSimulator(context, {}, { backfillHours: freshCity ? config.simulator.backfillHours : 0 }) : null;

  let closing: Promise<void> | null = null;
  return {
    httpServer,
    io,
    context,
    listen: (port = config.port, host = config.host) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          const address = httpServer.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      }),
    close: () =>
      (closing ??= (async () => {
        await simulator?.stop();
        await notifier.close();
        await publisher.stop();
        io.disconnectSockets(true);
        await new Promise<void>((resolve) => {
          io.close(() => resolve());
        });
        await nextApp?.close();
        if (ownsDatabase) await database.close();
      })()),
  };
}

export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (!origin) return true;
  if (allowed.includes(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

interface NextHandle {
  handle: (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;
  upgrade?: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => Promise<void>;
  close: () => Promise<void>;
}

async function startNext(config: AppConfig): Promise<NextHandle> {
  const { default: next } = await import('next');
  const app = next({ dev: config.dev, dir: ROOT, hostname: 'localhost', port: config.port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const upgrade = config.dev ? app.getUpgradeHandler() : undefined;
  return {
    handle: (req, res) => handle(req, res),
    upgrade: upgrade ? (req, socket, head) => upgrade(req, socket, head) : undefined,
    close: () => app.close(),
  };
}

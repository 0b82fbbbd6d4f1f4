import http from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { Server } from 'socket.io';
import type { AppIo } from './realtime/io';
import { openDatabase, type Database } from '../db/client';
import { STARTUP_LOCK_KEY } from '../db/locks';
import { countBeyondCalendar } from '../db/queries/sla-sweeps';
import { countAreas } from '../db/queries/areas';
import { seedDemoCity } from '../db/seed/city';
import { contactKeyer } from './auth/contact-keys';
import { seedDemoAccounts } from './auth/demo-accounts';
import { DEMO_DISPLAY_TOKEN, demoAllowed } from './auth/demo-secrets';
import type { AppConfig } from './config';
import { getRequestListener } from '@hono/node-server';
import type { Authenticator } from './auth/authenticate';
import { databaseAuthenticator } from './auth/authenticator';
import { DEFAULT_SESSION_CONFIG, type SessionConfig } from './auth/sessions';
import { createLoginThrottle, type LoginThrottle } from './auth/throttle';
import { guardPage } from './http/pages';
import { authenticateSockets, SocketSessionWatch } from './realtime/auth';
import { createApi } from './http/api';
import { createOpen311 } from './open311/app';
import { securityHeaders } from './http/security';
import { createLogger, type Logger } from './logger';
import { FeedNotifier } from './realtime/notifier';
import { PositionRelay } from './realtime/positions';
import { FeedPublisher, type PublisherOptions } from './realtime/publisher';
import { registerSocketHandlers } from './realtime/socket';
import type { AppContext } from './services/context';
import { createBudgets } from './services/budget';
import { CalendarService } from './services/calendar';
import { CaseCommandService } from './services/case-commands';
import { HealthService } from './services/health';
import { createLeadership } from './services/leader';
import { Scheduler, type SchedulerOptions } from './services/scheduler';
import { hotspotOptions } from './services/hotspots';
import { IngestService } from './services/ingest';
import { SnapshotService } from './services/snapshot';
import { startSimulator } from './simulator';
import { basemapFromConfig } from './domain/basemap';

export interface AppServer {
  httpServer: http.Server;
  io: AppIo;
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
  /** Session expiry (tests shorten it). */
  sessionConfig?: SessionConfig;
  /** How often sockets are checked for ended sessions (ms). */
  sessionSweepMs?: number;
  throttle?: LoginThrottle;
  /** Scheduler tuning beyond config (tests shorten the maintenance pace or move the clock). */
  scheduler?: Partial<SchedulerOptions>;
  /** Shortest interval between two kept positions of one socket (ms; tests shorten it). */
  positionEveryMs?: number;
}

/** Origins the CSP must allow images from: the configured base map's tile host (a wildcard where the host is templated, e.g. t{s}.tianditu.gov.cn). */
export function tileOriginsOf(config: Pick<AppConfig, 'basemap' | 'tiandituKey'>): string[] {
  const { url } = basemapFromConfig(config.basemap, config.tiandituKey);
  const match = url ? /^(https?):\/\/([^/]+)/.exec(url) : null;
  if (!match) return []; // none, or a same-origin path
  const [, scheme, host] = match;
  const templated = host!.includes('{');
  return [`${scheme}://${templated ? `*.${host!.split('.').slice(1).join('.')}` : host}`];
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
  const calendar = new CalendarService(database, { officeHours: config.officeHours });
  let freshCity = false;
  // Once per database, not once per node: nodes starting together take turns here and
  // the later ones find the city, the accounts and the calendar years already there.
  await database.withLock(STARTUP_LOCK_KEY, async () => {
    if (config.seedIfEmpty && (await countAreas(database)) === 0) {
      freshCity = true;
      log.info({ scale: config.seedScale }, 'empty database: seeding the demo city');
      const summary = await seedDemoCity(database, { seed: 1, scale: config.seedScale });
      log.info(summary, 'demo city seeded');
    }
    // Demo accounts (public passwords): only where demo credentials are allowed (not production without DEMO=1).
    if (config.seedIfEmpty && demoAllowed() && (await countAreas(database)) > 0) {
      const accounts = await seedDemoAccounts(database);
      log.info({ ...accounts, wall: `/wall?display=${DEMO_DISPLAY_TOKEN}` }, 'demo accounts ready');
    }
    await calendar.load();
  });
  const nextApp = config.next ? await startNext(config) : null;

  // Filled in below once the context exists; requests cannot arrive before listen().
  let api: ReturnType<typeof getRequestListener> | null = null;
  let open311: ReturnType<typeof getRequestListener> | null = null;
  const headers = Object.entries(securityHeaders({ dev: config.dev, tileOrigins: tileOriginsOf(config) }));
  const httpServer = http.createServer((req, res) => {
    const url = req.url ?? '/';
    for (const [name, value] of headers) res.setHeader(name, value);
    if (url.startsWith('/api/') || url === '/api') {
      void api!(req, res);
      return;
    }
    if (url.startsWith('/open311/')) {
      void open311!(req, res);
      return;
    }
    if (nextApp) {
      guardPage(req, res, context).then(
        (answered) => {
          if (!answered) void nextApp.handle(req, res);
        },
        (error: unknown) => {
          log.error({ err: error, path: url.split('?')[0] }, 'page guard failed');
          if (!res.headersSent) res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '5' });
          res.end('服务暂不可用 / Service unavailable');
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('UI disabled');
  });

  // Longer than a load balancer's usual 60 s idle timeout, so the proxy (not us) closes idle
  // connections; and a client never races our idle timer after a long PGlite statement blocked the loop.
  httpServer.keepAliveTimeout = 65_000;

  const io: AppIo = new Server(httpServer, {
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

  const publisher = new FeedPublisher(database, io, log, options.publisher);
  const notifier = new FeedNotifier(database, config.databaseUrl ?? options.databaseUrl, log);
  const positions = new PositionRelay(io, database, log, notifier, options.positionEveryMs);
  const budgets = createBudgets();
  const wakeReaders = () => {
    publisher.wake();
    notifier.notify();
  };
  const ingest = new IngestService(database, wakeReaders, {
    statementTimeoutMs: config.statementTimeoutMs,
    alertBudget: budgets.alerts,
    calendar: () => calendar.current(),
    contactKeys: contactKeyer(config.contactKeySecret),
  });
  const scheduler = new Scheduler(
    { database, calendar, leadership: createLeadership(database, config.databaseUrl ?? options.databaseUrl, log), log, onCommit: wakeReaders },
    {
      enabled: config.scheduler.enabled,
      tickMs: config.scheduler.tickMs,
      feedRetentionHours: config.feedRetentionHours,
      hotspotsMs: config.hotspots.everyMs,
      hotspots: hotspotOptions(config.hotspots, config.statementTimeoutMs),
      appealWindowHours: config.appealWindowHours,
      ...options.scheduler,
    },
  );
  const caseCommands = new CaseCommandService(database, () => calendar.current(), wakeReaders, { statementTimeoutMs: config.statementTimeoutMs });
  const startedAt = new Date();
  const health = new HealthService({
    database,
    log,
    startedAt,
    feedHead: () => publisher.feedHead,
    sockets: () => io.engine.clientsCount,
    listening: () => (database.kind === 'postgres' && (config.databaseUrl ?? options.databaseUrl) ? notifier.listening : null),
    calendar: () => calendar.horizon(),
    beyondCalendarCases: () => countBeyondCalendar(database),
    scheduler: () =>
      scheduler.enabled ? { leader: scheduler.leading, ticks: scheduler.ticks, lastTickAt: scheduler.lastTickAt?.toISOString() ?? null } : null,
  });
  const sessionConfig = options.sessionConfig ?? DEFAULT_SESSION_CONFIG;
  const auth: Authenticator = databaseAuthenticator(database, { config: sessionConfig });
  const watch = new SocketSessionWatch(io, database, log, { config: sessionConfig, everyMs: options.sessionSweepMs });
  const snapshots = new SnapshotService(database, budgets.snapshots, config.statementTimeoutMs, config.appealWindowHours);
  const context: AppContext = {
    config,
    log,
    database,
    io,
    publisher,
    notifier,
    positions,
    ingest,
    calendar,
    scheduler,
    caseCommands,
    health,
    snapshots,
    auth,
    throttle: options.throttle ?? createLoginThrottle({ store: 'database', database }),
    sessionConfig,
    sessionsRevoked: (ids, reason) => watch.revoked(ids, reason),
    startedAt,
  };
  const hono = createApi(context);
  api = getRequestListener(hono.fetch, {
    errorHandler: (error) => log.error({ err: error }, 'api response failed'),
  });
  open311 = getRequestListener(createOpen311(context).fetch, {
    errorHandler: (error) => log.error({ err: error }, 'open311 response failed'),
  });
  authenticateSockets(io, auth, log, budgets.handshakes);
  registerSocketHandlers(io, { database, publisher, log, positions });
  watch.start();
  await publisher.start();
  await notifier.listen(() => publisher.wake());
  scheduler.start();
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
        await scheduler.stop();
        watch.stop();
        await notifier.close();
        await publisher.stop();
        io.disconnectSockets(true);
        const closed = new Promise<void>((resolve) => {
          io.close(() => resolve());
        });
        // Keep-alive connections (65 s) would hold close() open: idle ones end now, and any
        // still busy after a short grace are cut, so a SIGTERM never waits on a client's pool.
        httpServer.closeIdleConnections();
        const grace = setTimeout(() => httpServer.closeAllConnections(), 2_000);
        await closed;
        clearTimeout(grace);
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

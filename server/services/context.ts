import type { AppIo } from '../realtime/io';
import type { Database } from '../../db/client';
import type { Authenticator } from '../auth/authenticate';
import type { SessionConfig } from '../auth/sessions';
import type { LoginThrottle } from '../auth/throttle';
import type { AppConfig } from '../config';
import type { Logger } from '../logger';
import type { FeedNotifier } from '../realtime/notifier';
import type { PositionRelay } from '../realtime/positions';
import type { FeedPublisher } from '../realtime/publisher';
import type { CalendarService } from './calendar';
import type { CaseCommandService } from './case-commands';
import type { HealthService } from './health';
import type { IngestService } from './ingest';
import type { Scheduler } from './scheduler';
import type { SnapshotService } from './snapshot';

/** What route and socket handlers may use; built once by the server factory. */
export interface AppContext {
  config: AppConfig;
  log: Logger;
  database: Database;
  io: AppIo;
  publisher: FeedPublisher;
  notifier: FeedNotifier;
  /** Responders' live positions and duty status changes to the desks (volatile, not the feed). */
  positions: PositionRelay;
  ingest: IngestService;
  /** The working calendar of every SLA clock (reloaded on each scheduler tick when an import changed it). */
  calendar: CalendarService;
  /** The database timers (server/services/scheduler.ts); tests tick it directly. */
  scheduler: Scheduler;
  /** The one write path of case transitions. */
  caseCommands: CaseCommandService;
  auth: Authenticator;
  throttle: LoginThrottle;
  sessionConfig: SessionConfig;
  /** Tells the socket layer these sessions are gone: their sockets are disconnected at once (other nodes notice within seconds). */
  sessionsRevoked(ids: readonly string[], reason: string): void;
  health: HealthService;
  snapshots: SnapshotService;
  startedAt: Date;
}

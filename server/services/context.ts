import type { Server } from 'socket.io';
import type { Database } from '../../db/client';
import type { AppConfig } from '../config';
import type { Logger } from '../logger';
import type { FeedNotifier } from '../realtime/notifier';
import type { FeedPublisher } from '../realtime/publisher';
import type { HealthService } from './health';
import type { IngestService } from './ingest';
import type { SnapshotService } from './snapshot';

/** What route and socket handlers may use; built once by the server factory. */
export interface AppContext {
  config: AppConfig;
  log: Logger;
  database: Database;
  io: Server;
  publisher: FeedPublisher;
  notifier: FeedNotifier;
  ingest: IngestService;
  health: HealthService;
  snapshots: SnapshotService;
  startedAt: Date;
}

import type { Server } from 'socket.io';
import type { Database } from '../../db/client';
import type { Authenticator } from '../auth/authenticate';
import type { SessionConfig } from '../auth/sessions';
import type { LoginThrottle } from '../auth/throttle';
import type { AppConfig } from '../config';
import type { Logger } from '../logger';
import type { FeedPublisher } from '../realtime/publisher';
import type { IngestService } from './ingest';

/** What route and socket handlers may use; built once by the server factory. */
export interface AppContext {
  config: AppConfig;
  log: Logger;
  database: Database;
  io: Server;
  publisher: FeedPublisher;
  ingest: IngestService;
  auth: Authenticator;
  throttle: LoginThrottle;
  sessionConfig: SessionConfig;
  /** Tells the socket layer these sessions are gone: their sockets are disconnected at once (other nodes notice within seconds). */
  sessionsRevoked(ids: readonly string[], reason: string): void;
  startedAt: Date;
}

import type { AppIo, AppSocket } from './io';
import type { Database } from '../../db/client';
import { findRevokedDisplayTokens } from '../../db/queries/liveness';
import type { Actor } from '../auth/actor';
import type { Authenticator, Credential } from '../auth/authenticate';
import { findDeadSessions, type SessionOptions } from '../auth/sessions';
import type { Logger } from '../logger';
import type { Budget } from '../services/budget';
import { PROTOCOL_VERSION } from '../protocol/wire';

/** What the server keeps on each socket: who it is, proven once at the handshake. */
export interface SocketData {
  actor: Actor;
  via: Credential;
}

/**
 * Sockets authenticate at the handshake from the same credentials as REST: the
 * session cookie or a wall display's cookie (an API key in `auth.apiKey` for
 * machine clients). No credential → the connection is refused with
 * UNAUTHENTICATED; the browser goes to the login page.
 */
export function authenticateSockets(io: AppIo, auth: Authenticator, log: Logger, budget: Budget): void {
  io.use((socket, next) => {
    const headers = socket.handshake.headers;
    const apiKey = typeof socket.handshake.auth?.apiKey === 'string' ? (socket.handshake.auth.apiKey as string) : undefined;
    budget
      .run(() => auth.fromHeaders({ cookie: headers.cookie, authorization: headers.authorization, apiKey }))
      .then((found) => {
        if (!found || found.actor.role === 'api_client') {
          next(Object.assign(new Error('UNAUTHENTICATED'), { data: { code: 'UNAUTHENTICATED' } }));
          return;
        }
        socket.data = { actor: found.actor, via: found.via };
        next();
      })
      .catch((error: unknown) => {
        log.warn({ err: error }, 'socket authentication failed');
        next(Object.assign(new Error('UNAVAILABLE'), { data: { code: 'UNAVAILABLE' } }));
      });
  });
}

/**
 * Ends sockets whose credential has ended: at once for sessions revoked in this
 * process (logout, password change, disable), and by a check every few seconds
 * for anything else (another node's revocation, idle or absolute expiry, a
 * revoked display token). The client is told why before it is disconnected.
 */
export class SocketSessionWatch {
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly io: AppIo,
    private readonly database: Database,
    private readonly log: Logger,
    private readonly options: SessionOptions & { everyMs?: number } = {},
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.options.everyMs ?? 3000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Disconnects this process's sockets of these sessions now, with the reason `revoked:<why>` (as the sweep says it). */
  revoked(sessionIds: readonly string[], why: string): void {
    const ids = new Set(sessionIds);
    for (const socket of this.sockets()) {
      const data = socket.data;
      if (data.actor?.kind === 'user' && ids.has(data.actor.sessionId)) end(socket, `revoked:${why}`);
    }
  }

  async sweep(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const sockets = [...this.sockets()];
      const sessionIds = [...new Set(sockets.flatMap((s) => (s.data.actor?.kind === 'user' ? [s.data.actor.sessionId] : [])))];
      const displayIds = [...new Set(sockets.flatMap((s) => (s.data.actor?.kind === 'display' ? [s.data.actor.id] : [])))];
      const dead = new Map((await findDeadSessions(this.database, sessionIds, this.options)).map((d) => [d.id, d.reason]));
      const revokedDisplays = new Set(await findRevokedDisplayTokens(this.database, displayIds));
      for (const socket of sockets) {
        const { actor } = socket.data;
        if (actor?.kind === 'user' && dead.has(actor.sessionId)) end(socket, dead.get(actor.sessionId)!);
        if (actor?.kind === 'display' && revokedDisplays.has(actor.id)) end(socket, 'display_revoked');
      }
    } catch (error) {
      this.log.warn({ err: error }, 'socket session sweep failed');
    } finally {
      this.running = false;
    }
  }

  private *sockets(): Iterable<AppSocket> {
    yield* this.io.of('/').sockets.values();
  }
}

function end(socket: AppSocket, reason: string): void {
  socket.emit('signedOut', { v: PROTOCOL_VERSION, reason });
  socket.disconnect(true);
}

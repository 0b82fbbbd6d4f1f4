import { io as connect, type Socket } from 'socket.io-client';
import { createServer, type AppServer, type ServerOptions } from '../../server/app';
import { configFromEnv } from '../../server/config';
import type { Database } from '../../db/client';
import { PROTOCOL_VERSION, type Ack, type FeedEvent, type FeedFrame, type SubscribeResult } from '../../server/protocol/wire';
import type { Layer } from '../../server/protocol/vocab';
import { ensureUser, signIn } from './auth';

/**
 * The real server factory on loopback, API and Socket.IO only (no Next), over a
 * test database. Unless `signIn: false`, a city-wide admin ("test-admin") is
 * signed in and its cookie is used by postJson/getJson/FeedClient for this base
 * URL, so tests of other things talk to the server as an ordinary signed-in user.
 * The scheduler is off unless `scheduler: { enabled: true }` is passed.
 */
export async function startTestServer(
  database: Database,
  port = 0,
  options: Omit<ServerOptions, 'database'> & { signIn?: boolean } = {},
): Promise<{ app: AppServer; base: string; port: number; cookie: string | null }> {
  const { signIn: wantSession = true, ...serverOptions } = options;
  const config = { ...configFromEnv({ LOG_LEVEL: 'silent' }), next: false, host: '127.0.0.1' };
  // The scheduler's timers stay off unless a test asks for them: background ticks must not write into other tests' counts.
  const app = await createServer(config, {
    database,
    publisher: { frameMs: 20, pollMs: 200 },
    ...serverOptions,
    scheduler: { enabled: false, ...serverOptions.scheduler },
  });
  const bound = await app.listen(port, '127.0.0.1');
  const base = `http://127.0.0.1:${bound}`;
  let cookie: string | null = null;
  if (wantSession) {
    await ensureUser(database, 'test-admin', 'admin');
    cookie = await signIn(base, 'test-admin');
    sessions.set(base, cookie);
  }
  return { app, base, port: bound, cookie };
}

/** Cookie of the signed-in test admin per server base URL. */
const sessions = new Map<string, string>();

export function sessionOf(base: string): Record<string, string> {
  const cookie = sessions.get(base);
  return cookie ? { cookie } : {};
}

/** fetch with the base's test session (headers given win). */
export function authed(base: string, url: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> {
  return fetch(url, { ...init, headers: { ...sessionOf(base), ...init.headers } });
}

/** GET with the base's test session; returns status and parsed body. */
export async function getJson<T = Record<string, unknown>>(base: string, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(base + path, { headers: { ...sessionOf(base), ...headers } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : null) as T };
}

export async function postJson(base: string, path: string, body: unknown, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const { headers, ...rest } = init;
  const response = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...sessionOf(base), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...rest,
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = { raw: text };
  }
  return { status: response.status, body: json as Record<string, unknown> & { error?: { code: string; message: string; details?: unknown } } };
}

/**
 * A real socket.io-client that behaves like the browser controller: keeps the last
 * seq it applied, drops duplicates, records every event it applied in order.
 */
export class FeedClient {
  readonly socket: Socket;
  lastSeq = 0;
  readonly applied: FeedEvent[] = [];
  duplicates = 0;
  outOfOrder = 0;
  private waiters: Array<() => void> = [];

  constructor(
    base: string,
    readonly subscription: { area?: string; layers: Layer[] },
    /** Credentials for the handshake; defaults to the base's test session. */
    headers: Record<string, string> = sessionOf(base),
  ) {
    this.socket = connect(base, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: headers });
    this.socket.on('feed', (frame: FeedFrame) => {
      for (const event of frame.events) {
        if (event.seq <= this.lastSeq) {
          this.duplicates++;
          continue;
        }
        if (this.applied.length && event.seq < this.applied.at(-1)!.seq) this.outOfOrder++;
        this.applied.push(event);
        this.lastSeq = event.seq;
      }
      this.lastSeq = Math.max(this.lastSeq, frame.to);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  async connected(): Promise<void> {
    if (this.socket.connected) return;
    await new Promise<void>((resolve, reject) => {
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', reject);
    });
  }

  subscribe(since: number | null): Promise<Ack<SubscribeResult>> {
    return this.socket.timeout(10_000).emitWithAck('subscribe', {
      v: PROTOCOL_VERSION,
      ...this.subscription,
      since,
    }) as Promise<Ack<SubscribeResult>>;
  }

  /** Resolves once `predicate` holds over the applied events (checked after each frame). */
  async until(predicate: (events: FeedEvent[]) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.applied)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for feed events (have ${this.applied.length})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.close();
  }
}

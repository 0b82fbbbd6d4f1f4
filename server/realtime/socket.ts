import type { AppIo, AppSocket } from './io';
import type { Database } from '../../db/client';
import { narrowScope } from '../../db/queries/areas';
import { assertLayers } from '../auth/layers';
import { AppError, classifyDatabaseError, issuesOf, toAck } from '../errors';
import type { Logger } from '../logger';
import { subscribeSchema, type Ack, type SubscribeResult } from '../protocol/wire';
import type { PositionRelay } from './positions';
import type { FeedPublisher } from './publisher';

type AckFn<T> = (result: Ack<T>) => void;

/**
 * Subscribe rate per socket: a bucket of SUBSCRIBE_BURST tokens refilled at
 * SUBSCRIBE_PER_S. A browser subscribes once per connection and again on a layer or
 * area change; a socket that floods subscribe frames gets RATE_LIMITED acks and costs
 * nothing. (Replays in flight per socket are limited to one by the publisher: a new
 * subscribe supersedes the old one.)
 */
const SUBSCRIBE_BURST = 10;
const SUBSCRIBE_PER_S = 2;

class TokenBucket {
  private tokens = SUBSCRIBE_BURST;
  private at = Date.now();

  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(SUBSCRIBE_BURST, this.tokens + ((now - this.at) / 1000) * SUBSCRIBE_PER_S);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
type SocketHandler = (socket: AppSocket, payload: unknown) => Promise<unknown>;

/**
 * One entry per client event: validate, act, ack with a tagged result. Frames that
 * fail validation are answered BAD_FRAME and change nothing; events without an
 * ack callback, and unknown events, are ignored (logged at debug).
 */
export function registerSocketHandlers(io: AppIo, deps: { database: Database; publisher: FeedPublisher; log: Logger; positions: PositionRelay }) {
  const handlers: Record<string, SocketHandler> = {
    subscribe: async (socket, payload): Promise<SubscribeResult> => {
      const parsed = subscribeSchema.safeParse(payload);
      if (!parsed.success) {
        throw new AppError('BAD_FRAME', 'invalid subscribe frame', issuesOf(parsed.error));
      }
      // The subscription is the actor's jurisdiction or an area inside it; anything else
      // (outside, or unknown: the same answer, so codes beyond it do not leak) is refused.
      const { actor } = socket.data;
      // Individual appeals only for roles cleared for them; shared screens subscribe to `hotspots`.
      assertLayers(actor.role, parsed.data.layers);
      const scope = parsed.data.area === undefined ? actor.scope : await narrowScope(deps.database, actor.scope, parsed.data.area);
      if (!scope) throw new AppError('FORBIDDEN', `area ${parsed.data.area} is outside your jurisdiction`);
      return deps.publisher.subscribe(socket, { ...parsed.data, area: scope.code });
    },
  };

  io.on('connection', (socket) => {
    const bucket = new TokenBucket();
    deps.positions.joinRooms(socket);
    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = args.at(-1);
      // Positions have their own throttle (one kept per interval, the rest dropped) and may come without an ack.
      if (event === 'position') {
        const reply = typeof ack === 'function' ? (ack as AckFn<unknown>) : undefined;
        deps.positions.receive(socket, args[0]).then(
          (data) => reply?.({ ok: true, data }),
          (error: unknown) => {
            if (!(error instanceof AppError) && !classifyDatabaseError(error)) deps.log.error({ err: error, event }, 'socket handler failed');
            reply?.(toAck(error));
          },
        );
        return;
      }
      const handler = handlers[event];
      if (typeof ack !== 'function') {
        deps.log.debug({ event, socket: socket.id }, 'ignored socket event without ack');
        return;
      }
      const reply = ack as AckFn<unknown>;
      if (!handler) {
        reply({ ok: false, code: 'BAD_FRAME', message: `unknown event ${event}` });
        return;
      }
      if (!bucket.take()) {
        reply({ ok: false, code: 'RATE_LIMITED', message: `more than ${SUBSCRIBE_BURST} frames in a burst; at most ${SUBSCRIBE_PER_S} per second` });
        return;
      }
      handler(socket, args[0]).then(
        (data) => reply({ ok: true, data }),
        (error: unknown) => {
          if (!(error instanceof AppError) && !classifyDatabaseError(error)) deps.log.error({ err: error, event }, 'socket handler failed');
          reply(toAck(error));
        },
      );
    });
  });
}

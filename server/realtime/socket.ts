import type { Server, Socket } from 'socket.io';
import type { Database } from '../../db/client';
import { narrowScope } from '../../db/queries/areas';
import { AppError, issuesOf, toAck } from '../errors';
import type { Logger } from '../logger';
import { subscribeSchema, type Ack, type SubscribeResult } from '../protocol/wire';
import type { SocketData } from './auth';
import type { FeedPublisher } from './publisher';

type AckFn<T> = (result: Ack<T>) => void;
type SocketHandler = (socket: Socket, payload: unknown) => Promise<unknown>;

/**
 * One entry per client event: validate, act, ack with a tagged result. Frames that
 * fail validation are answered BAD_FRAME and change nothing; events without an
 * ack callback, and unknown events, are ignored (logged at debug).
 */
export function registerSocketHandlers(io: Server, deps: { database: Database; publisher: FeedPublisher; log: Logger }) {
  const handlers: Record<string, SocketHandler> = {
    subscribe: async (socket, payload): Promise<SubscribeResult> => {
      const parsed = subscribeSchema.safeParse(payload);
      if (!parsed.success) {
        throw new AppError('BAD_FRAME', 'invalid subscribe frame', issuesOf(parsed.error));
      }
      // The subscription is the actor's jurisdiction or an area inside it; anything else
      // (outside, or unknown: the same answer, so codes beyond it do not leak) is refused.
      const { actor } = socket.data as SocketData;
      const scope = parsed.data.area === undefined ? actor.scope : await narrowScope(deps.database, actor.scope, parsed.data.area);
      if (!scope) throw new AppError('FORBIDDEN', `area ${parsed.data.area} is outside your jurisdiction`);
      return deps.publisher.subscribe(socket, { ...parsed.data, area: scope.code });
    },
  };

  io.on('connection', (socket) => {
    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = args.at(-1);
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
      handler(socket, args[0]).then(
        (data) => reply({ ok: true, data }),
        (error: unknown) => {
          if (!(error instanceof AppError)) deps.log.error({ err: error, event }, 'socket handler failed');
          reply(toAck(error));
        },
      );
    });
  });
}

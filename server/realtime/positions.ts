import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/client';
import { findLinkedResponder, recordPosition, type RecordedPosition, type StatusChange } from '../../db/queries/positions';
import { may } from '../auth/permissions';
import { AppError, issuesOf } from '../errors';
import type { Logger } from '../logger';
import {
  POSITION_EVERY_MS,
  PROTOCOL_VERSION,
  positionReportSchema,
  type PositionResult,
  type ResponderPosition,
  type ResponderStatusEvent,
} from '../protocol/wire';
import type { AppIo, AppSocket } from './io';
import type { FeedNotifier } from './notifier';

const ROOM_PREFIX = 'positions:';
/** Cross-node channel (PostgreSQL NOTIFY) carrying positions stored on another node. */
const CHANNEL = 'hcm_positions';

/** The room of the desks whose jurisdiction is `code`. */
export function positionRoom(code: string): string {
  return `${ROOM_PREFIX}${code}`;
}

interface Relayed {
  /** The node that stored it (it has already emitted to its own sockets). */
  n: string;
  /** What it is: a position (absent, the older messages) or a duty status change. */
  k?: 'position' | 'status';
  e: ResponderPosition | ResponderStatusEvent;
  a: string[];
}

/**
 * Live positions of responders: volatile, throttled, never a feed row.
 *
 * A grid worker's socket sends `position`; at most one per POSITION_EVERY_MS per
 * socket is kept (the rest are dropped: acked `stored: false`, no error), stored
 * as the linked responder's latest position in one UPDATE, and emitted as a
 * volatile `responderPosition` to the desks (admin, leader, duty officer,
 * dispatcher: `responders.read`) whose jurisdiction contains the responder's home
 * grid. Each such socket joins `positions:<its scope code>` when it connects; the
 * event goes to the rooms of every code on the home grid's path, which Socket.IO
 * unions, so a socket gets it once. Other nodes get it through NOTIFY on
 * PostgreSQL and emit to their own sockets. A missed event is superseded by the
 * next one; the map's initial state is GET /api/responders.
 *
 * A worker off duty (PUT /api/me/status) shares nothing: their positions are
 * refused (OFF_DUTY) and nothing is stored. The status change itself reaches the
 * same desks as `responderStatus` (not volatile, but not a feed row either: the
 * desks re-read GET /api/responders when they reconnect).
 */
export class PositionRelay {
  private readonly node = randomUUID();
  private readonly lastKept = new WeakMap<AppSocket, number>();
  /** Positions stored since start (health, tests). */
  stored = 0;

  constructor(
    private readonly io: AppIo,
    private readonly database: Database,
    private readonly log: Logger,
    private readonly notifier: FeedNotifier | null,
    private readonly everyMs = POSITION_EVERY_MS,
  ) {
    notifier?.on(CHANNEL, (payload) => this.fromOtherNode(payload));
  }

  /** At connection: desks join the room of their jurisdiction. */
  joinRooms(socket: AppSocket): void {
    const { actor } = socket.data;
    if (may(actor.role, 'responders.read')) void socket.join(positionRoom(actor.scope.code));
  }

  /** One `position` frame: refuses bad frames and non-workers, drops what comes too soon, stores and relays the rest. */
  async receive(socket: AppSocket, payload: unknown): Promise<PositionResult> {
    const parsed = positionReportSchema.safeParse(payload);
    if (!parsed.success) throw new AppError('BAD_FRAME', 'invalid position frame', issuesOf(parsed.error));
    const { actor } = socket.data;
    if (actor.kind !== 'user' || !may(actor.role, 'positions.send')) {
      throw new AppError('FORBIDDEN', `${actor.role} may not positions.send`, { action: 'positions.send' });
    }
    const now = Date.now();
    const last = this.lastKept.get(socket);
    if (last !== undefined && now - last < this.everyMs) return { stored: false, retryInMs: this.everyMs - (now - last) };
    this.lastKept.set(socket, now);
    const { lng, lat, accuracy } = parsed.data;
    const recorded = await recordPosition(this.database, actor.id, { lng, lat, accuracy: accuracy ?? null });
    if (!recorded) {
      this.lastKept.delete(socket);
      const linked = await findLinkedResponder(this.database, actor.id);
      if (linked) throw new AppError('CONFLICT', 'you are off duty: positions are not shared', { reason: 'off_duty' });
      throw new AppError('FORBIDDEN', 'your account is not linked to a responder record', { action: 'positions.send' });
    }
    this.stored++;
    const event = toEvent(recorded);
    this.emitLocal(event, recorded.areaCodes);
    this.notifier?.publish(CHANNEL, JSON.stringify({ n: this.node, e: event, a: recorded.areaCodes } satisfies Relayed));
    return { stored: true, retryInMs: this.everyMs };
  }

  /** After a duty status change has committed: tells the desks of the responder's jurisdiction, on every node. */
  announceStatus(change: StatusChange): void {
    const event: ResponderStatusEvent = { v: PROTOCOL_VERSION, id: change.id, status: change.status, at: change.at };
    this.emitStatusLocal(event, change.areaCodes);
    this.notifier?.publish(CHANNEL, JSON.stringify({ n: this.node, k: 'status', e: event, a: change.areaCodes } satisfies Relayed));
  }

  private emitLocal(event: ResponderPosition, areaCodes: readonly string[]): void {
    if (areaCodes.length === 0) return;
    this.io.local.to(areaCodes.map(positionRoom)).volatile.emit('responderPosition', event);
  }

  private emitStatusLocal(event: ResponderStatusEvent, areaCodes: readonly string[]): void {
    if (areaCodes.length === 0) return;
    this.io.local.to(areaCodes.map(positionRoom)).emit('responderStatus', event);
  }

  private fromOtherNode(payload: string): void {
    try {
      const message = JSON.parse(payload) as Relayed;
      if (message.n === this.node) return;
      if (message.k === 'status') this.emitStatusLocal(message.e as ResponderStatusEvent, message.a);
      else this.emitLocal(message.e as ResponderPosition, message.a);
    } catch (error) {
      this.log.warn({ err: error }, 'bad position relay message');
    }
  }
}

function toEvent(recorded: RecordedPosition): ResponderPosition {
  return {
    v: PROTOCOL_VERSION,
    id: recorded.id,
    lng: recorded.lng,
    lat: recorded.lat,
    accuracy: recorded.accuracy,
    at: recorded.at,
    status: recorded.status,
  };
}

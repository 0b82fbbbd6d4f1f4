import type { Actor } from '../auth/actor';
import { AppError } from '../errors';
import type { CaseChannel } from '../protocol/vocab';

/**
 * Who may report through which channel. API clients are bound to the channels
 * they were issued for; a grid worker reports as a grid worker; desk roles
 * (dispatcher, duty officer, admin) may enter a case on behalf of any channel
 * (a call taken by phone, a letter, a visit).
 */
export function channelsOf(actor: Actor): readonly CaseChannel[] | 'any' {
  if (actor.kind === 'api_client') return actor.channels;
  if (actor.role === 'grid_worker') return ['grid_worker'];
  return 'any';
}

export function assertChannels(actor: Actor, channels: ReadonlyArray<{ channel: CaseChannel; index: number | null }>): void {
  const allowed = channelsOf(actor);
  if (allowed === 'any') return;
  const refused = channels.filter((c) => !allowed.includes(c.channel));
  if (refused.length > 0) {
    throw new AppError(
      'FORBIDDEN',
      `${actor.kind === 'api_client' ? `API client ${actor.name}` : actor.role} may not report through channel ${refused[0]!.channel}`,
      refused.slice(0, 50).map((r) => ({ path: r.index === null ? 'channel' : `cases.${r.index}.channel`, allowed })),
    );
  }
}

/** Where the case landed lies outside the reporter's jurisdiction: refused, nothing written. */
export function outsideJurisdiction(actor: Actor, indexes: number[], single: boolean): AppError {
  return new AppError(
    'OUTSIDE_JURISDICTION',
    `location lies outside the jurisdiction ${actor.scope.code}`,
    indexes.slice(0, 50).map((i) => ({ path: single ? 'location' : `cases.${i}.location`, scope: actor.scope.code })),
  );
}

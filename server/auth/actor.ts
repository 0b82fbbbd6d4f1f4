import type { Scope } from '../../db/scope';
import type { CaseChannel, Role } from '../../db/vocab';

/**
 * Who is asking, as every route, socket handler and service sees it. Built by the
 * auth middleware from a session cookie, a display token or an API key; never
 * from anything the client claims about itself.
 */
export type Actor =
  | {
      kind: 'user';
      id: number;
      login: string;
      name: string;
      role: Role;
      scope: Scope;
      /** Hash of the session token (the sessions table's key), for logout and revocation. */
      sessionId: string;
    }
  | { kind: 'display'; id: number; name: string; role: 'display'; scope: Scope }
  | { kind: 'api_client'; id: number; name: string; role: 'api_client'; scope: Scope; channels: CaseChannel[] };

/** A role in the permission table: the five user roles plus the two machine principals. */
export type ActorRole = Actor['role'];

/** How an actor is written in audit rows and case events: `user:12`, `display:3`, `api_client:1`. */
export function actorRef(actor: Actor): string {
  return `${actor.kind}:${actor.id}`;
}

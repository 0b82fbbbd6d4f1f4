import type { Role } from '../../server/protocol/vocab';

/**
 * Who the dispatch console is for: the roles that read the queue (server/auth/permissions.ts
 * `cases.queue`). What each may do on a case comes from the server (`lifecycle.actions`);
 * these only decide which panels to show, so a button never offers a certain 403.
 */
export const CONSOLE_ROLES: readonly Role[] = ['admin', 'leader', 'duty_officer', 'dispatcher'];
/** `cases.dispatch`: routing suggestions. */
export const SUGGESTION_ROLES: readonly Role[] = ['admin', 'duty_officer', 'dispatcher'];
/** `contacts.reveal`. */
export const REVEAL_ROLES: readonly Role[] = ['admin', 'dispatcher'];
/** The desk roles the wall links to the console. */
export const DESK_ROLES: readonly Role[] = ['admin', 'duty_officer', 'dispatcher'];

export function hasRole(roles: readonly Role[], role: string | undefined | null): boolean {
  return role !== undefined && role !== null && (roles as readonly string[]).includes(role);
}

import type { ActorRole } from './actor';

/**
 * The one table of who may do what. Routes and socket handlers declare the action
 * they perform; the middleware looks it up here. A route whose action is missing
 * from this table cannot be declared (the type), and the route × role matrix test
 * is generated from the route table against it.
 */
export const ACTIONS = {
  /** Read the live map: snapshot, areas, socket subscriptions (always within the actor's scope). */
  'map.read': ['admin', 'leader', 'duty_officer', 'dispatcher', 'grid_worker', 'display'],
  /** Read one case (scoped; personal data masked). */
  'cases.read': ['admin', 'leader', 'duty_officer', 'dispatcher', 'grid_worker', 'api_client'],
  /** Report cases: grid workers from the street, intake clients by API. */
  'cases.create': ['admin', 'dispatcher', 'duty_officer', 'grid_worker', 'api_client'],
  /** Post a public-safety alert. */
  'alerts.create': ['admin', 'duty_officer', 'api_client'],
  /** Reveal one case's reporter contact, with a reason (audited). */
  'contacts.reveal': ['admin', 'dispatcher'],
  /** Own session: who am I, logout, change password. */
  'session.self': ['admin', 'leader', 'duty_officer', 'dispatcher', 'grid_worker'],
  /** Accounts, display tokens and API keys within the admin's scope. */
  'admin.users': ['admin'],
  'admin.tokens': ['admin'],
  'admin.apikeys': ['admin'],
  'audit.read': ['admin'],
  /** Evaluation indicators, rankings, trends, exports and the shift handover report (within the actor's scope). */
  'indicators.read': ['admin', 'leader', 'duty_officer', 'dispatcher'],
} as const satisfies Record<string, readonly ActorRole[]>;

export type Action = keyof typeof ACTIONS;

export function may(role: ActorRole, action: Action): boolean {
  return (ACTIONS[action] as readonly ActorRole[]).includes(role);
}

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
  /**
   * Individual appeals on the map: the `appeals` layer of snapshots and socket
   * subscriptions (each appeal with its position). The desk roles that register and
   * dispatch them (the dispatch console), and grid workers, whose report app follows
   * the appeals dispatched to them. Leaders and wall displays never: shared screens
   * take the `hotspots` layer (k-suppressed counts and hotspot outlines).
   */
  'appeals.individual': ['admin', 'duty_officer', 'dispatcher', 'grid_worker'],
  /** Read one case (scoped; personal data masked). */
  'cases.read': ['admin', 'leader', 'duty_officer', 'dispatcher', 'grid_worker', 'api_client'],
  /**
   * Dispatch help: the suggested department, territorial and nearest available
   * responders (staff names and positions) for a case. The desk roles that register
   * and dispatch (server/domain/workflow/actors.ts `desk`).
   */
  'cases.dispatch': ['admin', 'duty_officer', 'dispatcher'],
  /** Report cases: grid workers from the street, intake clients by API. */
  'cases.create': ['admin', 'dispatcher', 'duty_officer', 'grid_worker', 'api_client'],
  /**
   * Move a case around the loop (POST /api/cases/{id}/transitions). Coarse on purpose:
   * the state machine (server/domain/workflow/transitions.ts) decides per action and
   * case who may fire it — a grid worker only on cases dispatched to them.
   */
  'cases.transition': ['admin', 'leader', 'duty_officer', 'dispatcher', 'grid_worker'],
  /** Post a public-safety alert (our JSON or OASIS CAP 1.2 XML). */
  'alerts.create': ['admin', 'duty_officer', 'api_client'],
  /** Read alerts as CAP 1.2 (one message, the Atom index), within the actor's scope. */
  'alerts.read': ['admin', 'leader', 'duty_officer', 'dispatcher', 'grid_worker', 'display', 'api_client'],
  /** Acknowledge an alert for an affected district within the actor's jurisdiction (audited). */
  'alerts.acknowledge': ['admin', 'duty_officer'],
  /** Reveal one case's reporter contact, with a reason (audited). */
  'contacts.reveal': ['admin', 'dispatcher'],
  /** Upload photos (for a report or a 处置反馈); each stays the uploader's until attached to a case. */
  'photos.upload': ['admin', 'dispatcher', 'duty_officer', 'grid_worker'],
  /** Read the photos of a case within the reader's jurisdiction (and one's own unattached uploads). */
  'photos.read': ['admin', 'leader', 'duty_officer', 'dispatcher', 'grid_worker'],
  /** The dispatch queue (待立案 / 待派遣 / 处置中 / 待核查 / 已超时) of the jurisdiction. */
  'cases.queue': ['admin', 'leader', 'duty_officer', 'dispatcher'],
  /** Responders of the jurisdiction with their live positions and workload (REST, and the socket room of live positions). */
  'responders.read': ['admin', 'leader', 'duty_officer', 'dispatcher'],
  /** A grid worker's own open tasks (cases dispatched to their responder record). */
  'tasks.read': ['grid_worker'],
  /** Share one's live position (socket `position`): grid workers linked to a responder record. */
  'positions.send': ['grid_worker'],
  /** Go on or off duty (PUT /api/me/status): grid workers linked to a responder record (audited). */
  'duty.set': ['grid_worker'],
  /** Own session: who am I, logout, change password. */
  'session.self': ['admin', 'leader', 'duty_officer', 'dispatcher', 'grid_worker'],
  /** Accounts, display tokens and API keys within the admin's scope. */
  'admin.users': ['admin'],
  'admin.tokens': ['admin'],
  'admin.apikeys': ['admin'],
  'audit.read': ['admin'],
  /** Evaluation indicators, rankings, trends, exports and the shift handover report (within the actor's scope). */
  'indicators.read': ['admin', 'leader', 'duty_officer', 'dispatcher'],
  /** The indicator panel and trend alone (aggregates, no case lists): also what a wall display's KPI strip reads. */
  'indicators.panel': ['admin', 'leader', 'duty_officer', 'dispatcher', 'display'],
} as const satisfies Record<string, readonly ActorRole[]>;

export type Action = keyof typeof ACTIONS;

export function may(role: ActorRole, action: Action): boolean {
  return (ACTIONS[action] as readonly ActorRole[]).includes(role);
}

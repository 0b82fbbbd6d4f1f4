import type { Runner } from '../../db/client';
import { claimGridWorker, insertGridWorkerFor, responderOfUser, type ResponderRef } from '../../db/queries/responders';
import type { UserRow } from '../../db/queries/users';
import { scopeOf } from '../../db/scope';
import { audit, type AuditBy } from './audit';

/**
 * A grid worker's login is linked to their responder record (responders.user_id),
 * so the state machine knows which assigned cases are theirs. Idempotent: a user
 * already linked keeps their record. Otherwise the first unlinked grid-worker
 * responder based in the user's jurisdiction is claimed (the seeded 网格员 of that
 * grid keeps their name and position), else a new one is created in the
 * jurisdiction's first grid, without a position. A jurisdiction with no grid
 * links nothing. Other roles are never linked. Run it inside the account's
 * transaction; the link is audited there.
 */
export async function linkResponder(tx: Runner, by: AuditBy, user: UserRow): Promise<ResponderRef | undefined> {
  if (user.role !== 'grid_worker') return undefined;
  const own = await responderOfUser(tx, user.id);
  if (own) return own;
  // The user's jurisdiction was checked when the account was made: it is a verified scope.
  const scope = scopeOf(user.areaCode);
  const claimed = await claimGridWorker(tx, scope, user.id);
  const linked = claimed ?? (await insertGridWorkerFor(tx, scope, { id: user.id, name: user.displayName }));
  if (linked) {
    await audit(tx, by, {
      action: 'responders.link',
      targetType: 'responder',
      targetId: linked.id,
      areaCodes: user.areaPath,
      outcome: 'ok',
      details: { userId: user.id, login: user.login, responder: linked.code, homeGrid: linked.homeGrid, claimed: claimed !== undefined },
    });
  }
  return linked;
}

import { narrowScope } from '../../../db/queries/areas';
import type { Runner } from '../../../db/client';
import type { Scope } from '../../../db/scope';
import type { Actor } from '../../auth/actor';
import { AppError } from '../../errors';

/**
 * The scope a request reads: the actor's jurisdiction, or one area inside it when
 * the request names one. An area outside the jurisdiction and an unknown area get
 * the same 404, so nobody learns which codes exist beyond their own.
 */
export async function requestScope(db: Runner, actor: Actor, area: string | undefined, param = 'area'): Promise<Scope> {
  if (area === undefined) return actor.scope;
  const narrowed = await narrowScope(db, actor.scope, area);
  if (!narrowed) throw new AppError('NOT_FOUND', `no area ${area} in your jurisdiction`, { path: param });
  return narrowed;
}

import type { Runner } from '../../db/client';
import { findUserCredentials } from '../../db/queries/users';
import { verifyPassword } from './passwords';

/** Checks a signed-in user's current password (before a self-service change). */
export async function verifyPasswordOf(db: Runner, login: string, password: string): Promise<boolean> {
  const user = await findUserCredentials(db, login);
  return user !== undefined && !user.disabled && (await verifyPassword(user.passwordHash, password));
}

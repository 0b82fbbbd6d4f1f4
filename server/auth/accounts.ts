import type { Database } from '../../db/client';
import { findAreaInScope, findUser, insertUser, setUserDisabled, updatePasswordHash, type UserRow } from '../../db/queries/users';
import type { Scope } from '../../db/scope';
import { ROLES, type Role } from '../../db/vocab';
import { audit, type AuditBy } from './audit';
import { systemClock, type Clock } from './clock';
import { refusedAsDemo } from './demo-secrets';
import { conflict, invalid, notFound } from './errors';
import { checkPassword, hashPassword } from './passwords';
import { revokeUserSessions } from './sessions';

/**
 * Account administration. Every change writes its audit row in its own
 * transaction, and every target must lie within the caller's scope (outside →
 * NOT_FOUND, as if it did not exist). Passwords are checked against the policy
 * and hashed before the transaction opens (argon2 is slow; no lock is held).
 */
export const LOGIN_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/i;

export interface NewUserInput {
  login: string;
  displayName: string;
  role: Role;
  /** Jurisdiction: any area code within the caller's scope. */
  areaCode: string;
  password: string;
}

export interface AccountOptions {
  clock?: Clock;
}

export function assertPassword(password: string, login?: string): void {
  const problem = checkPassword(password, login);
  if (problem) throw invalid(`password rejected: ${problem}`, { password: problem });
  if (refusedAsDemo(password)) throw invalid('password rejected: DEMO_PASSWORD (public demo passwords are refused in production)', { password: 'DEMO_PASSWORD' });
}

export async function createUser(database: Database, by: AuditBy, scope: Scope, input: NewUserInput): Promise<UserRow> {
  const login = input.login.trim();
  const displayName = input.displayName.trim();
  if (!LOGIN_PATTERN.test(login)) throw invalid('login must be 2–64 letters, digits, ".", "_" or "-", starting with a letter or digit');
  if (displayName.length === 0 || displayName.length > 100) throw invalid('display name must be 1–100 characters');
  if (!(ROLES as readonly string[]).includes(input.role)) throw invalid(`role must be one of ${ROLES.join(', ')}`);
  assertPassword(input.password, login);
  const passwordHash = await hashPassword(input.password);
  return database.transaction(async (tx) => {
    const area = await findAreaInScope(tx, scope, input.areaCode);
    if (!area) throw notFound('area', input.areaCode);
    const user = await insertUser(tx, { login, displayName, role: input.role, areaId: area.id, passwordHash });
    if (!user) throw conflict(`login "${login}" is taken`);
    await audit(tx, by, {
      action: 'users.create',
      targetType: 'user',
      targetId: user.id,
      areaCodes: area.path,
      outcome: 'ok',
      details: { login, role: input.role, area: area.code },
    });
    return user;
  });
}

/**
 * Sets a new password (an admin's reset or the user's own change) and revokes
 * every session of that user: whoever held the old password is logged out.
 */
export async function setPassword(
  database: Database,
  by: AuditBy,
  scope: Scope,
  userId: number,
  password: string,
  options: AccountOptions = {},
): Promise<{ user: UserRow; revokedSessions: string[] }> {
  const known = await findUser(database, scope, userId);
  if (!known) throw notFound('user', userId);
  assertPassword(password, known.login);
  const passwordHash = await hashPassword(password);
  const clock = options.clock ?? systemClock;
  return database.transaction(async (tx) => {
    const user = await findUser(tx, scope, userId);
    if (!user) throw notFound('user', userId);
    await updatePasswordHash(tx, userId, passwordHash, clock());
    const revokedSessions = await revokeUserSessions(tx, userId, 'password_changed', { clock });
    const self = by.actor === `user:${userId}`;
    await audit(tx, by, {
      action: self ? 'users.password_change' : 'users.password_reset',
      targetType: 'user',
      targetId: userId,
      areaCodes: user.areaPath,
      outcome: 'ok',
      details: { revokedSessions: revokedSessions.length },
    });
    return { user, revokedSessions };
  });
}

/** Disables (revoking every session) or re-enables an account. */
export async function setUserEnabled(
  database: Database,
  by: AuditBy,
  scope: Scope,
  userId: number,
  enabled: boolean,
  options: AccountOptions = {},
): Promise<{ user: UserRow; revokedSessions: string[] }> {
  const clock = options.clock ?? systemClock;
  return database.transaction(async (tx) => {
    const user = await findUser(tx, scope, userId);
    if (!user) throw notFound('user', userId);
    if (by.actor === `user:${userId}` && !enabled) throw invalid('you cannot disable your own account');
    await setUserDisabled(tx, userId, !enabled, clock());
    const revokedSessions = enabled ? [] : await revokeUserSessions(tx, userId, 'user_disabled', { clock });
    await audit(tx, by, {
      action: enabled ? 'users.enable' : 'users.disable',
      targetType: 'user',
      targetId: userId,
      areaCodes: user.areaPath,
      outcome: 'ok',
      details: { revokedSessions: revokedSessions.length },
    });
    return { user: { ...user, disabled: !enabled }, revokedSessions };
  });
}

export function disableUser(database: Database, by: AuditBy, scope: Scope, userId: number, options: AccountOptions = {}) {
  return setUserEnabled(database, by, scope, userId, false, options);
}

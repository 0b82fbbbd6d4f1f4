import type { Database } from '../../db/client';
import { findAreaInScope, findUser, findUserCredentials, insertUser, setUserDisabled, updatePasswordHash, type UserRow } from '../../db/queries/users';
import type { Scope } from '../../db/scope';
import { ROLES, type Role } from '../../db/vocab';
import { AppError } from '../errors';
import type { Actor } from './actor';
import { audit, auditBy, type AuditBy } from './audit';
import { systemClock, type Clock } from './clock';
import { refusedAsDemo } from './demo-secrets';
import { conflict, invalid, notFound } from './errors';
import { checkPassword, hashPassword, verifyPassword } from './passwords';
import { linkResponder } from './responder-link';
import { createSession, revokeUserSessions, type SessionOptions } from './sessions';

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
    // A grid worker gets their field record (responder) in the same transaction.
    await linkResponder(tx, by, user);
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

/**
 * A user changes their own password: the current one must be right (a session
 * left open on a shared console is not enough to take the account over). Every
 * session ends, including this one, and a fresh session is issued in the same
 * transaction so the route can set the new cookie: whoever else held the old
 * password or an old cookie is out.
 */
export async function changeOwnPassword(
  database: Database,
  actor: Extract<Actor, { kind: 'user' }>,
  input: { current: string; next: string; ip: string | null; userAgent?: string | null },
  options: SessionOptions = {},
): Promise<{ token: string; sessionId: string; expiresAt: Date }> {
  const own = await findUserCredentials(database, actor.login);
  if (!own || own.id !== actor.id || !(await verifyPassword(own.passwordHash, input.current))) {
    throw new AppError('VALIDATION_FAILED', 'the current password is wrong', { current: 'WRONG' });
  }
  if (input.next === input.current) throw invalid('the new password must differ from the current one', { password: 'UNCHANGED' });
  assertPassword(input.next, own.login);
  const passwordHash = await hashPassword(input.next);
  const clock = options.clock ?? systemClock;
  const by = auditBy(actor, input.ip);
  return database.transaction(async (tx) => {
    await updatePasswordHash(tx, own.id, passwordHash, clock());
    const revoked = await revokeUserSessions(tx, own.id, 'password_changed', { clock });
    const { token, session } = await createSession(tx, own, { ip: input.ip, userAgent: input.userAgent ?? null }, options);
    await audit(tx, by, {
      action: 'users.password_change',
      targetType: 'user',
      targetId: own.id,
      areaCodes: own.areaPath,
      outcome: 'ok',
      details: { revokedSessions: revoked.length },
    });
    return { token, sessionId: session.id, expiresAt: session.expiresAt };
  });
}

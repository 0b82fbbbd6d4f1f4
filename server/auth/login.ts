import type { Database } from '../../db/client';
import { findUserCredentials, updatePasswordHash } from '../../db/queries/users';
import type { Role } from '../../db/vocab';
import { ANONYMOUS, audit, auditBy } from './audit';
import { systemClock } from './clock';
import { refusedAsDemo } from './demo-secrets';
import { PASSWORD_POLICY, burnVerify, hashPassword, needsRehash, verifyPassword } from './passwords';
import { createSession, revokeSession, type SessionOptions } from './sessions';
import type { LoginThrottle } from './throttle';
import type { Actor } from './actor';

/**
 * The login and logout use cases, below HTTP: the route parses `{ login, password }`,
 * calls `login`, and turns the result into 200 + Set-Cookie, 401 or 429.
 *
 * Order matters: the throttle is asked first (a blocked login costs no argon2
 * time), an unknown login burns one verify (timing does not reveal which logins
 * exist), and every attempt writes one audit row: `auth.login` ok, or
 * `auth.login` failed / denied (throttled) with the attempted login in details.
 */
export type LoginResult =
  | {
      ok: true;
      token: string;
      sessionId: string;
      expiresAt: Date;
      user: { id: number; login: string; name: string; role: Role; area: string };
    }
  | { ok: false; code: 'BAD_CREDENTIALS' }
  | { ok: false; code: 'RATE_LIMITED'; retryAfterS: number };

/** Longer than any password the policy accepts (256 code points, up to 2 UTF-16 units each). */
const MAX_PASSWORD_CHARS = PASSWORD_POLICY.maxLength * 2;

export interface LoginInput {
  login: string;
  password: string;
  ip: string;
  userAgent?: string | null;
}

export async function login(
  database: Database,
  throttle: LoginThrottle,
  input: LoginInput,
  options: SessionOptions = {},
): Promise<LoginResult> {
  const attempted = input.login.trim().slice(0, 128);
  const anonymous = { actor: ANONYMOUS, actorLabel: attempted, ip: input.ip };
  const gate = await throttle.check(attempted, input.ip);
  if (!gate.allowed) {
    await audit(database, anonymous, { action: 'auth.login', outcome: 'denied', details: { login: attempted, reason: 'rate_limited' } });
    return { ok: false, code: 'RATE_LIMITED', retryAfterS: gate.retryAfterS };
  }
  const user = await findUserCredentials(database, attempted);
  // No stored password is longer than the policy allows; a megabyte "password" is refused without hashing it.
  const plausible = input.password.length <= MAX_PASSWORD_CHARS;
  const good = plausible && (user ? await verifyPassword(user.passwordHash, input.password) : await burnVerify(input.password));
  // A production server refuses the demo's public passwords even if an account still has one.
  const demoRefused = good && refusedAsDemo(input.password);
  if (!user || !good || user.disabled || demoRefused) {
    await throttle.fail(attempted, input.ip);
    await audit(database, user ? { actor: `user:${user.id}`, actorLabel: user.login, ip: input.ip } : anonymous, {
      action: 'auth.login',
      targetType: user ? 'user' : null,
      targetId: user?.id ?? null,
      areaCodes: user?.areaPath,
      outcome: 'failed',
      details: { login: attempted, reason: !user ? 'unknown_login' : !good ? 'bad_password' : demoRefused ? 'demo_password_refused' : 'disabled' },
    });
    return { ok: false, code: 'BAD_CREDENTIALS' };
  }
  await throttle.succeed(attempted, input.ip);
  const rehash = needsRehash(user.passwordHash) ? await hashPassword(input.password) : null;
  return database.transaction(async (tx) => {
    const { token, session } = await createSession(tx, user, { ip: input.ip, userAgent: input.userAgent ?? null }, options);
    if (rehash) await updatePasswordHash(tx, user.id, rehash, (options.clock ?? systemClock)());
    await audit(tx, { actor: `user:${user.id}`, actorLabel: user.login, ip: input.ip }, {
      action: 'auth.login',
      targetType: 'session',
      targetId: session.id.slice(0, 12),
      areaCodes: user.areaPath,
      outcome: 'ok',
    });
    return {
      ok: true as const,
      token,
      sessionId: session.id,
      expiresAt: session.expiresAt,
      user: { id: user.id, login: user.login, name: user.displayName, role: user.role, area: user.areaCode },
    };
  });
}

/** Ends the actor's own session; writes `auth.logout` in the same transaction. */
export async function logout(database: Database, actor: Extract<Actor, { kind: 'user' }>, ip: string | null, options: SessionOptions = {}): Promise<boolean> {
  return database.transaction(async (tx) => {
    const revoked = await revokeSession(tx, actor.sessionId, 'logout', options);
    if (revoked) {
      await audit(tx, auditBy(actor, ip), {
        action: 'auth.logout',
        targetType: 'session',
        targetId: actor.sessionId.slice(0, 12),
        areaCode: actor.scope.code,
        outcome: 'ok',
      });
    }
    return revoked;
  });
}

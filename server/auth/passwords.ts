import { hash, verify, type Options } from '@node-rs/argon2';

/**
 * Password hashing: argon2id via @node-rs/argon2 (prebuilt native binary per
 * platform, shipped as an optional dependency, so it loads under npm 11 with no
 * install script). Parameters: 64 MiB, 3 passes, 1 lane (RFC 9106's second
 * recommended set with p=1 for a 2-core box). Measured here: ≈ 80 ms per verify
 * (tests/bench, "login"). The PHC string keeps its parameters, so raising them
 * later only affects new hashes; `needsRehash` tells the login path to upgrade.
 */
export const ARGON2_PARAMS = { memoryCost: 65_536, timeCost: 3, parallelism: 1 } as const;
/** Algorithm.Argon2id: the package declares it as an ambient const enum, which isolated modules cannot read. */
const ARGON2ID = 2 as Options['algorithm'];
const OPTIONS: Options = { algorithm: ARGON2ID, ...ARGON2_PARAMS };

/** The password rules, one place: length in Unicode code points, not bytes. */
export const PASSWORD_POLICY = { minLength: 10, maxLength: 256 } as const;

export type PasswordProblem = 'TOO_SHORT' | 'TOO_LONG' | 'TOO_SIMPLE' | 'SAME_AS_LOGIN';

/**
 * NIST SP 800-63B style: length over composition rules. At least 10 characters,
 * at most 256; not only one repeated character; not the login itself. No forced
 * mix of classes (it makes passwords worse, not better).
 */
export function checkPassword(password: string, login?: string): PasswordProblem | null {
  const length = Array.from(password).length;
  if (length < PASSWORD_POLICY.minLength) return 'TOO_SHORT';
  if (length > PASSWORD_POLICY.maxLength) return 'TOO_LONG';
  if (new Set(password).size < 3) return 'TOO_SIMPLE';
  if (login !== undefined && password.trim().toLowerCase() === login.trim().toLowerCase()) return 'SAME_AS_LOGIN';
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** True when `password` matches; false for a wrong password or a malformed hash (never throws for those). */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    // A corrupt or foreign hash string cannot match anything; the caller answers "bad credentials".
    return false;
  }
}

/** True when the hash was made with other parameters than today's (upgrade it after a successful login). */
export function needsRehash(passwordHash: string): boolean {
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(passwordHash);
  if (!m) return true;
  return Number(m[1]) !== ARGON2_PARAMS.memoryCost || Number(m[2]) !== ARGON2_PARAMS.timeCost || Number(m[3]) !== ARGON2_PARAMS.parallelism;
}

let dummy: Promise<string> | undefined;

/**
 * Verifies against a fixed hash so that "no such login" takes as long as "wrong
 * password": the response time does not tell an attacker which logins exist.
 */
export async function burnVerify(password: string): Promise<false> {
  dummy ??= hashPassword('not-a-real-password-for-timing');
  await verifyPassword(await dummy, password);
  return false;
}

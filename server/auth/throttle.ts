import { RateLimiterDrizzle, RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { isIPv6 } from 'node:net';
import type { Database } from '../../db/client';
import { rateLimits } from '../../db/schema/rate-limits';

/**
 * Login throttling (rate-limiter-flexible), two counters per attempt:
 *
 * - per account (lower-cased login): 5 failures within 15 min block that login for
 *   15 min. A success resets it, so a user who mistypes twice is not punished later.
 * - per IP: 20 failures within 15 min block the address for 15 min. A success does
 *   NOT reset it: otherwise an attacker holding one valid account could log in
 *   between guesses and never be slowed down.
 *
 * Trade-off, stated: the per-account block lets anyone lock a login out for 15 min
 * by failing on purpose; that is the price of stopping a distributed guesser, and
 * 15 min (not "until an admin unlocks") keeps it small.
 *
 * Store: in memory by default (one process). Several processes must share the
 * counters: `store: 'database'` keeps them in the `rate_limits` table through
 * RateLimiterDrizzle (works on PostgreSQL and PGlite); Redis (RateLimiterRedis) is
 * the other choice once REDIS_URL exists for Socket.IO.
 */
export interface ThrottleLimits {
  perLogin: { points: number; durationS: number; blockS: number };
  perIp: { points: number; durationS: number; blockS: number };
}

export const DEFAULT_THROTTLE_LIMITS: ThrottleLimits = {
  perLogin: { points: 5, durationS: 15 * 60, blockS: 15 * 60 },
  perIp: { points: 20, durationS: 15 * 60, blockS: 15 * 60 },
};

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterS: number };

export interface LoginThrottle {
  /** Before checking a password: may this login, from this IP, try now? */
  check(login: string, ip: string): Promise<ThrottleDecision>;
  /** After a wrong password (or an unknown login): count it on both keys. */
  fail(login: string, ip: string): Promise<ThrottleDecision>;
  /** After a good password: forget this login's failures (the IP's stay). */
  succeed(login: string, ip: string): Promise<void>;
}

export interface ThrottleOptions {
  limits?: ThrottleLimits;
  store?: 'memory' | 'database';
  /** Required for store 'database'. */
  database?: Database;
}

const loginKey = (login: string) => login.trim().toLowerCase();

/**
 * The per-IP key: IPv4 as is (also when IPv4-mapped, `::ffff:1.2.3.4`); IPv6 by
 * its /64, since one host commonly owns a whole /64 and could otherwise rotate
 * through 2^64 addresses to dodge the limit.
 */
export function ipKey(ip: string): string {
  const value = ip.trim().toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(value);
  if (mapped) return mapped[1]!;
  if (!isIPv6(value)) return value;
  const [head = '', tail = ''] = value.split('::');
  const left = head ? head.split(':') : [];
  const right = value.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = value.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

export function createLoginThrottle(options: ThrottleOptions = {}): LoginThrottle {
  const limits = options.limits ?? DEFAULT_THROTTLE_LIMITS;
  const make = (prefix: string, l: ThrottleLimits['perLogin']): RateLimiterAbstract => {
    const base = { keyPrefix: prefix, points: l.points, duration: l.durationS };
    if (options.store === 'database') {
      if (!options.database) throw new Error('login throttle: store "database" needs the database');
      return new RateLimiterDrizzle({ ...base, storeClient: options.database.db, schema: rateLimits });
    }
    return new RateLimiterMemory(base);
  };
  const byLogin = make('login', limits.perLogin);
  const byIp = make('ip', limits.perIp);

  /** msBeforeNext of a key that has used all its points, else 0. */
  const waitOf = async (limiter: RateLimiterAbstract, key: string, points: number): Promise<number> => {
    const res = await limiter.get(key);
    return res && res.consumedPoints >= points ? Math.max(res.msBeforeNext, 1) : 0;
  };

  const decide = (waitMs: number): ThrottleDecision => (waitMs > 0 ? { allowed: false, retryAfterS: Math.ceil(waitMs / 1000) } : { allowed: true });

  const count = async (limiter: RateLimiterAbstract, key: string, l: ThrottleLimits['perLogin']): Promise<void> => {
    let res: RateLimiterRes;
    try {
      res = await limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return; // already over the limit (and blocked)
      throw rejection;
    }
    // The failure that uses the last point starts the block: a fixed wait from now, not the rest of the window.
    if (res.consumedPoints >= l.points) await limiter.block(key, l.blockS);
  };

  return {
    async check(login, ip) {
      const [a, b] = await Promise.all([waitOf(byLogin, loginKey(login), limits.perLogin.points), waitOf(byIp, ipKey(ip), limits.perIp.points)]);
      return decide(Math.max(a, b));
    },
    async fail(login, ip) {
      await Promise.all([count(byLogin, loginKey(login), limits.perLogin), count(byIp, ipKey(ip), limits.perIp)]);
      return this.check(login, ip);
    },
    async succeed(login) {
      await byLogin.delete(loginKey(login));
    },
  };
}

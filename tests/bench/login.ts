import type { DatabaseKind } from '../../db/client';
import { scopeOf } from '../../db/scope';
import { createUser } from '../../server/auth/accounts';
import { cliBy } from '../../server/auth/audit';
import { login } from '../../server/auth/login';
import { ARGON2_PARAMS, hashPassword, verifyPassword } from '../../server/auth/passwords';
import { sha256Hex } from '../../server/auth/secrets';
import { createLoginThrottle, DEFAULT_THROTTLE_LIMITS } from '../../server/auth/throttle';
import { createTestDatabase } from '../helpers/db';
import { FIXTURE, insertFixtureCity } from '../helpers/fixtures';
import { distribution, type Distribution } from './stats';

/**
 * Login cost at the chosen argon2id parameters, beside the bare floor in the same
 * run: SHA-256 of the same password (what a fast hash would cost) and the whole
 * login use case (throttle, lookup, verify, session, audit) on each engine.
 */
export interface LoginResult {
  target: string;
  params: string;
  samples: number;
  ms: Distribution;
}

async function time(samples: number, work: (i: number) => Promise<unknown> | unknown): Promise<Distribution> {
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await work(i);
    ms.push(performance.now() - started);
  }
  return distribution(ms);
}

export async function benchLogin(options: { samples: number; parallel: number; engines?: DatabaseKind[] }): Promise<LoginResult[]> {
  const password = 'correct horse battery staple';
  const params = `argon2id m=${ARGON2_PARAMS.memoryCost / 1024} MiB, t=${ARGON2_PARAMS.timeCost}, p=${ARGON2_PARAMS.parallelism}`;
  const hash = await hashPassword(password);
  await verifyPassword(hash, password); // warm up the native module and its thread pool
  const results: LoginResult[] = [];

  results.push({ target: 'SHA-256 (bare floor)', params: 'node:crypto', samples: options.samples * 20, ms: await time(options.samples * 20, () => sha256Hex(password)) });
  results.push({ target: 'argon2 verify', params, samples: options.samples, ms: await time(options.samples, () => verifyPassword(hash, password)) });
  // Several logins at once: libuv's pool (4 threads) on 2 cores queues them.
  const parallel: number[] = [];
  for (let round = 0; round < Math.ceil(options.samples / options.parallel); round++) {
    await Promise.all(
      Array.from({ length: options.parallel }, async () => {
        const started = performance.now();
        await verifyPassword(hash, password);
        parallel.push(performance.now() - started);
      }),
    );
  }
  results.push({ target: `argon2 verify ×${options.parallel} at once`, params, samples: parallel.length, ms: distribution(parallel) });

  for (const engine of options.engines ?? ['pglite']) {
    const t = await createTestDatabase(engine);
    const database = t.database;
    const name = engine === 'pglite' ? 'PGlite' : 'PostgreSQL';
    try {
      await insertFixtureCity(database);
      await createUser(database, cliBy(), scopeOf(FIXTURE.city), { login: 'bench', displayName: 'bench', role: 'dispatcher', areaCode: FIXTURE.west, password });
      // Generous limits: the bench measures the work, not the throttle's refusals.
      const limits = { perLogin: { ...DEFAULT_THROTTLE_LIMITS.perLogin, points: 1e6 }, perIp: { ...DEFAULT_THROTTLE_LIMITS.perIp, points: 1e6 } };
      const throttle = createLoginThrottle({ limits });
      results.push({
        target: `login() ok, ${name}`,
        params,
        samples: options.samples,
        ms: await time(options.samples, async () => {
          const r = await login(database, throttle, { login: 'bench', password, ip: '127.0.0.1' });
          if (!r.ok) throw new Error('bench login failed');
        }),
      });
      results.push({
        target: `login() wrong password, ${name}`,
        params,
        samples: options.samples,
        ms: await time(options.samples, (i) => login(database, throttle, { login: 'bench', password: `wrong ${i}`, ip: '127.0.0.1' })),
      });
    } finally {
      await t.drop();
    }
  }
  return results;
}

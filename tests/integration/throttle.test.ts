import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/queries/audit';
import { scopeOf } from '../../db/scope';
import { createUser } from '../../server/auth/accounts';
import { cliBy } from '../../server/auth/audit';
import { login } from '../../server/auth/login';
import { DEFAULT_THROTTLE_LIMITS, createLoginThrottle, type ThrottleOptions } from '../../server/auth/throttle';
import { DB_KINDS, createTestDatabase, type TestDatabase } from '../helpers/db';
import { FIXTURE, insertFixtureCity } from '../helpers/fixtures';

const { perLogin, perIp } = DEFAULT_THROTTLE_LIMITS;

for (const kind of DB_KINDS) {
  describe(`login throttle (${kind})`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await createTestDatabase(kind);
      await insertFixtureCity(t.database);
      await createUser(t.database, cliBy(), scopeOf(FIXTURE.city), {
        login: 'duty',
        displayName: '值班员',
        role: 'duty_officer',
        areaCode: FIXTURE.west,
        password: 'duty-password-1',
      });
    });
    afterAll(async () => t?.drop());

    // The counters in memory (one process) and in the database (shared by several).
    const stores: Array<[string, () => ThrottleOptions]> = [
      ['memory', () => ({ store: 'memory' })],
      ['database', () => ({ store: 'database', database: t.database })],
    ];

    for (const [store, options] of stores) {
      it(`blocks one login after ${perLogin.points} failures with a retry time; a success resets it (${store})`, async () => {
        const throttle = createLoginThrottle(options());
        const who = `alice-${store}`;
        for (let i = 1; i < perLogin.points; i++) {
          expect(await throttle.fail(who, `10.0.${i}.1`)).toEqual({ allowed: true });
        }
        await throttle.succeed(who, '10.0.0.1');
        for (let i = 1; i < perLogin.points; i++) await throttle.fail(who, `10.1.${i}.1`);
        expect(await throttle.check(who, '10.9.9.9')).toEqual({ allowed: true }); // reset: 4, not 8
        const blocked = await throttle.fail(who, '10.1.99.1');
        expect(blocked.allowed).toBe(false);
        if (!blocked.allowed) {
          expect(blocked.retryAfterS).toBeGreaterThan(perLogin.blockS - 30);
          expect(blocked.retryAfterS).toBeLessThanOrEqual(perLogin.blockS);
        }
        // Any IP, and the login in another case, is still blocked; another login is not.
        expect((await throttle.check(who.toUpperCase(), '172.16.0.1')).allowed).toBe(false);
        expect(await throttle.check(`bob-${store}`, '172.16.0.1')).toEqual({ allowed: true });
      });

      it(`blocks one IP after ${perIp.points} failures across logins; a success does not reset it (${store})`, async () => {
        const throttle = createLoginThrottle(options());
        const ip = store === 'memory' ? '192.0.2.7' : '192.0.2.8';
        for (let i = 0; i < perIp.points - 1; i++) expect((await throttle.fail(`user${i}`, ip)).allowed).toBe(true);
        await throttle.succeed('user0', ip);
        const blocked = await throttle.fail('someone-else', ip);
        expect(blocked.allowed).toBe(false);
        if (!blocked.allowed) expect(blocked.retryAfterS).toBeGreaterThan(perIp.blockS - 30);
        expect((await throttle.check('fresh-login', ip)).allowed).toBe(false);
        expect(await throttle.check('fresh-login', '192.0.2.200')).toEqual({ allowed: true });
      });
    }

    it('login(): wrong passwords → BAD_CREDENTIALS, then RATE_LIMITED without checking the password; audited', async () => {
      const throttle = createLoginThrottle();
      const ip = '198.51.100.1';
      for (let i = 0; i < perLogin.points; i++) {
        expect(await login(t.database, throttle, { login: 'duty', password: `wrong-${i}-password`, ip })).toEqual({ ok: false, code: 'BAD_CREDENTIALS' });
      }
      const limited = await login(t.database, throttle, { login: 'duty', password: 'duty-password-1', ip });
      expect(limited).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
      const rows = await listAudit(t.database, scopeOf(FIXTURE.city), { action: 'auth.login', limit: perLogin.points + 1 });
      expect(rows.map((r) => r.outcome)).toEqual(['denied', ...Array(perLogin.points).fill('failed')]);
      expect(rows[1]).toMatchObject({ actor: expect.stringMatching(/^user:\d+$/), ip, details: { reason: 'bad_password', login: 'duty' } });
      // Unknown logins fail the same way and count too.
      expect(await login(t.database, throttle, { login: 'nobody', password: 'whatever-password', ip: '198.51.100.2' })).toEqual({ ok: false, code: 'BAD_CREDENTIALS' });
      const [unknown] = await listAudit(t.database, scopeOf(FIXTURE.city), { action: 'auth.login', limit: 1 });
      expect(unknown).toMatchObject({ actor: 'anonymous', outcome: 'failed', details: { reason: 'unknown_login' } });
      // A fresh throttle (or 15 minutes later) lets the right password in, with a session and an ok row.
      const fresh = await login(t.database, createLoginThrottle(), { login: 'DUTY', password: 'duty-password-1', ip, userAgent: 'vitest' });
      expect(fresh).toMatchObject({ ok: true, user: { login: 'duty', role: 'duty_officer', area: FIXTURE.west } });
      const [session] = await t.database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM sessions WHERE user_agent = 'vitest'`);
      expect(session!.n).toBe(1);
    });
  });
}

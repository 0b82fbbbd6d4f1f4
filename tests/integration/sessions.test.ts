import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopeOf } from '../../db/scope';
import { seedDemoCity } from '../../db/seed/city';
import { changeOwnPassword, createUser, disableUser, setPassword, setUserEnabled } from '../../server/auth/accounts';
import { cliBy } from '../../server/auth/audit';
import { logout } from '../../server/auth/login';
import {
  DEFAULT_SESSION_CONFIG,
  createSession,
  findDeadSessions,
  inspectSession,
  resolveSession,
  revokeSession,
} from '../../server/auth/sessions';
import { sha256Hex } from '../../server/auth/secrets';
import { DB_KINDS, createTestDatabase, type TestDatabase } from '../helpers/db';
import { FIXTURE, insertFixtureCity } from '../helpers/fixtures';

/** A clock the test moves by hand: expiry is checked without sleeping. */
function manualClock(start = Date.parse('2026-03-01T08:00:00Z')) {
  let now = start;
  return { clock: () => new Date(now), advance: (ms: number) => (now += ms) };
}

const HOUR = 3600_000;
const city = scopeOf(FIXTURE.city);

for (const kind of DB_KINDS) {
  describe(`sessions (${kind})`, () => {
    let t: TestDatabase;
    let userId: number;

    beforeAll(async () => {
      t = await createTestDatabase(kind);
      await insertFixtureCity(t.database);
      const user = await createUser(t.database, cliBy(), city, {
        login: 'Dispatcher1',
        displayName: '派遣员一',
        role: 'dispatcher',
        areaCode: FIXTURE.west,
        password: 'first-password-1',
      });
      userId = user.id;
    });
    afterAll(async () => t?.drop());

    const newSession = async (clock: () => Date) =>
      t.database.transaction((tx) => createSession(tx, { id: userId }, { ip: '10.0.0.1', userAgent: 'vitest' }, { clock }));

    it('stores only the hash of the token and resolves it to the user actor', async () => {
      const c = manualClock();
      const { token, session } = await newSession(c.clock);
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(session.id).toBe(sha256Hex(token));
      const stored = await t.database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM sessions WHERE id = ${token}`);
      expect(stored[0]!.n).toBe(0);
      const actor = await resolveSession(t.database, token, { clock: c.clock });
      expect(actor).toMatchObject({ kind: 'user', id: userId, login: 'Dispatcher1', role: 'dispatcher', sessionId: session.id });
      expect(actor!.scope.code).toBe(FIXTURE.west);
      expect(await resolveSession(t.database, token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'), { clock: c.clock })).toBeNull();
      expect(await resolveSession(t.database, 'garbage', { clock: c.clock })).toBeNull();
    });

    it('expires after the idle time unless used, and throttles last_seen writes', async () => {
      const c = manualClock();
      const { token, session } = await newSession(c.clock);
      const lastSeen = async () =>
        (await t.database.rows<{ ms: number }>(sql`SELECT (extract(epoch FROM last_seen_at) * 1000)::float8 AS ms FROM sessions WHERE id = ${session.id}`))[0]!.ms;
      const created = await lastSeen();
      c.advance(30_000);
      await resolveSession(t.database, token, { clock: c.clock });
      expect(await lastSeen()).toBe(created); // under a minute: no write
      c.advance(DEFAULT_SESSION_CONFIG.touchEveryMs);
      await resolveSession(t.database, token, { clock: c.clock });
      expect(await lastSeen()).toBe(c.clock().getTime());
      c.advance(DEFAULT_SESSION_CONFIG.idleMs - 1000);
      expect(await resolveSession(t.database, token, { clock: c.clock })).not.toBeNull();
      c.advance(DEFAULT_SESSION_CONFIG.idleMs);
      expect((await inspectSession(t.database, token, { clock: c.clock })).state).toBe('idle');
      expect(await findDeadSessions(t.database, [session.id], { clock: c.clock })).toEqual([{ id: session.id, reason: 'idle' }]);
    });

    it('expires at the absolute time even when used without pause', async () => {
      const c = manualClock();
      const { token, session } = await newSession(c.clock);
      // Used every 4 h (never idle) up to the last step before the absolute end…
      const steps = Math.floor((DEFAULT_SESSION_CONFIG.absoluteMs - 1) / (4 * HOUR));
      for (let step = 0; step < steps; step++) {
        c.advance(4 * HOUR);
        expect(await resolveSession(t.database, token, { clock: c.clock })).not.toBeNull();
      }
      c.advance(DEFAULT_SESSION_CONFIG.absoluteMs - steps * 4 * HOUR); // …then exactly at it.
      expect((await inspectSession(t.database, token, { clock: c.clock })).state).toBe('expired');
      expect(await findDeadSessions(t.database, [session.id], { clock: c.clock })).toEqual([{ id: session.id, reason: 'expired' }]);
    });

    it('ends at revocation and at logout (which writes one audit row)', async () => {
      const c = manualClock();
      const a = await newSession(c.clock);
      expect(await t.database.transaction((tx) => revokeSession(tx, a.session.id, 'admin_kick', { clock: c.clock }))).toBe(true);
      expect((await inspectSession(t.database, a.token, { clock: c.clock })).state).toBe('revoked');

      const b = await newSession(c.clock);
      const actor = (await resolveSession(t.database, b.token, { clock: c.clock }))!;
      const before = await auditCount('auth.logout');
      expect(await logout(t.database, actor, '10.0.0.1', { clock: c.clock })).toBe(true);
      expect(await resolveSession(t.database, b.token, { clock: c.clock })).toBeNull();
      expect(await auditCount('auth.logout')).toBe(before + 1);
      expect(await logout(t.database, actor, '10.0.0.1', { clock: c.clock })).toBe(false); // twice: nothing more
      expect(await auditCount('auth.logout')).toBe(before + 1);

      const dead = await findDeadSessions(t.database, [a.session.id, b.session.id, 'f'.repeat(64)], { clock: c.clock });
      expect(dead).toEqual(
        [
          { id: a.session.id, reason: 'revoked:admin_kick' },
          { id: b.session.id, reason: 'revoked:logout' },
          { id: 'f'.repeat(64), reason: 'unknown' },
        ].sort((x, y) => (x.id < y.id ? -1 : 1)),
      );
    });

    it('a password change revokes every session of the user, and only theirs', async () => {
      const c = manualClock();
      const other = await createUser(t.database, cliBy(), city, {
        login: 'bystander',
        displayName: '旁观者',
        role: 'leader',
        areaCode: FIXTURE.city,
        password: 'bystander-pass-1',
      });
      const mine = [await newSession(c.clock), await newSession(c.clock)];
      const theirs = await t.database.transaction((tx) => createSession(tx, other, {}, { clock: c.clock }));
      const { revokedSessions } = await setPassword(t.database, cliBy(), city, userId, 'second-password-2', { clock: c.clock });
      expect(revokedSessions.sort()).toEqual(expect.arrayContaining(mine.map((s) => s.session.id)));
      for (const s of mine) expect(await resolveSession(t.database, s.token, { clock: c.clock })).toBeNull();
      expect(await resolveSession(t.database, theirs.token, { clock: c.clock })).not.toBeNull();
    });

    it('a disabled user has no session; re-enabling does not bring old sessions back', async () => {
      const c = manualClock();
      const s = await newSession(c.clock);
      const { revokedSessions } = await disableUser(t.database, cliBy(), city, userId, { clock: c.clock });
      expect(revokedSessions).toContain(s.session.id);
      expect(await resolveSession(t.database, s.token, { clock: c.clock })).toBeNull();
      // Even a session created while disabled (a race with login) does not resolve.
      const late = await newSession(c.clock);
      expect((await inspectSession(t.database, late.token, { clock: c.clock })).state).toBe('disabled');
      expect(await findDeadSessions(t.database, [late.session.id], { clock: c.clock })).toEqual([{ id: late.session.id, reason: 'disabled' }]);
      await setUserEnabled(t.database, cliBy(), city, userId, true, { clock: c.clock });
      expect(await resolveSession(t.database, s.token, { clock: c.clock })).toBeNull();
      expect(await resolveSession(t.database, late.token, { clock: c.clock })).not.toBeNull();
    });

    it('changing your own password needs the current one, ends every session and issues a new one', async () => {
      const c = manualClock();
      const user = await createUser(t.database, cliBy(), city, {
        login: 'self-changer', displayName: '自改', role: 'grid_worker', areaCode: `${FIXTURE.west}001`, password: 'old-password-1',
      });
      const open = [
        await t.database.transaction((tx) => createSession(tx, user, {}, { clock: c.clock })),
        await t.database.transaction((tx) => createSession(tx, user, {}, { clock: c.clock })),
      ];
      const actor = (await resolveSession(t.database, open[0]!.token, { clock: c.clock }))!;
      await expect(
        changeOwnPassword(t.database, actor, { current: 'not-the-password', next: 'new-password-2', ip: null }, { clock: c.clock }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(await resolveSession(t.database, open[1]!.token, { clock: c.clock })).not.toBeNull(); // nothing changed
      const fresh = await changeOwnPassword(t.database, actor, { current: 'old-password-1', next: 'new-password-2', ip: '10.0.0.9' }, { clock: c.clock });
      for (const s of open) expect(await resolveSession(t.database, s.token, { clock: c.clock })).toBeNull();
      expect((await resolveSession(t.database, fresh.token, { clock: c.clock }))?.id).toBe(user.id);
      expect(await auditCount('users.password_change')).toBe(1);
    });

    it('the demo city cannot be rebuilt from under the accounts bound to its areas', async () => {
      await expect(seedDemoCity(t.database, { scale: 0.05, replace: true })).rejects.toThrow(/accounts, display tokens or API clients/);
      const [row] = await t.database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM users`);
      expect(row!.n).toBeGreaterThan(0);
    });

    async function auditCount(action: string): Promise<number> {
      const [row] = await t.database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = ${action}`);
      return row!.n;
    }
  });
}

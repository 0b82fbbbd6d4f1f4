import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, listAudit } from '../../db/queries/audit';
import { upsertCaseContacts } from '../../db/queries/contacts';
import { insertCases } from '../../db/queries/cases';
import { listUsers } from '../../db/queries/users';
import { scopeOf } from '../../db/scope';
import { createUser } from '../../server/auth/accounts';
import { createApiKey, listApiKeys, resolveApiKey, setApiKeyDisabled } from '../../server/auth/api-keys';
import type { AuditBy } from '../../server/auth/audit';
import { maskedContact, revealContact } from '../../server/auth/contacts';
import { DEMO_API_KEY, DEMO_DISPLAY_TOKEN, DEMO_OPEN311_KEY, DEMO_USERS } from '../../server/auth/demo-secrets';
import { DemoRefusedError, seedDemoAccounts } from '../../server/auth/demo-accounts';
import { createDisplayToken, listDisplayTokens, resolveDisplayToken, revokeDisplayToken } from '../../server/auth/display-tokens';
import { login } from '../../server/auth/login';
import { createLoginThrottle } from '../../server/auth/throttle';
import { sha256Hex } from '../../server/auth/secrets';
import { AppError } from '../../server/errors';
import { DB_KINDS, createTestDatabase, type TestDatabase } from '../helpers/db';
import { FIXTURE, insertFixtureCity } from '../helpers/fixtures';

const city = scopeOf(FIXTURE.city);
const west = scopeOf(FIXTURE.west);
const east = scopeOf(FIXTURE.east);
const admin: AuditBy = { actor: 'user:999', actorLabel: 'test-admin', ip: '10.1.1.1' };

for (const kind of DB_KINDS) {
  describe(`credentials, audit and contacts (${kind})`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await createTestDatabase(kind);
      await insertFixtureCity(t.database);
    });
    afterAll(async () => t?.drop());

    const count = async (table: 'audit_log' | 'users' | 'display_tokens' | 'api_clients', action?: string) => {
      const where = action ? sql`WHERE action = ${action}` : sql``;
      const [row] = await t.database.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)} ${where}`);
      return row!.n;
    };

    it('display tokens: the secret once, its hash stored, resolve, scoped list and revoke', async () => {
      const { token, display } = await createDisplayToken(t.database, admin, west, { name: '西区大屏', areaCode: FIXTURE.west });
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const [stored] = await t.database.rows<{ token_hash: string }>(sql`SELECT token_hash FROM display_tokens WHERE id = ${display.id}`);
      expect(stored!.token_hash).toBe(sha256Hex(token));
      const actor = await resolveDisplayToken(t.database, token);
      expect(actor).toMatchObject({ kind: 'display', id: display.id, role: 'display' });
      expect(actor!.scope.code).toBe(FIXTURE.west);
      const [seen] = await t.database.rows<{ seen: boolean }>(sql`SELECT last_seen_at IS NOT NULL AS seen FROM display_tokens WHERE id = ${display.id}`);
      expect(seen!.seen).toBe(true);
      expect((await listDisplayTokens(t.database, west)).map((d) => d.id)).toContain(display.id);
      expect((await listDisplayTokens(t.database, east)).map((d) => d.id)).not.toContain(display.id);
      // Out of scope is not found, and nothing is revoked or audited.
      const audits = await count('audit_log', 'display_tokens.revoke');
      await expect(revokeDisplayToken(t.database, admin, east, display.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await count('audit_log', 'display_tokens.revoke')).toBe(audits);
      await revokeDisplayToken(t.database, admin, west, display.id);
      expect(await count('audit_log', 'display_tokens.revoke')).toBe(audits + 1);
      expect(await resolveDisplayToken(t.database, token)).toBeNull();
      // An area outside the creator's scope cannot be the token's area.
      await expect(createDisplayToken(t.database, admin, west, { name: 'x', areaCode: FIXTURE.east })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it('API keys: prefix finds the row, the whole key must match, disable stops it', async () => {
      const { key, client } = await createApiKey(t.database, admin, city, { name: '12345 热线', areaCode: FIXTURE.east, channels: ['hotline_12345', 'wechat'] });
      expect(key).toMatch(/^hcm_[a-z0-9]{10}_[A-Za-z0-9_-]{43}$/);
      const actor = await resolveApiKey(t.database, key);
      expect(actor).toMatchObject({ kind: 'api_client', id: client.id, channels: ['hotline_12345', 'wechat'] });
      expect(actor!.scope.code).toBe(FIXTURE.east);
      const last = key.at(-1) === 'A' ? 'B' : 'A';
      expect(await resolveApiKey(t.database, key.slice(0, -1) + last)).toBeNull();
      expect(await resolveApiKey(t.database, 'hcm_nope')).toBeNull();
      expect((await listApiKeys(t.database, west)).map((c) => c.id)).not.toContain(client.id);
      await setApiKeyDisabled(t.database, admin, east, client.id, true);
      expect(await resolveApiKey(t.database, key)).toBeNull();
      await setApiKeyDisabled(t.database, admin, east, client.id, false);
      expect(await resolveApiKey(t.database, key)).not.toBeNull();
      await expect(createApiKey(t.database, admin, city, { name: 'x', areaCode: FIXTURE.east, channels: ['fax' as never] })).rejects.toBeInstanceOf(AppError);
    });

    it('an audited write that fails leaves neither the change nor its audit row', async () => {
      const before = { audit: await count('audit_log'), users: await count('users') };
      await expect(
        t.database.transaction(async (tx) => {
          await appendAudit(tx, { actor: 'user:1', action: 'test.write', outcome: 'ok', areaCodes: [FIXTURE.city] });
          await tx.rows(sql`INSERT INTO users (login, display_name, role, area_id, password_hash) VALUES ('ghost', 'g', 'leader', 1, 'x')`);
          throw new Error('boom after both writes');
        }),
      ).rejects.toThrow('boom');
      expect({ audit: await count('audit_log'), users: await count('users') }).toEqual(before);
      // A conflicting login: the service refuses and writes no audit row either.
      await createUser(t.database, admin, city, { login: 'dup', displayName: 'd', role: 'leader', areaCode: FIXTURE.city, password: 'dup-password-1' });
      const audits = await count('audit_log', 'users.create');
      await expect(
        createUser(t.database, admin, city, { login: 'DUP', displayName: 'd', role: 'leader', areaCode: FIXTURE.city, password: 'dup-password-1' }),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await count('audit_log', 'users.create')).toBe(audits);
    });

    it('lists users and audit rows within the scope only, newest first, by keyset pages', async () => {
      await createUser(t.database, admin, city, { login: 'west-1', displayName: 'w', role: 'dispatcher', areaCode: FIXTURE.west, password: 'west-password-1' });
      await createUser(t.database, admin, city, { login: 'east-1', displayName: 'e', role: 'dispatcher', areaCode: `${FIXTURE.east}001`, password: 'east-password-1' });
      expect((await listUsers(t.database, west)).map((u) => u.login)).toEqual(['west-1']);
      expect((await listUsers(t.database, east)).map((u) => u.login)).toEqual(['east-1']);
      expect((await listUsers(t.database, city)).map((u) => u.login)).toEqual(expect.arrayContaining(['west-1', 'east-1', 'dup']));
      const eastRows = await listAudit(t.database, east, { action: 'users.create' });
      expect(eastRows.map((r) => r.details.login)).toEqual(['east-1']);
      expect(eastRows[0]).toMatchObject({ actor: 'user:999', actorLabel: 'test-admin', ip: '10.1.1.1', outcome: 'ok', targetType: 'user' });
      expect(eastRows[0]!.areaCodes).toEqual([FIXTURE.city, FIXTURE.east, `${FIXTURE.east}001`]);
      const all = await listAudit(t.database, city, { limit: 500 });
      expect(all.length).toBeGreaterThan(3);
      const page1 = await listAudit(t.database, city, { limit: 2 });
      const page2 = await listAudit(t.database, city, { limit: 2, before: page1[1]!.id });
      expect([...page1, ...page2].map((r) => r.id)).toEqual(all.slice(0, 4).map((r) => r.id));
      // A row about no area belongs to the root: the city sees it, a district does not.
      const id = await appendAudit(t.database, { actor: 'anonymous', action: 'auth.login', outcome: 'failed' });
      expect((await listAudit(t.database, city, { limit: 1 }))[0]!.id).toBe(id);
      expect((await listAudit(t.database, west, { limit: 500 })).map((r) => r.id)).not.toContain(id);
    });

    it('contacts: masked by default, revealed with a reason, one audit row per reveal, scoped', async () => {
      const [stored] = await t.database.transaction((tx) =>
        insertCases(tx, [
          {
            kind: 'appeal', channel: 'hotline_12345', externalId: 'contact-1', category: 'TS', topic: null, severity: 'Unknown',
            title: null, description: null, address: null, lng: 106.605, lat: 26.535, reportedAt: new Date().toISOString(), attributes: {},
            sla: { clock: null, stage: null, dueAt: null, warnAt: null, state: 'normal', beyondCalendar: false },
          },
        ]),
      );
      await upsertCaseContacts(t.database, [{ caseId: stored!.id, name: '欧阳娜娜', phone: '13812341234', idNumber: '520102199001011234' }]);
      expect(await maskedContact(t.database, west, stored!.id)).toEqual({ name: '欧***', phone: '138****1234', idNumber: '5201**********1234' });
      expect(await maskedContact(t.database, east, stored!.id)).toBeNull();
      const reveals = await count('audit_log', 'contacts.reveal');
      await expect(revealContact(t.database, admin, west, stored!.id, ' ')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(revealContact(t.database, admin, east, stored!.id, '回访核实诉求')).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await count('audit_log', 'contacts.reveal')).toBe(reveals);
      expect(await revealContact(t.database, admin, west, stored!.id, '回访核实诉求')).toEqual({ name: '欧阳娜娜', phone: '13812341234', idNumber: '520102199001011234' });
      expect(await count('audit_log', 'contacts.reveal')).toBe(reveals + 1);
      const [row] = await listAudit(t.database, west, { action: 'contacts.reveal', limit: 1 });
      expect(row).toMatchObject({ targetType: 'case', targetId: String(stored!.id), details: { reason: '回访核实诉求' } });
      // Personal data never reaches the case row or the feed.
      const leaks = await t.database.rows<{ n: number }>(sql`
        SELECT (SELECT count(*)::int FROM cases WHERE row_to_json(cases)::text LIKE '%13812341234%')
             + (SELECT count(*)::int FROM feed WHERE payload::text LIKE '%13812341234%') AS n`);
      expect(leaks[0]!.n).toBe(0);
    });

    it('demo accounts: refused in production without DEMO=1, seeded idempotently, usable for login', async () => {
      const users = await count('users');
      await expect(seedDemoAccounts(t.database, { NODE_ENV: 'production' })).rejects.toBeInstanceOf(DemoRefusedError);
      expect(await count('users')).toBe(users);
      const first = await seedDemoAccounts(t.database, { NODE_ENV: 'production', DEMO: '1' });
      expect(first.created).toEqual([...DEMO_USERS.map((u) => u.login), 'display token', 'api key', 'open311 key']);
      const again = await seedDemoAccounts(t.database, { NODE_ENV: 'development' });
      expect(again.created).toEqual([]);
      expect(await count('users')).toBe(users + DEMO_USERS.length);
      const grid = (await listUsers(t.database, city)).find((u) => u.login === 'nm-grid')!;
      expect(grid.areaPath.slice(0, 2)).toEqual([FIXTURE.city, FIXTURE.west]);
      expect(grid.areaPath).toHaveLength(3); // a street of 南明区 (520102)
      expect((await resolveDisplayToken(t.database, DEMO_DISPLAY_TOKEN))?.scope.code).toBe(FIXTURE.city);
      expect((await resolveApiKey(t.database, DEMO_API_KEY))?.channels).toEqual(['hotline_12345']);
      expect((await resolveApiKey(t.database, DEMO_OPEN311_KEY))?.channels).toEqual(['open311']);

      const throttle = createLoginThrottle();
      const leader = DEMO_USERS.find((u) => u.role === 'leader')!;
      const ok = await login(t.database, throttle, { login: leader.login.toUpperCase(), password: leader.password, ip: '10.2.0.1' });
      expect(ok).toMatchObject({ ok: true, user: { login: 'leader', role: 'leader', area: FIXTURE.city } });

      // In production without DEMO=1 the same public secrets no longer open anything.
      const env = process.env as Record<string, string | undefined>;
      const saved = { NODE_ENV: env.NODE_ENV, DEMO: env.DEMO };
      env.NODE_ENV = 'production';
      delete env.DEMO;
      try {
        expect(await login(t.database, throttle, { login: leader.login, password: leader.password, ip: '10.2.0.2' })).toEqual({ ok: false, code: 'BAD_CREDENTIALS' });
        expect(await resolveDisplayToken(t.database, DEMO_DISPLAY_TOKEN)).toBeNull();
        expect(await resolveApiKey(t.database, DEMO_API_KEY)).toBeNull();
        expect(await resolveApiKey(t.database, DEMO_OPEN311_KEY)).toBeNull();
        await expect(
          createUser(t.database, admin, city, { login: 'copycat', displayName: 'c', role: 'leader', areaCode: FIXTURE.city, password: leader.password }),
        ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      } finally {
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete env[k];
          else env[k] = v;
        }
      }
      const [failed] = await listAudit(t.database, city, { action: 'auth.login', limit: 1 });
      expect(failed).toMatchObject({ outcome: 'failed', details: { reason: 'demo_password_refused' } });
    });
  });
}

import { spawn } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../db/queries/audit';
import { responderOfUser } from '../../db/queries/responders';
import { scopeOf } from '../../db/scope';
import { resolveApiKey } from '../../server/auth/api-keys';
import { resolveDisplayToken } from '../../server/auth/display-tokens';
import { login } from '../../server/auth/login';
import { createLoginThrottle } from '../../server/auth/throttle';
import { DB_KINDS, createTestDatabase, type TestDatabase } from '../helpers/db';
import { FIXTURE, insertFixtureCity } from '../helpers/fixtures';

/**
 * `npm run users` end to end, as an operator runs it: a child process on a
 * throwaway PostgreSQL database named by DATABASE_URL; its effects checked through
 * the same services the server uses.
 */
function users(url: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/auth/cli.ts', ...args], {
      env: { ...process.env, DATABASE_URL: url, DATA_DIR: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe.runIf(DB_KINDS.includes('postgres'))('npm run users (PostgreSQL)', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
    await insertFixtureCity(t.database);
  });
  afterAll(async () => t?.drop());

  it('adds a user with a generated password printed once, which then logs in', async () => {
    const r = await users(t.url!, 'add', '--login', 'li.wei', '--name', '李伟', '--role', 'dispatcher', '--area', FIXTURE.west);
    expect(r.code, r.stderr).toBe(0);
    const password = /^password: (\S+)$/m.exec(r.stdout)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const ok = await login(t.database, createLoginThrottle(), { login: 'li.wei', password: password!, ip: '127.0.0.1' });
    expect(ok).toMatchObject({ ok: true, user: { role: 'dispatcher', area: FIXTURE.west } });
    const [row] = await listAudit(t.database, scopeOf(FIXTURE.west), { action: 'users.create', limit: 1 });
    expect(row).toMatchObject({ actor: 'system:cli', details: { login: 'li.wei' } });
  });

  it('refuses bad arguments with a clear message and exit code 2, writing nothing', async () => {
    const bad = await users(t.url!, 'add', '--login', 'x1', '--name', 'X', '--role', 'boss', '--area', FIXTURE.west);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--role');
    const short = await users(t.url!, 'add', '--login', 'x2', '--name', 'X', '--role', 'leader', '--area', FIXTURE.west, '--password', 'short');
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('TOO_SHORT');
    const unknown = await users(t.url!, 'frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command');
    const list = await users(t.url!, 'list', 'users', '--json');
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { users: Array<{ login: string }> }).users.map((u) => u.login)).toEqual(['li.wei']);
  });

  it('resets and disables: old password and sessions stop working', async () => {
    const reset = await users(t.url!, 'reset', '--login', 'LI.WEI', '--password', 'a-brand-new-pass');
    expect(reset.code, reset.stderr).toBe(0);
    const throttle = createLoginThrottle();
    expect(await login(t.database, throttle, { login: 'li.wei', password: 'a-brand-new-pass', ip: '127.0.0.2' })).toMatchObject({ ok: true });
    const disabled = await users(t.url!, 'disable', '--login', 'li.wei');
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(disabled.stdout).toContain('sessions ended: 1');
    expect(await login(t.database, throttle, { login: 'li.wei', password: 'a-brand-new-pass', ip: '127.0.0.2' })).toEqual({ ok: false, code: 'BAD_CREDENTIALS' });
  });

  it('creates a display token and an API key whose secrets work, and revokes the token', async () => {
    const token = await users(t.url!, 'token', '--name', '东区大屏', '--area', FIXTURE.east, '--json');
    expect(token.code, token.stderr).toBe(0);
    const created = JSON.parse(token.stdout) as { token: string; display: { id: number } };
    expect((await resolveDisplayToken(t.database, created.token))?.scope.code).toBe(FIXTURE.east);
    const key = await users(t.url!, 'apikey', '--name', '微信平台', '--area', FIXTURE.city, '--channels', 'wechat,open311');
    expect(key.code, key.stderr).toBe(0);
    const secret = /^key: (\S+)$/m.exec(key.stdout)?.[1];
    expect((await resolveApiKey(t.database, secret!))?.channels).toEqual(['wechat', 'open311']);
    const revoke = await users(t.url!, 'token', '--revoke', String(created.display.id));
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(await resolveDisplayToken(t.database, created.token)).toBeNull();
    const badChannel = await users(t.url!, 'apikey', '--name', 'x', '--area', FIXTURE.city, '--channels', 'fax');
    expect(badChannel.code).toBe(2);
    expect(badChannel.stderr).toContain('--channels');
  });

  it('links a new grid worker to a responder: claims an unlinked one in the area, else creates one', async () => {
    const seeded = `${FIXTURE.west}001001005`;
    await t.database.rows(sql`
      INSERT INTO responders (code, name, role, home_grid_id, geom)
      SELECT 'GW-CLI', '王芳', 'grid_worker', id, ST_PointOnSurface(geom) FROM areas WHERE code = ${seeded}`);
    const claim = await users(t.url!, 'add', '--login', 'wang.fang', '--name', '王芳', '--role', 'grid_worker', '--area', `${FIXTURE.west}001001`);
    expect(claim.code, claim.stderr).toBe(0);
    expect(claim.stdout).toContain(`linked to responder GW-CLI (王芳, home grid ${seeded})`);
    const create = await users(t.url!, 'add', '--login', 'zhao.lei', '--name', '赵磊', '--role', 'grid_worker', '--area', FIXTURE.east, '--json');
    expect(create.code, create.stderr).toBe(0);
    const out = JSON.parse(create.stdout) as { user: { id: number }; responder: { code: string; homeGrid: string } };
    expect(out.responder).toMatchObject({ code: `GWU${out.user.id}`, homeGrid: `${FIXTURE.east}001001001` });
    expect(await responderOfUser(t.database, out.user.id)).toMatchObject({ name: '赵磊', role: 'grid_worker', status: 'on_duty' });
    const [audited] = await listAudit(t.database, scopeOf(FIXTURE.east), { action: 'responders.link', limit: 1 });
    expect(audited).toMatchObject({ actor: 'system:cli', details: { login: 'zhao.lei', claimed: false } });
  });
});

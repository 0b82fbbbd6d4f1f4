import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARGON2_PARAMS, checkPassword, hashPassword, needsRehash, verifyPassword } from '../../server/auth/passwords';
import { DEMO_API_KEY, DEMO_DISPLAY_TOKEN, DEMO_OPEN311_KEY, DEMO_USERS, demoAllowed, isDemoSecret, refusedAsDemo } from '../../server/auth/demo-secrets';
import { DEFAULT_SESSION_CONFIG, sessionState } from '../../server/auth/sessions';
import { parseApiKey } from '../../server/auth/api-keys';
import { sameDigest, sha256Hex } from '../../server/auth/secrets';

describe('passwords', () => {
  it('hashes with argon2id at the chosen cost and verifies the same password only', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(new RegExp(`^\\$argon2id\\$v=19\\$m=${ARGON2_PARAMS.memoryCost},t=${ARGON2_PARAMS.timeCost},p=${ARGON2_PARAMS.parallelism}\\$`));
    expect(await verifyPassword(hash, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse batterY')).toBe(false);
    expect(needsRehash(hash)).toBe(false);
    // Two hashes of one password differ (random salt).
    expect(await hashPassword('correct horse battery')).not.toBe(hash);
  });

  it('treats a malformed hash as a mismatch, not an error', async () => {
    expect(await verifyPassword('not-a-hash', 'whatever123')).toBe(false);
    expect(needsRehash('$argon2id$v=19$m=19456,t=2,p=1$abc$def')).toBe(true);
  });

  it('applies the policy: length, not composition', () => {
    expect(checkPassword('short1!')).toBe('TOO_SHORT');
    expect(checkPassword('a'.repeat(257))).toBe('TOO_LONG');
    expect(checkPassword('aaaaaaaaaaaa')).toBe('TOO_SIMPLE');
    expect(checkPassword('zhangsan01', 'ZhangSan01')).toBe('SAME_AS_LOGIN');
    expect(checkPassword('春眠不觉晓处处闻啼鸟')).toBeNull();
    expect(checkPassword('plain lowercase words')).toBeNull();
  });
});

describe('session state', () => {
  const t0 = new Date('2026-01-01T00:00:00Z');
  const base = { revokedAt: null, disabled: false, lastSeenAt: t0, expiresAt: new Date(t0.getTime() + DEFAULT_SESSION_CONFIG.absoluteMs) };
  const at = (ms: number) => new Date(t0.getTime() + ms);
  it('is ok until idle or absolute expiry', () => {
    expect(sessionState(base, at(DEFAULT_SESSION_CONFIG.idleMs - 1), DEFAULT_SESSION_CONFIG)).toBe('ok');
    expect(sessionState(base, at(DEFAULT_SESSION_CONFIG.idleMs), DEFAULT_SESSION_CONFIG)).toBe('idle');
    const active = { ...base, lastSeenAt: at(DEFAULT_SESSION_CONFIG.absoluteMs - 1000) };
    expect(sessionState(active, at(DEFAULT_SESSION_CONFIG.absoluteMs), DEFAULT_SESSION_CONFIG)).toBe('expired');
  });
  it('names revocation and disabled users first', () => {
    expect(sessionState({ ...base, revokedAt: t0, disabled: true }, t0, DEFAULT_SESSION_CONFIG)).toBe('revoked');
    expect(sessionState({ ...base, disabled: true }, t0, DEFAULT_SESSION_CONFIG)).toBe('disabled');
  });
});

describe('demo credentials', () => {
  it('are allowed outside production, and in production only with DEMO=1', () => {
    expect(demoAllowed({ NODE_ENV: 'development' })).toBe(true);
    expect(demoAllowed({})).toBe(true);
    expect(demoAllowed({ NODE_ENV: 'production' })).toBe(false);
    expect(demoAllowed({ NODE_ENV: 'production', DEMO: '1' })).toBe(true);
  });
  it('recognises every demo secret and nothing else', () => {
    for (const u of DEMO_USERS) expect(isDemoSecret(u.password)).toBe(true);
    expect(isDemoSecret(DEMO_DISPLAY_TOKEN)).toBe(true);
    expect(isDemoSecret(DEMO_API_KEY)).toBe(true);
    expect(isDemoSecret(DEMO_OPEN311_KEY)).toBe(true);
    expect(isDemoSecret('demo-admin-2027')).toBe(false);
    expect(refusedAsDemo(DEMO_USERS[0]!.password, { NODE_ENV: 'production' })).toBe(true);
    expect(refusedAsDemo(DEMO_USERS[0]!.password, { NODE_ENV: 'production', DEMO: '1' })).toBe(false);
  });
  it('are the ones the README prints', () => {
    const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
    expect(readme).toContain(`/wall?display=${DEMO_DISPLAY_TOKEN}`);
    expect(readme).toContain(DEMO_API_KEY);
    expect(readme).toContain(DEMO_OPEN311_KEY);
    for (const u of DEMO_USERS) expect(readme).toContain(`| \`${u.login}\` | \`${u.password}\` | ${u.role} |`);
  });
  it('derives well-formed, stable display token and API key', () => {
    expect(DEMO_DISPLAY_TOKEN).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(parseApiKey(DEMO_API_KEY)?.prefix).toBe('demo12345');
    expect(parseApiKey(DEMO_OPEN311_KEY)?.prefix).toBe('demoopen311');
  });
});

describe('secrets', () => {
  it('compares digests in constant time and refuses empty or unequal lengths', () => {
    expect(sameDigest(sha256Hex('a'), sha256Hex('a'))).toBe(true);
    expect(sameDigest(sha256Hex('a'), sha256Hex('b'))).toBe(false);
    expect(sameDigest('', '')).toBe(false);
    expect(sameDigest(sha256Hex('a'), 'abcd')).toBe(false);
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson } from '../../app/lib/api';
import { translator } from '../../app/lib/i18n';
import {
  credentialRefused,
  holdPageRequests,
  loginReasonOf,
  loginUrl,
  onCredentialEnded,
  releasePageRequests,
} from '../../app/lib/session';
import { safeNext } from '../../app/login/login-flow';

describe('loginUrl', () => {
  it('sends the page back to where it was, with the reason', () => {
    expect(loginUrl('signed_out', { pathname: '/wall', search: '' })).toBe('/login?next=%2Fwall&reason=signed_out');
    expect(loginUrl(null, { pathname: '/wall', search: '?area=520102' })).toBe('/login?next=%2Fwall%3Farea%3D520102');
  });
  it('never carries a display token along, and the login page accepts the next it builds', () => {
    const url = new URL(loginUrl('display_revoked', { pathname: '/wall', search: '?display=SECRET&area=520102' }), 'https://x.example');
    expect(url.search).not.toContain('SECRET');
    expect(safeNext(url.searchParams.get('next'), 'https://x.example')).toBe('/wall?area=520102');
    expect(url.searchParams.get('reason')).toBe('display_revoked');
  });
  it('does not point the login page at itself', () => {
    expect(loginUrl('unauthenticated', { pathname: '/login', search: '?next=%2Fwall' })).toBe('/login?reason=unauthenticated');
  });
});

describe('signed-out reasons', () => {
  it('maps the server\'s reasons to what the login page says', () => {
    expect(loginReasonOf('logout')).toBe('signed_out');
    expect(loginReasonOf('revoked:logout')).toBe('signed_out');
    expect(loginReasonOf('display_revoked')).toBe('display_revoked');
    for (const r of ['expired', 'idle', 'disabled', 'password_changed', 'user_disabled', 'revoked:password_reset', 'whatever']) {
      expect(loginReasonOf(r)).toBe('session_ended');
    }
  });
  it('has a sentence for every known reason in both languages, and a generic one for the rest', () => {
    for (const lang of ['zh', 'en'] as const) {
      const tr = translator(lang);
      const generic = tr.signedOutReason('something-new');
      const known = ['logout', 'expired', 'idle', 'password_changed', 'password_reset', 'disabled', 'user_disabled', 'display_revoked', 'revoked:password_changed'];
      for (const reason of known) expect(tr.signedOutReason(reason), `${lang} ${reason}`).not.toBe(generic);
      expect(tr.signedOutReason('revoked:password_changed')).toBe(tr.signedOutReason('password_changed'));
    }
    expect(translator('zh').role('dispatcher')).toBe('派遣员');
    expect(translator('en').role('display')).toBe('Wall display');
  });
});

describe('a REST 401 that names why', () => {
  it('hands the server’s reason to the live client, which shows it as it would its socket’s notice; no reason, no notice', () => {
    const heard: string[] = [];
    const unlisten = onCredentialEnded((reason) => heard.push(reason));
    credentialRefused({ action: 'map.read', reason: 'revoked:password_changed' });
    credentialRefused({ action: 'map.read', reason: null });
    credentialRefused(null);
    credentialRefused({ reason: 42 });
    expect(heard).toEqual(['revoked:password_changed']);
    unlisten();
    credentialRefused({ reason: 'display_revoked' });
    expect(heard).toEqual(['revoked:password_changed']);
  });
});

describe('a sign-out holds the page’s REST calls', () => {
  let server: Server;
  let base = '';
  const received: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      received.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends nothing while held; a failed sign-out lets the calls go out; a caller’s abort ends the wait', async () => {
    holdPageRequests();
    let answered = false;
    const held = getJson<{ path: string }>(`${base}/held`).then((body) => {
      answered = true;
      return body;
    });
    const abort = new AbortController();
    const abandoned = getJson(`${base}/abandoned`, abort.signal);
    // A call that is not the page's (the sign-out's own POST) reaches the server meanwhile; the held ones do not.
    await fetch(`${base}/logout`, { method: 'POST' });
    expect(received).toEqual(['/logout']);
    expect(answered).toBe(false);
    abort.abort();
    await expect(abandoned).rejects.toMatchObject({ name: 'AbortError' });

    releasePageRequests();
    expect(await held).toEqual({ path: '/held' });
    expect(await getJson<{ path: string }>(`${base}/after`)).toEqual({ path: '/after' });
    expect(received).toEqual(['/logout', '/held', '/after']);
  });
});

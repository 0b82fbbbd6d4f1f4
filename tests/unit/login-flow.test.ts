import { describe, expect, it } from 'vitest';
import { homeOf, outcomeOf, safeNext, submitLogin } from '../../app/login/login-flow';

const ORIGIN = 'https://hcm.example.gov.cn';

describe('safeNext', () => {
  it('keeps same-site relative paths with their query and hash', () => {
    expect(safeNext('/wall', ORIGIN)).toBe('/wall');
    expect(safeNext('/wall?area=520102#x', ORIGIN)).toBe('/wall?area=520102#x');
  });
  it('refuses other hosts, schemes, protocol-relative and backslash tricks', () => {
    for (const bad of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', 'wall', '/\tevil', '', null]) {
      expect(safeNext(bad, ORIGIN)).toBeNull();
    }
  });
  it('does not send the user back to the login page', () => {
    expect(safeNext('/login?next=/wall', ORIGIN)).toBeNull();
  });
});

describe('login responses', () => {
  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

  it('maps 200, 401, 429 and odd answers to outcomes', async () => {
    expect(await outcomeOf(json(200, { user: { login: 'a', name: 'A', role: 'dispatcher', area: '520102' } }))).toEqual({ kind: 'ok', role: 'dispatcher' });
    expect(await outcomeOf(json(401, { error: { code: 'BAD_CREDENTIALS' } }))).toEqual({ kind: 'bad_credentials' });
    expect(await outcomeOf(json(429, { error: { code: 'RATE_LIMITED', details: { retryAfterS: 840 } } }))).toEqual({ kind: 'rate_limited', retryAfterS: 840 });
    expect(await outcomeOf(json(429, {}, { 'retry-after': '30' }))).toEqual({ kind: 'rate_limited', retryAfterS: 30 });
    expect(await outcomeOf(new Response('<html>502</html>', { status: 502 }))).toEqual({ kind: 'server_error' });
    expect(await outcomeOf(json(404, { error: { code: 'NOT_FOUND' } }))).toEqual({ kind: 'server_error' });
  });

  it('posts JSON to /api/auth/login and reports a network failure as such', async () => {
    const calls: Array<[string, RequestInit | undefined]> = [];
    const ok = await submitLogin('leader', 'pw', (async (url: string, init?: RequestInit) => {
      calls.push([url, init]);
      return json(200, { user: { role: 'leader' } });
    }) as typeof fetch);
    expect(ok).toEqual({ kind: 'ok', role: 'leader' });
    expect(calls[0]![0]).toBe('/api/auth/login');
    expect(calls[0]![1]).toMatchObject({ method: 'POST', body: JSON.stringify({ login: 'leader', password: 'pw' }) });
    const down = await submitLogin('leader', 'pw', (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch);
    expect(down).toEqual({ kind: 'network_error' });
  });

  it('sends grid workers to their phone app and the others to the wall', () => {
    expect(homeOf('grid_worker')).toBe('/report');
    expect(homeOf('dispatcher')).toBe('/wall');
  });
});

import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { countRows, incident, insertFixtureCity } from '../helpers/fixtures';
import { authed, postJson, sessionOf, startTestServer } from '../helpers/server';
import type { AppServer } from '../../server/app';
import { ROUTES } from '../../server/http/routes';
import { OPEN311_PATHS } from '../../server/open311/openapi';
import { LIMITS } from '../../server/http/routes/cases/limits';

/**
 * The HTTP layer itself (Hono on /api): media types, limits, error shapes, 405 with
 * Allow, malformed paths, security headers, same-origin writes and the generated
 * OpenAPI document. Engine-independent, so it runs on PGlite only.
 */
describe('http layer', () => {
  let testDb: TestDatabase;
  let app: AppServer;
  let base: string;
  let port: number;

  beforeAll(async () => {
    testDb = await createTestDatabase('pglite');
    await insertFixtureCity(testDb.database);
    ({ app, base, port } = await startTestServer(testDb.database));
  });
  afterAll(async () => {
    await app?.close();
    await testDb?.drop();
  });

  const good = () => JSON.stringify(incident(`h-${Math.random()}`, 106.605, 26.535));

  async function expectRefused(res: Response, status: number, code: string) {
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string; details: unknown } };
    expect(body.error.code).toBe(code);
    expect(body.error.message).toEqual(expect.any(String));
    expect(body.error).toHaveProperty('details');
    expect(body.error.details).not.toBeUndefined();
    return body;
  }

  it.each([
    ['application/json-seq', 'application/json-seq'],
    ['UTF-16 JSON', 'application/json; charset=utf-16'],
    ['text/plain', 'text/plain'],
    ['no content type', ''],
  ])('refuses %s with 415 and writes nothing', async (_name, type) => {
    const res = await authed(base, `${base}/api/cases`, { method: 'POST', headers: type ? { 'content-type': type } : {}, body: good() });
    await expectRefused(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(await countRows(testDb.database)).toEqual({ cases: 0, feed: 0, alerts: 0 });
  });

  it('accepts application/json with charset=utf-8 and a +json suffix', async () => {
    for (const type of ['application/json; charset=UTF-8', 'application/vnd.hcm+json']) {
      const res = await authed(base, `${base}/api/cases`, { method: 'POST', headers: { 'content-type': type }, body: good() });
      expect(res.status, type).toBe(201);
    }
  });

  it('refuses bytes that are not UTF-8, malformed JSON and an empty body, each with details', async () => {
    const latin1 = Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    await expectRefused(await authed(base, `${base}/api/cases`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: latin1 }), 400, 'BAD_BODY');
    await expectRefused(await authed(base, `${base}/api/cases`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"kind":' }), 400, 'BAD_JSON');
    await expectRefused(await authed(base, `${base}/api/cases`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' }), 400, 'BAD_JSON');
  });

  it('answers 404 and 405 (with Allow) as JSON errors with details', async () => {
    await expectRefused(await authed(base, `${base}/api/nope`), 404, 'NOT_FOUND');
    const wrong = await authed(base, `${base}/api/cases/batch`);
    const body = await expectRefused(wrong, 405, 'METHOD_NOT_ALLOWED');
    expect(wrong.headers.get('allow')).toBe('POST');
    expect(body.error.details).toEqual({ allow: ['POST'] });
    const put = await authed(base, `${base}/api/snapshot`, { method: 'PUT' });
    await expectRefused(put, 405, 'METHOD_NOT_ALLOWED');
    expect(put.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers a malformed %-escape in a path with 400, not 500', async () => {
    const body = await expectRefused(await authed(base, `${base}/api/cases/%E0%A4%A`), 400, 'BAD_PARAMS');
    expect(JSON.stringify(body.error.details)).toContain('id');
    await expectRefused(await authed(base, `${base}/api/cases/%`), 400, 'BAD_PARAMS');
    const query = await authed(base, `${base}/api/areas?level=%E0%A4%A`);
    expect(query.status).toBe(400);
  });

  it('refuses a declared oversize batch with 413 before reading it', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/api/cases/batch', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(LIMITS.batch + 1), ...sessionOf(base) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{"cases":[');
    });
    expect(status).toBe(413);
    expect(await countRows(testDb.database)).toMatchObject({ feed: expect.any(Number) });
  });

  it('refuses a streamed body over the limit with 413 and details', async () => {
    const res = await postJson(base, '/api/cases', JSON.stringify({ ...incident('big', 106.6, 26.5), description: 'x'.repeat(LIMITS.case) }));
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limitBytes: LIMITS.case } });
  });

  it('sends security headers on API responses', async () => {
    const res = await authed(base, `${base}/api/health`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('refuses a cross-origin write before any handler runs', async () => {
    const before = await countRows(testDb.database);
    for (const headers of [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }] as Array<Record<string, string>>) {
      const res = await authed(base, `${base}/api/cases`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: good() });
      await expectRefused(res, 403, 'FORBIDDEN');
    }
    expect(await countRows(testDb.database)).toEqual(before);
    const same = await authed(base, `${base}/api/cases`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base }, body: good() });
    expect(same.status).toBe(201);
  });

  it('generates the OpenAPI document from the route table', async () => {
    const spec = (await (await authed(base, `${base}/api/openapi.json`)).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(spec.openapi).toBe('3.1.0');
    for (const route of ROUTES) {
      expect(spec.paths[route.path]?.[route.method], `${route.method} ${route.path}`).toBeDefined();
    }
    const documented = Object.entries(spec.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`));
    // The Open311 paths (served beside /api) are listed in the same document.
    expect(documented.sort()).toEqual([...ROUTES, ...OPEN311_PATHS].map((r) => `${r.method} ${r.path}`).sort());
  });
});

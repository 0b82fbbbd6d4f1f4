import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISPLAY_COOKIE } from '../../server/auth/authenticate';
import { ensureUser, makeDisplayToken, signIn } from '../helpers/auth';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db';
import { FIXTURE, incident, insertFixtureCity } from '../helpers/fixtures';
import { elfExecutable, jpegSegments, jpegWithGps, noisePng, pngBomb, pngWithAlpha, webp } from '../helpers/images';
import { startTestServer } from '../helpers/server';

/**
 * Photo intake end to end over HTTP: what is stored is a re-encoded JPEG without
 * any metadata (checked on the stored bytes themselves), hostile uploads are refused
 * with a 4xx and leave the photos table as it was, a photo is served only to who may
 * see its case (or its uploader while unattached), and only the uploader's own
 * unattached photos can be attached to a report.
 */
type PhotoBody = { photo: { id: string; caseId: number | null; mediaType: string; size: number; width: number; height: number; sha256: string } };
type ErrorBody = { error: { code: string; message: string; details: unknown } };

describe.each(DB_KINDS)('photos (%s)', (kind) => {
  let t: TestDatabase;
  let base: string;
  let app: Awaited<ReturnType<typeof startTestServer>>['app'];
  const cookies: Record<string, string> = {};

  const upload = async (who: string, bytes: Buffer, type: string) => {
    const res = await fetch(`${base}/api/photos`, { method: 'POST', headers: { 'content-type': type, cookie: cookies[who]! }, body: new Uint8Array(bytes) });
    return { status: res.status, body: (await res.json()) as PhotoBody & ErrorBody };
  };
  const fetchPhoto = (who: string, id: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/photos/${id}`, { headers: { cookie: cookies[who]!, ...headers } });
  const report = async (who: string, externalId: string, photos: string[], lng = 106.605) => {
    const res = await fetch(`${base}/api/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: cookies[who]! },
      body: JSON.stringify(incident(externalId, lng, 26.505, { photos })),
    });
    return { status: res.status, body: (await res.json()) as { case: { id: number }; created: boolean } & ErrorBody };
  };
  const photoRows = () =>
    t.database.rows<{ id: string; caseId: number | null; n: number }>(sql`SELECT id, case_id AS "caseId", 1 AS n FROM photos ORDER BY created_at, id`);
  const counts = async () => {
    const [row] = await t.database.rows<{ photos: number; cases: number }>(sql`SELECT (SELECT count(*)::int FROM photos) AS photos, (SELECT count(*)::int FROM cases) AS cases`);
    return row!;
  };

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await insertFixtureCity(t.database);
    ({ app, base } = await startTestServer(t.database));
    const people: Array<[string, 'grid_worker' | 'dispatcher' | 'leader', string]> = [
      ['worker', 'grid_worker', FIXTURE.west],
      ['worker2', 'grid_worker', FIXTURE.west],
      ['dispatcherWest', 'dispatcher', FIXTURE.west],
      ['dispatcherEast', 'dispatcher', FIXTURE.east],
      ['leader', 'leader', FIXTURE.city],
    ];
    for (const [login, role, area] of people) {
      await ensureUser(t.database, `ph-${login}`, role, area);
      cookies[login] = await signIn(base, `ph-${login}`);
    }
    cookies.display = `${DISPLAY_COOKIE}=${await makeDisplayToken(t.database, 'photo wall', FIXTURE.city)}`;
  });

  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('stores a camera JPEG upright, fitted, and without EXIF, GPS, ICC or any other metadata (checked on the stored bytes)', async () => {
    const original = await jpegWithGps(3000, 2000);
    // The test image really carries what must go: EXIF (APP1) with GPS, an ICC profile (APP2), orientation 6.
    const before = await sharp(original).metadata();
    expect(before.exif?.length).toBeGreaterThan(100);
    expect(before.orientation).toBe(6);
    expect(jpegSegments(original)).toEqual(expect.arrayContaining([0xe1, 0xe2]));
    expect(original.includes(Buffer.from('TestCam'))).toBe(true);

    const { status, body } = await upload('worker', original, 'image/jpeg');
    expect(status).toBe(201);
    expect(body.photo).toMatchObject({ caseId: null, mediaType: 'image/jpeg', width: 1365, height: 2048 });

    const [stored] = await t.database.rows<{ bytes: Uint8Array; sha256: string; size: number; sourceSize: number; sourceType: string }>(sql`
      SELECT bytes, sha256, size, source_size AS "sourceSize", source_type AS "sourceType" FROM photos WHERE id = ${body.photo.id}::uuid`);
    const bytes = Buffer.from(stored!.bytes);
    expect(stored!.size).toBe(bytes.length);
    expect(stored!.sourceSize).toBe(original.length);
    expect(stored!.sourceType).toBe('image/jpeg');
    expect(stored!.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    // No APPn segment but none at all: no EXIF/XMP (E1), ICC (E2), IPTC (ED), comment (FE); no trace of the camera.
    const segments = jpegSegments(bytes);
    expect(segments.filter((m) => (m >= 0xe0 && m <= 0xef) || m === 0xfe)).toEqual([]);
    for (const marker of ['Exif', 'TestCam', 'Leaky', 'GPS', 'http://ns.adobe.com/xap', 'ICC_PROFILE']) expect(bytes.includes(Buffer.from(marker))).toBe(false);
    const after = await sharp(bytes).metadata();
    expect(after.exif).toBeUndefined();
    expect(after.icc).toBeUndefined();
    expect(after.orientation).toBeUndefined();
    // Turned upright by its orientation (3000 × 2000 stored sideways → portrait), then fitted into 2048 px.
    expect([after.width, after.height, after.format]).toEqual([1365, 2048, 'jpeg']);
  });

  it('accepts a PNG (transparency flattened onto white) and a WebP, storing both as JPEG', async () => {
    const png = await upload('worker', await pngWithAlpha(640, 480), 'image/png');
    expect(png.status).toBe(201);
    expect(png.body.photo).toMatchObject({ mediaType: 'image/jpeg', width: 640, height: 480 });
    const webpUpload = await upload('worker', await webp(800, 600), 'image/webp');
    expect(webpUpload.status).toBe(201);
    expect(webpUpload.body.photo).toMatchObject({ mediaType: 'image/jpeg', width: 800, height: 600 });
    const res = await fetchPhoto('worker', png.body.photo.id);
    const stats = await sharp(Buffer.from(await res.arrayBuffer())).stats();
    // Half-transparent green over white: light green, not green over black.
    expect(stats.channels.map((c) => Math.round(c.mean / 10))).toEqual([13, 23, 13]);
  });

  it('a retried upload of the same file returns the same unattached photo', async () => {
    const file = await webp(320, 200);
    const first = await upload('worker', file, 'image/webp');
    const again = await upload('worker', file, 'image/webp');
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body.photo.id).toBe(first.body.photo.id);
    // Another uploader's copy is their own.
    const other = await upload('worker2', file, 'image/webp');
    expect(other.status).toBe(201);
    expect(other.body.photo.id).not.toBe(first.body.photo.id);
  });

  it('refuses a renamed executable, a 12 MB image, a truncated JPEG, a pixel bomb, a mislabelled or undeclared type — 4xx and nothing stored', async () => {
    const jpeg = await jpegWithGps(1600, 1200);
    const cases: Array<{ name: string; bytes: Buffer; type: string; status: number; code: string }> = [
      { name: 'ELF binary named as a JPEG', bytes: elfExecutable(), type: 'image/jpeg', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
      { name: '12 MB PNG', bytes: await noisePng(12), type: 'image/png', status: 413, code: 'PAYLOAD_TOO_LARGE' },
      { name: 'truncated JPEG', bytes: jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), type: 'image/jpeg', status: 422, code: 'BAD_IMAGE' },
      { name: '40000² px PNG bomb', bytes: pngBomb(40_000), type: 'image/png', status: 422, code: 'BAD_IMAGE' },
      { name: 'a PNG declared as a JPEG', bytes: await pngWithAlpha(100, 100), type: 'image/jpeg', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
      { name: 'a JPEG sent as octet-stream', bytes: jpeg, type: 'application/octet-stream', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
      { name: 'an SVG declared as PNG', bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), type: 'image/png', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
      { name: 'empty body', bytes: Buffer.alloc(0), type: 'image/jpeg', status: 422, code: 'BAD_IMAGE' },
    ];
    const before = await counts();
    const got: string[] = [];
    for (const c of cases) {
      const { status, body } = await upload('worker', c.bytes, c.type);
      got.push(`${c.name}: ${status} ${body.error?.code}`);
    }
    expect(got).toEqual(cases.map((c) => `${c.name}: ${c.status} ${c.code}`));
    expect(await counts()).toEqual(before);
    // The refusals say why.
    const bomb = await upload('worker', pngBomb(40_000), 'image/png');
    expect(bomb.body.error.details).toMatchObject({ reason: 'pixels' });
    const truncated = await upload('worker', jpeg.subarray(0, 5000), 'image/jpeg');
    expect(truncated.body.error.details).toMatchObject({ reason: 'truncated' });
  });

  it('serves a photo only to its uploader while unattached, then to who may see its case; private, nosniff, ETag', async () => {
    const { body } = await upload('worker', await jpegWithGps(900, 600), 'image/jpeg');
    const id = body.photo.id;
    const status = async (who: string) => (await fetchPhoto(who, id)).status;
    expect(await status('worker')).toBe(200);
    for (const who of ['worker2', 'dispatcherWest', 'dispatcherEast', 'leader']) expect([who, await status(who)]).toEqual([who, 404]);
    expect(await status('display')).toBe(403);
    expect((await fetch(`${base}/api/photos/${id}`)).status).toBe(401);

    const created = await report('worker', 'photo-scope-1', [id]);
    expect(created.status).toBe(201);
    // Attached to a case in the west district: the west's readers and the city's see it; the east does not.
    const seen: Record<string, number> = {};
    for (const who of ['worker', 'worker2', 'dispatcherWest', 'dispatcherEast', 'leader']) seen[who] = await status(who);
    expect(seen).toEqual({ worker: 200, worker2: 200, dispatcherWest: 200, dispatcherEast: 404, leader: 200 });

    const res = await fetchPhoto('dispatcherWest', id);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('cache-control')).toMatch(/^private/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(res.headers.get('etag')).toBe(`"${createHash('sha256').update(bytes).digest('hex')}"`);
    expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
    expect((await fetchPhoto('dispatcherWest', id, { 'if-none-match': res.headers.get('etag')! })).status).toBe(304);

    // The case's photo list, scoped the same way.
    const list = async (who: string) => fetch(`${base}/api/cases/${created.body.case.id}/photos`, { headers: { cookie: cookies[who]! } });
    const listed = (await (await list('dispatcherWest')).json()) as { photos: Array<{ id: string; caseId: number }> };
    expect(listed.photos.map((p) => [p.id, p.caseId])).toEqual([[id, created.body.case.id]]);
    expect((await list('dispatcherEast')).status).toBe(404);
    // Unknown ids and malformed ids: 404 and 400.
    expect((await fetchPhoto('leader', '00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await fetchPhoto('leader', 'not-a-uuid')).status).toBe(400);
  });

  it('attaches only the reporter\'s own unattached photos, in the intake transaction', async () => {
    const mine = (await upload('worker', await webp(300, 300), 'image/webp')).body.photo.id;
    const mine2 = (await upload('worker', await webp(310, 300), 'image/webp')).body.photo.id;
    const theirs = (await upload('worker2', await webp(320, 300), 'image/webp')).body.photo.id;
    const before = await counts();

    // Someone else's photo: refused, nothing written — not the case, and not the attachment of my own photo either.
    const stolen = await report('worker', 'photo-attach-1', [mine, theirs]);
    expect([stolen.status, stolen.body.error.code]).toEqual([422, 'PHOTO_NOT_ATTACHABLE']);
    expect(await counts()).toEqual(before);
    expect((await photoRows()).filter((p) => [mine, theirs].includes(p.id)).map((p) => p.caseId)).toEqual([null, null]);
    // Unknown id, too many, the same one twice.
    expect((await report('worker', 'photo-attach-2', ['00000000-0000-4000-8000-000000000000'])).body.error.code).toBe('PHOTO_NOT_ATTACHABLE');
    expect((await report('worker', 'photo-attach-3', [mine, mine2, theirs, '00000000-0000-4000-8000-000000000000'])).status).toBe(400);
    expect((await report('worker', 'photo-attach-4', [mine, mine])).status).toBe(400);
    expect(await counts()).toEqual(before);

    // My own two: attached to the new case.
    const ok = await report('worker', 'photo-attach-5', [mine, mine2.toUpperCase()]);
    expect(ok.status).toBe(201);
    const attached = (await photoRows()).filter((p) => p.caseId === ok.body.case.id).map((p) => p.id).sort();
    expect(attached).toEqual([mine, mine2].sort());
    // The offline queue sends the same report again: the stored case comes back, nothing moves.
    const repeat = await report('worker', 'photo-attach-5', [mine, mine2]);
    expect([repeat.status, repeat.body.created, repeat.body.case.id]).toEqual([200, false, ok.body.case.id]);
    // An attached photo cannot be attached again, to another case.
    const reuse = await report('worker', 'photo-attach-6', [mine]);
    expect([reuse.status, reuse.body.error.code]).toEqual([422, 'PHOTO_NOT_ATTACHABLE']);
    expect((await photoRows()).find((p) => p.id === mine)!.caseId).toBe(ok.body.case.id);
    // A report outside the reporter's jurisdiction rolls back the attachment with it.
    const spare = (await upload('worker', await webp(330, 300), 'image/webp')).body.photo.id;
    const outside = await report('worker', 'photo-attach-7', [spare], 106.665);
    expect(outside.status).toBe(422);
    expect((await photoRows()).find((p) => p.id === spare)!.caseId).toBeNull();
  });
});

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../server/app';
import { readXml } from '../../server/cap/xml';
import { makeApiKey } from '../helpers/auth';
import { alertRowCounts, capFixture, postCap, xmlProblems, xsdProblems } from '../helpers/cap';
import { DB_KINDS, createTestDatabase, type TestDatabase } from '../helpers/db';
import { FIXTURE, incident, insertFixtureCity } from '../helpers/fixtures';
import { authed, getJson, postJson, startTestServer } from '../helpers/server';

/**
 * OASIS CAP 1.2 in and out (issue 12): each fixture in tests/fixtures/cap is stored or
 * refused as specified, geometry lands where the message says (lat,lon read the right
 * way round: the affected grid is checked), refusals write nothing, and every export
 * validates against the OASIS schema with xmllint.
 */
const GRID_12_WEST = `${FIXTURE.west}001001012`;
const GRID_1_WEST = `${FIXTURE.west}001001001`;
const GRID_3_EAST = `${FIXTURE.east}001001003`;
const GRID_6_WEST = `${FIXTURE.west}001001006`;
const GRID_16_EAST = `${FIXTURE.east}001001016`;
const EAST_GRIDS = Array.from({ length: 16 }, (_, i) => `${FIXTURE.east}001001${String(i + 1).padStart(3, '0')}`);

for (const kind of DB_KINDS) {
  describe(`CAP 1.2 on ${kind}`, () => {
    let t: TestDatabase;
    let app: AppServer;
    let base: string;
    let feedKey: Record<string, string>;
    let westKey: Record<string, string>;
    const ids: Record<string, number> = {};

    beforeAll(async () => {
      t = await createTestDatabase(kind);
      await insertFixtureCity(t.database);
      ({ app, base } = await startTestServer(t.database));
      feedKey = { authorization: `Bearer ${await makeApiKey(t.database, 'weather feed', FIXTURE.city, ['api'])}` };
      westKey = { authorization: `Bearer ${await makeApiKey(t.database, 'west feed', FIXTURE.west, ['api'])}` };
      // Inside grid 12 of the west district: one open case, one on-duty responder (and one off duty); one more on duty elsewhere.
      expect((await postJson(base, '/api/cases', incident('cap-impact-1', 106.635, 26.515))).status).toBe(201);
      await t.database.rows(sql`
        INSERT INTO responders (code, name, role, status, geom) VALUES
          ('R-IN', '在岗', 'grid_worker', 'on_duty', ST_SetSRID(ST_MakePoint(106.636, 26.516), 4326)),
          ('R-OFF', '离岗', 'grid_worker', 'off_duty', ST_SetSRID(ST_MakePoint(106.637, 26.517), 4326)),
          ('R-OUT', '他处', 'grid_worker', 'on_duty', ST_SetSRID(ST_MakePoint(106.665, 26.535), 4326))`);
    });
    afterAll(async () => {
      await app?.close();
      await t?.drop();
    });

    const feedRowsFor = (id: number) =>
      t.database.rows<{ topic: string; action: string | null; area_codes: string[] }>(sql`
        SELECT topic, payload->>'action' AS action, area_codes FROM feed WHERE layer = 'alerts' AND (payload->>'id')::bigint = ${id}::bigint ORDER BY seq`);

    it('stores a Chinese bilingual alert: zh-CN drives the display, English kept as a translation, the polygon in its grid', async () => {
      const before = await alertRowCounts(t.database);
      const res = await postCap(base, feedKey, capFixture('bilingual-rainstorm'));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const body = res.body;
      expect(body.created).toBe(true);
      expect(body.alert.headline).toBe('测试市气象台发布暴雨橙色预警');
      expect(body.alert.eventType).toBe('MET_RAINSTORM');
      expect(body.onWall).toBe(true);
      expect(body.stored).toHaveLength(1);
      expect(body.stored[0]!.affectedGrids).toEqual([GRID_12_WEST]);
      expect(body.stored[0]!.affectedAreas).toEqual([FIXTURE.city, FIXTURE.west, `${FIXTURE.west}001`, `${FIXTURE.west}001001`, GRID_12_WEST]);
      // Impact, computed once: one open case and one on-duty responder inside; 81 % of a 1,000-person grid.
      expect(body.alert.impact).toEqual({ openCases: 1, onDutyResponders: 1, population: 810 });
      expect(body.alert.ack).toEqual({ pending: [FIXTURE.west], acknowledged: [], level: 0, records: [] });
      ids.bilingual = body.stored[0]!.id;

      // Not lat/lon-swapped: the stored area lies inside grid 12 by an independent test.
      const [inside] = await t.database.rows<{ ok: boolean }>(sql`
        SELECT ST_Contains(g.geom, a.geom) AS ok FROM alerts a, areas g WHERE a.id = ${ids.bilingual}::bigint AND g.code = ${GRID_12_WEST}`);
      expect(inside!.ok).toBe(true);
      const [row] = await t.database.rows<{ translations: Array<{ language: string; headline: string }>; message_status: string; onset: string }>(sql`
        SELECT translations, message_status, to_char(onset AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS onset FROM alerts WHERE id = ${ids.bilingual}::bigint`);
      expect(row!.translations).toEqual([
        expect.objectContaining({ language: 'en-US', headline: 'Orange rainstorm warning', instruction: 'Avoid low-lying areas & underpasses.' }),
      ]);
      expect(row!.message_status).toBe('Actual');
      expect(row!.onset).toBe('2026-06-01T01:00');
      expect(await feedRowsFor(ids.bilingual!)).toEqual([{ topic: 'alert.created', action: null, area_codes: body.stored[0]!.affectedAreas }]);
      const after = await alertRowCounts(t.database);
      expect(after).toEqual({ ...before, alerts: before.alerts + 1, feed: before.feed + 1, audit: before.audit + 1 });
    });

    it('answers a repeat of (sender, identifier, sent) with the first alert and stores nothing — also when sent is spelled in UTC', async () => {
      const before = await alertRowCounts(t.database);
      const again = await postCap(base, feedKey, capFixture('bilingual-rainstorm'));
      expect(again.status).toBe(200);
      expect(again.body.created).toBe(false);
      expect(again.body.stored[0]!.id).toBe(ids.bilingual);
      expect(again.body.stored[0]!.affectedGrids).toEqual([GRID_12_WEST]);
      const utc = capFixture('bilingual-rainstorm').replace('<sent>2026-06-01T08:00:00+08:00</sent>', '<sent>2026-06-01T00:00:00-00:00</sent>');
      const spelled = await postCap(base, feedKey, utc);
      expect(spelled.status).toBe(200);
      expect(spelled.body.stored[0]!.id).toBe(ids.bilingual);
      expect(await alertRowCounts(t.database)).toEqual(before);
    });

    it('makes a circle of radius 0 a point-sized area in the grid under it', async () => {
      const res = await postCap(base, feedKey, capFixture('circle-point'));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.stored[0]!.affectedGrids).toEqual([GRID_3_EAST]);
      expect(res.body.alert.eventType).toBe('CAP_SAFETY');
      expect(res.body.alert.impact).toEqual({ openCases: 0, onDutyResponders: 0, population: 0 });
      const [area] = await t.database.rows<{ m2: number }>(sql`SELECT ST_Area(geom::geography) AS m2 FROM alerts WHERE id = ${res.body.stored[0]!.id}::bigint`);
      expect(area!.m2).toBeGreaterThan(1);
      expect(area!.m2).toBeLessThan(10);
      ids.circle = res.body.stored[0]!.id;
    });

    it('reads geocodes that name our areas as those areas — the whole district, not its neighbour — and ignores other codes', async () => {
      const res = await postCap(base, feedKey, capFixture('geocodes-only'));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.stored[0]!.affectedGrids).toEqual(EAST_GRIDS);
      expect(res.body.stored[0]!.affectedAreas).toContain(FIXTURE.east);
      expect(res.body.stored[0]!.affectedAreas).not.toContain(FIXTURE.west);
      expect(res.body.alert.ack.pending).toEqual([FIXTURE.east]);
      expect(res.body.alert.impact.population).toBe(16_000);
      ids.geocodes = res.body.stored[0]!.id;
    });

    it('reads a cap:-prefixed document (CDATA text, a signature in another namespace) the same way', async () => {
      const res = await postCap(base, feedKey, capFixture('prefixed'), 'application/xml');
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.stored[0]!.affectedGrids).toEqual([GRID_1_WEST]);
      expect(res.body.alert.headline).toBe('商场火情 <注意> 绕行');
      ids.prefixed = res.body.stored[0]!.id;
    });

    it('an Update supersedes the alert its references name: new alert stored, the old one superseded live', async () => {
      const res = await postCap(base, feedKey, capFixture('update'));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.msgType).toBe('Update');
      expect(res.body.stored[0]!.affectedGrids).toEqual([`${FIXTURE.west}001001011`, GRID_12_WEST]);
      expect(res.body.references).toEqual([
        { reference: 'qxt@520100.weather.cn,52010041600000_20260601080000,2026-06-01T08:00:00+08:00', alertId: ids.bilingual, outcome: 'superseded' },
      ]);
      ids.update = res.body.stored[0]!.id;
      const [old] = await t.database.rows<{ status: string; superseded_by: number; next_escalation_at: string | null }>(sql`
        SELECT status, superseded_by, next_escalation_at FROM alerts WHERE id = ${ids.bilingual}::bigint`);
      expect(old).toEqual({ status: 'superseded', superseded_by: ids.update, next_escalation_at: null });
      expect((await feedRowsFor(ids.bilingual!)).map((r) => `${r.topic}:${r.action}`)).toEqual(['alert.created:null', 'alert.updated:superseded']);
    });

    it('a Cancel cancels what it names (sent in another offset is the same message), reports what it could not find, and is not itself shown', async () => {
      const before = await alertRowCounts(t.database);
      const res = await postCap(base, feedKey, capFixture('cancel'));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.references).toEqual([
        { reference: 'yjj@520100.gov.cn,GAS-2026-0601-001,2026-06-01T02:15:00-00:00', alertId: ids.circle, outcome: 'cancelled' },
        { reference: 'yjj@520100.gov.cn,NO-SUCH-ALERT,2026-06-01T00:00:00+08:00', alertId: null, outcome: 'not_found' },
      ]);
      expect(res.body.onWall).toBe(false);
      expect(res.body.alert.status).toBe('cancelled');
      const [gone] = await t.database.rows<{ status: string }>(sql`SELECT status FROM alerts WHERE id = ${ids.circle}::bigint`);
      expect(gone!.status).toBe('cancelled');
      // One feed row: the cancelled alert's update. The Cancel message itself is not pushed.
      expect(await alertRowCounts(t.database)).toEqual({ ...before, alerts: before.alerts + 1, feed: before.feed + 1, audit: before.audit + 1 });
      expect((await feedRowsFor(ids.circle!)).map((r) => `${r.topic}:${r.action}`)).toEqual(['alert.created:null', 'alert.updated:cancelled']);
      ids.cancel = res.body.stored[0]!.id;
    });

    it('lets no feed end another feed’s alerts: a Cancel naming them from another API client finds nothing', async () => {
      const foreign = capFixture('cancel')
        .replace('GAS-2026-0601-001-C', 'FOREIGN-CANCEL')
        .replace(/<references>[^<]+<\/references>/, '<references>qxt@520100.weather.cn,FREEZE-520103-20260601,2026-06-01T06:30:00+08:00</references>')
        .replace('<circle>26.5355,106.6655 0</circle>', '<circle>26.5155,106.6155 0</circle>');
      const res = await postCap(base, westKey, foreign);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.references).toEqual([expect.objectContaining({ alertId: null, outcome: 'not_found' })]);
      const [still] = await t.database.rows<{ status: string }>(sql`SELECT status FROM alerts WHERE id = ${ids.geocodes!}::bigint`);
      expect(still!.status).toBe('active');
    });

    it('stores and flags a status other than Actual without pushing it; a message for elsewhere is accepted with no affected areas, not pushed', async () => {
      const before = await alertRowCounts(t.database);
      const drill = await postCap(base, feedKey, capFixture('exercise'));
      expect(drill.status, JSON.stringify(drill.body)).toBe(201);
      expect(drill.body).toMatchObject({ messageStatus: 'Exercise', onWall: false });
      expect(drill.body.stored[0]!.affectedGrids).toEqual([GRID_12_WEST]);
      ids.exercise = drill.body.stored[0]!.id;
      const away = await postCap(base, feedKey, capFixture('outside-city'));
      expect(away.status, JSON.stringify(away.body)).toBe(201);
      expect(away.body.onWall).toBe(false);
      expect(away.body.stored[0]).toMatchObject({ affectedAreas: [], affectedGrids: [] });
      // A district's feed too: missing the city is not "outside your jurisdiction" (the sender must not retry).
      const fromWest = await postCap(base, westKey, capFixture('outside-city').replace('BJ-HEAT-1', 'BJ-HEAT-2'));
      expect(fromWest.status, JSON.stringify(fromWest.body)).toBe(201);
      ids.outside = away.body.stored[0]!.id;
      expect(await alertRowCounts(t.database)).toEqual({ ...before, alerts: before.alerts + 3, audit: before.audit + 3 });
      const snapshot = await getJson<{ alerts: Array<{ id: number }> }>(base, '/api/snapshot?layers=alerts');
      const shown = snapshot.body.alerts.map((a) => a.id);
      expect(shown).not.toContain(ids.exercise);
      expect(shown).not.toContain(ids.outside);
      expect(shown).toContain(ids.update);
    });

    it('keeps an area known only by its description without geometry: in the ticker (pushed), not on the map', async () => {
      const res = await postCap(base, feedKey, capFixture('area-desc-only'));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.onWall).toBe(true);
      expect(res.body.alert.geometry.coordinates).toEqual([]);
      expect(res.body.stored[0]).toMatchObject({ affectedAreas: [], affectedGrids: [] });
      expect(res.body.alert.ack.pending).toEqual([FIXTURE.city]);
      ids.areaDesc = res.body.stored[0]!.id;
      expect((await feedRowsFor(ids.areaDesc!)).map((r) => r.topic)).toEqual(['alert.created']);
    });

    it('unions several <area>s of one <info>: a polygon in one district, a circle in the other, a name only', async () => {
      const res = await postCap(base, feedKey, capFixture('two-areas'));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const id = res.body.stored[0]!.id;
      expect(res.body.stored).toHaveLength(1);
      expect(res.body.stored[0]!.affectedGrids).toEqual([GRID_6_WEST, GRID_16_EAST]);
      expect(res.body.stored[0]!.affectedAreas).toEqual(expect.arrayContaining([FIXTURE.west, FIXTURE.east]));
      // Both districts must acknowledge; the area known by name adds no geometry.
      expect(res.body.alert.ack.pending).toEqual([FIXTURE.west, FIXTURE.east]);
      // Each part where its message says (lat,lon read the right way round), the whole alert inside those two grids.
      const [parts] = await t.database.rows<{ n: number; covered: boolean; west: boolean; east: boolean }>(sql`
        SELECT ST_NumGeometries(a.geom) AS n,
               ST_Covers(ST_Union(g6.geom, g16.geom), a.geom) AS covered,
               ST_Intersects(g6.geom, a.geom) AS west, ST_Intersects(g16.geom, a.geom) AS east
        FROM alerts a, areas g6, areas g16
        WHERE a.id = ${id}::bigint AND g6.code = ${GRID_6_WEST} AND g16.code = ${GRID_16_EAST}`);
      expect(parts).toEqual({ n: 2, covered: true, west: true, east: true });
      const exported = await (await authed(base, `${base}/api/cap/alerts/${id}`)).text();
      expect(xsdProblems(exported), exported).toBe('');
      // Received as CAP, it goes out as it came in: all three areas.
      expect(exported.match(/<area>/g)).toHaveLength(3);
      expect(exported).toContain('<circle>26.505,106.675 0.2</circle>');
    });

    it('a district feed may not place an alert in another district (OUTSIDE_JURISDICTION), and nothing is written', async () => {
      const before = await alertRowCounts(t.database);
      const res = await postCap(base, westKey, capFixture('circle-point').replace('GAS-2026-0601-001', 'GAS-WEST-KEY'));
      expect(res.status).toBe(422);
      expect(res.body.error!.code).toBe('OUTSIDE_JURISDICTION');
      expect(await alertRowCounts(t.database)).toEqual(before);
    });

    const bowtie = capFixture('prefixed')
      .replace('FIRE-2026-0601-007', 'BOWTIE-1')
      .replace(/<cap:polygon>[^<]+<\/cap:polygon>/, '<cap:polygon>26.51,106.61 26.52,106.62 26.51,106.62 26.52,106.61 26.51,106.61</cap:polygon>');
    const oversize = capFixture('bilingual-rainstorm').replace(
      '<description>More than 50 mm',
      `<description>${'雨'.repeat(400_000)} More than 50 mm`,
    );
    const refusals: Array<{ name: string; xml: () => string; status: number; code: string; type?: string; paths?: string[]; reason?: string }> = [
      {
        name: 'a schema-invalid message, naming every element path',
        xml: () => capFixture('schema-invalid'),
        status: 400,
        code: 'VALIDATION_FAILED',
        paths: ['alert.sent', 'alert.status', 'alert.info[0].severity', 'alert.info[0].event', 'alert.info[0].area[0].polygon[0]'],
      },
      { name: 'a DOCTYPE entity bomb (billion laughs)', xml: () => capFixture('entity-bomb'), status: 400, code: 'BAD_XML', reason: 'doctype' },
      { name: 'an external entity (XXE)', xml: () => capFixture('external-entity'), status: 400, code: 'BAD_XML', reason: 'doctype' },
      { name: 'an undefined entity reference', xml: () => capFixture('circle-point').replace('燃气泄漏，', '&hazard;'), status: 400, code: 'BAD_XML', reason: 'entity' },
      { name: 'XML that is not well-formed', xml: () => capFixture('circle-point').replace('</headline>', '</headlin>'), status: 400, code: 'BAD_XML', reason: 'syntax' },
      { name: 'a CAP 1.1 message', xml: () => capFixture('cap11'), status: 422, code: 'UNSUPPORTED_VERSION' },
      { name: 'another namespace', xml: () => capFixture('cap11').replace('urn:oasis:names:tc:emergency:cap:1.1', 'urn:example:alerts'), status: 422, code: 'UNSUPPORTED_VERSION' },
      { name: 'an Ack message', xml: () => capFixture('circle-point').replace('<msgType>Alert</msgType>', '<msgType>Ack</msgType>'), status: 422, code: 'UNSUPPORTED_MESSAGE' },
      { name: 'a self-intersecting polygon, naming it', xml: () => bowtie, status: 422, code: 'INVALID_GEOMETRY', paths: ['alert.info[0].area[0].polygon[0]'] },
      { name: 'an oversize message (over 1 MiB)', xml: () => oversize, status: 413, code: 'PAYLOAD_TOO_LARGE' },
      { name: 'a JSON body', xml: () => '{"alert":1}', status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', type: 'application/json' },
      { name: 'a declared encoding other than UTF-8', xml: () => capFixture('circle-point').replace('encoding="UTF-8"', 'encoding="GB2312"'), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
      { name: 'an empty body', xml: () => '', status: 400, code: 'BAD_XML' },
    ];
    for (const refusal of refusals) {
      it(`refuses ${refusal.name} (${refusal.status} ${refusal.code}) and writes nothing`, async () => {
        const before = await alertRowCounts(t.database);
        const res = await postCap(base, feedKey, refusal.xml(), refusal.type);
        expect(res.status, JSON.stringify(res.body)).toBe(refusal.status);
        expect(res.body.error!.code).toBe(refusal.code);
        if (refusal.paths) expect((res.body.error!.details as Array<{ path: string }>).map((d) => d.path)).toEqual(refusal.paths);
        if (refusal.reason) expect(res.body.error!.details).toMatchObject({ reason: refusal.reason });
        expect(await alertRowCounts(t.database)).toEqual(before);
      });
    }

    it('exports every alert — received, ours, cancelled, without geometry — as CAP 1.2 valid against the OASIS schema', async () => {
      const ours = await postJson(base, '/api/alerts', {
        source: 'duty-desk',
        externalId: 'ours-1',
        eventType: 'CROWD',
        headline: '人员聚集 & 疏导',
        severity: 'Moderate',
        urgency: 'Immediate',
        certainty: 'Observed',
        expires: '2099-07-01T10:00:00Z',
        geometry: { type: 'Polygon', coordinates: [[[106.6405, 26.5005], [106.6495, 26.5005], [106.6495, 26.5095], [106.6405, 26.5095], [106.6405, 26.5005]]] },
      });
      expect(ours.status).toBe(201);
      ids.ours = (ours.body as { alert: { id: number } }).alert.id;
      for (const [name, id] of Object.entries(ids)) {
        const res = await authed(base, `${base}/api/cap/alerts/${id}`);
        expect(res.status, name).toBe(200);
        expect(res.headers.get('content-type'), name).toMatch(/^application\/cap\+xml/);
        const xml = await res.text();
        expect(xsdProblems(xml), `${name}\n${xml}`).toBe('');
      }
      // A received message goes out as it came in; ours as ours, its polygon lat,lon.
      const received = await (await authed(base, `${base}/api/cap/alerts/${ids.bilingual}`)).text();
      expect(received).toContain('<identifier>52010041600000_20260601080000</identifier>');
      expect(received).toContain('<language>en-US</language>');
      const mine = await (await authed(base, `${base}/api/cap/alerts/${ids.ours}`)).text();
      expect(mine).toContain(`<identifier>hcm-alert-${ids.ours}</identifier>`);
      expect(mine).toContain('<headline>人员聚集 &amp; 疏导</headline>');
      expect(mine).toMatch(/<polygon>26\.5005,106\.6405 /);
      expect(mine).toContain('<expires>2099-07-01T18:00:00+08:00</expires>');
    });

    it('round-trips our export through CAP ingest onto the same grids (no lat/lon swap either way)', async () => {
      const mine = await (await authed(base, `${base}/api/cap/alerts/${ids.ours}`)).text();
      const res = await postCap(base, feedKey, mine);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const [grids] = await t.database.rows<{ a: string[]; b: string[] }>(sql`
        SELECT (SELECT array_agg(c ORDER BY c) FROM alerts, unnest(area_codes) c WHERE id = ${ids.ours}::bigint AND length(c) = 15) AS a,
               (SELECT array_agg(c ORDER BY c) FROM alerts, unnest(area_codes) c WHERE id = ${res.body.stored[0]!.id}::bigint AND length(c) = 15) AS b`);
      expect(grids!.b).toEqual(grids!.a);
      expect(grids!.a.length).toBeGreaterThan(0);
      expect(res.body.alert.eventType).toBe('CROWD');
    });

    it('serves an Atom index of the live alerts in the caller’s jurisdiction, each entry a schema-valid CAP message', async () => {
      const res = await authed(base, `${base}/api/cap/feed.atom`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
      const atom = await res.text();
      expect(xmlProblems(atom)).toBe('');
      const feed = readXml(atom);
      expect(feed).toMatchObject({ ns: 'http://www.w3.org/2005/Atom', local: 'feed' });
      for (const required of ['id', 'title', 'updated', 'author']) expect(feed.children.some((c) => c.local === required), required).toBe(true);
      const entries = feed.children.filter((c) => c.local === 'entry');
      const links = entries.map((e) => e.children.find((c) => c.local === 'link')!.attrs.href!);
      const live = await t.database.rows<{ id: number }>(sql`
        SELECT id FROM alerts WHERE status IN ('active', 'acknowledged') AND on_wall ORDER BY created_at DESC, id DESC`);
      expect(links).toEqual(live.map((a) => `${base}/api/cap/alerts/${a.id}`));
      expect(links).not.toContain(`${base}/api/cap/alerts/${ids.exercise}`);
      expect(links).not.toContain(`${base}/api/cap/alerts/${ids.bilingual}`);
      for (const link of links) expect(xsdProblems(await (await authed(base, link)).text()), link).toBe('');
    });

    it('scopes export and index: a west-district key sees west alerts only; another district’s alert is 404', async () => {
      const westAtom = readXml(await (await fetch(`${base}/api/cap/feed.atom`, { headers: westKey })).text());
      const westLinks = westAtom.children.filter((c) => c.local === 'entry').map((e) => e.children.find((c) => c.local === 'link')!.attrs.href);
      expect(westLinks).toContain(`${base}/api/cap/alerts/${ids.update}`);
      expect(westLinks).not.toContain(`${base}/api/cap/alerts/${ids.geocodes}`);
      expect((await fetch(`${base}/api/cap/alerts/${ids.geocodes}`, { headers: westKey })).status).toBe(404);
      expect((await fetch(`${base}/api/cap/alerts/${ids.update}`, { headers: westKey })).status).toBe(200);
    });

    it('answers each stored CAP alert in the audit log with its format and message status', async () => {
      const rows = await t.database.rows<{ target_id: string; details: { format?: string; messageStatus?: string } }>(sql`
        SELECT target_id, details FROM audit_log WHERE action = 'alerts.create' AND target_id = ${String(ids.exercise)}`);
      expect(rows).toEqual([{ target_id: String(ids.exercise), details: expect.objectContaining({ format: 'cap', messageStatus: 'Exercise', onWall: false }) }]);
    });
  });
}


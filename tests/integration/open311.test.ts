import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppServer } from '../../server/app';
import { makeApiKey, ensureUser, signIn } from '../helpers/auth';
import { DB_KINDS, createTestDatabase, type TestDatabase } from '../helpers/db';
import { FIXTURE, insertFixtureCity } from '../helpers/fixtures';
import {
  intakeCounts,
  jsonProblems,
  open311Get,
  open311PostForm,
  open311PostXml,
  xmlAll,
  xmlText,
  xsdProblems,
  type Open311Answer,
  type Open311Document,
} from '../helpers/open311';
import { FeedClient, startTestServer } from '../helpers/server';

/**
 * Open311 GeoReport v2 (issue 11): every endpoint in JSON and XML, each answer
 * checked against the JSON Schemas and XSD written from the spec; intake through the
 * ordinary ingest path (case, grid, feed row, contact apart, idempotent repeat);
 * every refusal the spec's error array with its status and no row written; a
 * request reaching a dispatcher's live subscription.
 */
type Row = Record<string, unknown>;
const FORMATS = ['json', 'xml'] as const;
const WEST = { lat: '26.515', long: '106.615' };
const EAST = { lat: '26.525', long: '106.665' };

/** The answer is a valid `kind` document in its format (XML: the XSD; JSON: the schema). */
function expectValid(answer: Open311Answer, kind: Open311Document, format: 'json' | 'xml'): void {
  if (format === 'json') {
    expect(answer.type).toMatch(/^application\/json/);
    expect(jsonProblems(kind, answer.json), answer.text).toBe('');
  } else {
    expect(answer.type).toMatch(/^text\/xml/);
    expect(answer.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xsdProblems(answer.text, kind === 'post_response' ? 'post' : 'get'), answer.text).toBe('');
  }
}

function expectError(answer: Open311Answer, format: 'json' | 'xml', status: number, description: RegExp): void {
  expect(answer.status, answer.text).toBe(status);
  expectValid(answer, 'errors', format);
  if (format === 'json') expect((answer.json as Row[])[0]).toMatchObject({ code: status, description: expect.stringMatching(description) });
  else {
    expect(xmlText(answer.text, 'code')).toBe(String(status));
    expect(xmlText(answer.text, 'description')).toMatch(description);
  }
}

for (const kind of DB_KINDS) {
  describe(`Open311 GeoReport v2 on ${kind}`, () => {
    let t: TestDatabase;
    let app: AppServer;
    let base: string;
    let cityKey: string;
    let westKey: string;
    let hotlineKey: string;
    const posted: Record<string, string> = {};

    beforeAll(async () => {
      t = await createTestDatabase(kind);
      await insertFixtureCity(t.database);
      ({ app, base } = await startTestServer(t.database));
      cityKey = await makeApiKey(t.database, 'FixMyStreet partner', FIXTURE.city, ['open311']);
      westKey = await makeApiKey(t.database, 'west partner', FIXTURE.west, ['open311']);
      hotlineKey = await makeApiKey(t.database, '12345 hotline', FIXTURE.city, ['hotline_12345']);
    });
    afterAll(async () => {
      await app?.close();
      await t?.drop();
    });

    const report = (extra: Record<string, string> = {}) => ({
      api_key: cityKey,
      service_code: '0102',
      ...WEST,
      description: '小区门口垃圾堆积 Rubbish piled at the gate',
      first_name: '伟',
      last_name: '李',
      phone: '(139) 1234-5678',
      email: 'li.wei@example.com',
      'attribute[severity]': 'Severe',
      ...extra,
    });

    it('discovery names the v2 endpoint and both formats', async () => {
      for (const format of FORMATS) {
        const res = await open311Get(base, `discovery.${format}`);
        expect(res.status).toBe(200);
        expectValid(res, 'discovery', format);
        const url = format === 'json' ? (res.json as { endpoints: Row[] }).endpoints[0]!.url : xmlText(res.text, 'url');
        expect(url).toBe(`${base}/open311/v2`);
      }
    });

    it('services list every incident category (group = 大类) and appeal topic, realtime with metadata', async () => {
      const json = await open311Get(base, 'services.json');
      expectValid(json, 'services', 'json');
      const services = json.json as Row[];
      const catalogue = (await import('../../db/data/categories.json', { with: { type: 'json' } })).default;
      expect(services).toHaveLength(catalogue.gridEvents.length + catalogue.appealTopics.length);
      expect(services.find((s) => s.service_code === '0101')).toMatchObject({ service_name: '私搭乱建', group: '市容环境', metadata: true, type: 'realtime' });
      expect(services.find((s) => s.service_code === 'A02')).toMatchObject({ service_name: '噪音扰民', group: '群众诉求' });
      expect(services.every((s) => s.metadata === true && s.type === 'realtime')).toBe(true);
      const xml = await open311Get(base, 'services.xml');
      expect(xml.status).toBe(200);
      expectValid(xml, 'services', 'xml');
      expect(xmlAll(xml.text, 'service_code')).toEqual(services.map((s) => s.service_code));
    });

    it('a service definition lists its attributes; an unknown service is 404', async () => {
      for (const format of FORMATS) {
        const incident = await open311Get(base, `services/0101.${format}`);
        expect(incident.status).toBe(200);
        expectValid(incident, 'service_definition', format);
        const appeal = await open311Get(base, `services/A02.${format}`);
        expectValid(appeal, 'service_definition', format);
        if (format === 'json') {
          expect((incident.json as { attributes: Row[] }).attributes.map((a) => a.code)).toEqual(['severity']);
          const attributes = (appeal.json as { attributes: Array<Row & { values: Row[] }> }).attributes;
          expect(attributes.map((a) => a.code)).toEqual(['appeal_type', 'severity']);
          expect(attributes[0]!.values.map((v) => v.key)).toEqual(['ZX', 'TS', 'JY', 'QZ']);
        } else {
          expect(xmlAll(appeal.text, 'code')).toEqual(['appeal_type', 'severity']);
        }
        expectError(await open311Get(base, `services/9999.${format}`), format, 404, /service_code 9999 was not found/);
      }
    });

    it('POST requests (form) stores a case through ingest: grid, feed row, contact apart; a repeat writes nothing', async () => {
      const before = await intakeCounts(t.database);
      const res = await open311PostForm(base, 'json', report());
      expect(res.status, res.text).toBe(201);
      expectValid(res, 'post_response', 'json');
      const id = (res.json as Row[])[0]!.service_request_id as string;
      posted.incident = id;
      expect(await intakeCounts(t.database)).toEqual({ cases: before.cases + 1, feed: before.feed + 1, contacts: before.contacts + 1, events: before.events + 1 });
      const [row] = await t.database.rows<Row>(sql`
        SELECT c.kind, c.channel, c.category, c.severity, c.status, c.description, g.code AS grid, k.name, k.phone
        FROM cases c LEFT JOIN areas g ON g.id = c.grid_id LEFT JOIN case_contacts k ON k.case_id = c.id WHERE c.id = ${Number(id)}::bigint`);
      expect(row).toMatchObject({ kind: 'incident', channel: 'open311', category: '0102', severity: 'Severe', status: 'reported', name: '李伟', phone: '139 1234-5678' });
      // The grid is the one whose square holds the point, by an independent PostGIS test.
      const [grid] = await t.database.rows<{ code: string }>(sql`
        SELECT code FROM areas WHERE level = 'grid' AND ST_Contains(geom, ST_SetSRID(ST_MakePoint(106.615, 26.515), 4326))`);
      expect(row!.grid).toBe(grid!.code);
      expect(grid!.code.startsWith(FIXTURE.west)).toBe(true);
      const [feed] = await t.database.rows<{ topic: string; payload: string }>(sql`
        SELECT topic, payload::text AS payload FROM feed WHERE layer = 'incidents' AND (payload->>'id')::bigint = ${Number(id)}::bigint`);
      expect(feed!.topic).toBe('case.created');
      expect(feed!.payload).not.toMatch(/1234-5678|李伟|li\.wei/);

      const again = await open311PostForm(base, 'json', report());
      expect(again.status).toBe(200);
      expect((again.json as Row[])[0]).toMatchObject({ service_request_id: id, service_notice: expect.stringMatching(/received before/) });
      expect(await intakeCounts(t.database)).toEqual({ cases: before.cases + 1, feed: before.feed + 1, contacts: before.contacts + 1, events: before.events + 1 });
    });

    it('POST requests.xml answers in XML; an appeal topic takes its type from attribute[appeal_type]', async () => {
      const res = await open311PostForm(base, 'xml', {
        api_key: cityKey,
        service_code: 'A02',
        ...EAST,
        description: '夜间施工噪音',
        'attribute[appeal_type]': 'JY',
      });
      expect(res.status, res.text).toBe(201);
      expectValid(res, 'post_response', 'xml');
      posted.appeal = xmlText(res.text, 'service_request_id')!;
      const [row] = await t.database.rows<Row>(sql`SELECT kind, category, topic, severity FROM cases WHERE id = ${Number(posted.appeal)}::bigint`);
      expect(row).toEqual({ kind: 'appeal', category: 'JY', topic: '噪音扰民', severity: 'Unknown' });
    });

    it('POST with an XML body (our extension) is read like the form', async () => {
      const xml = `<?xml version="1.0" encoding="UTF-8"?>
<request>
  <api_key>${cityKey}</api_key>
  <service_code>0503</service_code>
  <lat>26.505</lat><long>106.605</long>
  <description>路口积水 &amp; 车辆熄火</description>
  <address_string>测试路 1 号</address_string>
  <media_url>https://example.com/p/1.jpg</media_url>
  <attribute code="severity">Extreme</attribute>
</request>`;
      for (const format of FORMATS) {
        const res = await open311PostXml(base, format, xml);
        expect(res.status, res.text).toBe(format === 'json' ? 201 : 200);
        expectValid(res, 'post_response', format);
      }
      const [row] = await t.database.rows<Row>(sql`
        SELECT category, severity, description, address, attributes->>'media_url' AS media FROM cases WHERE channel = 'open311' AND category = '0503'`);
      expect(row).toEqual({ category: '0503', severity: 'Extreme', description: '路口积水 & 车辆熄火', address: '测试路 1 号', media: 'https://example.com/p/1.jpg' });
    });

    it('GET requests lists the client’s own requests with status, SLA expectation and agency, never the reporter', async () => {
      for (const format of FORMATS) {
        const res = await open311Get(base, `requests.${format}`, { api_key: cityKey });
        expect(res.status, res.text).toBe(200);
        expectValid(res, 'service_requests', format);
        expect(res.text).not.toMatch(/1234-5678|李伟|li\.wei/);
        const ids = format === 'json' ? (res.json as Row[]).map((r) => r.service_request_id) : xmlAll(res.text, 'service_request_id');
        expect(ids).toHaveLength(3);
        expect(ids).toEqual(expect.arrayContaining([posted.incident, posted.appeal]));
      }
      const one = await open311Get(base, `requests/${posted.incident}.json`, { api_key: cityKey });
      expectValid(one, 'service_requests', 'json');
      const [db] = await t.database.rows<{ due: string; reported: string }>(sql`
        SELECT to_char(sla_due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS due,
               to_char(reported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS reported FROM cases WHERE id = ${Number(posted.incident)}::bigint`);
      expect((one.json as Row[])[0]).toMatchObject({
        service_request_id: posted.incident,
        status: 'open',
        service_code: '0102',
        service_name: '暴露垃圾',
        agency_responsible: expect.stringMatching(/.+/),
        expected_datetime: db!.due,
        requested_datetime: db!.reported,
        lat: 26.515,
        long: 106.615,
      });
      const xml = await open311Get(base, `requests/${posted.appeal}.xml`, { api_key: cityKey });
      expectValid(xml, 'service_requests', 'xml');
      expect(xmlText(xml.text, 'service_code')).toBe('A02');
    });

    it('GET requests filters: ids, service_code, status, start/end date; open/closed follows the lifecycle', async () => {
      const ids = async (query: Record<string, string>) =>
        ((await open311Get(base, 'requests.json', { api_key: cityKey, ...query })).json as Row[]).map((r) => r.service_request_id).sort();
      expect(await ids({ service_request_id: `${posted.incident},${posted.appeal},999999` })).toEqual([posted.incident, posted.appeal].sort());
      expect(await ids({ service_code: 'A02' })).toEqual([posted.appeal]);
      expect(await ids({ service_code: '0102,A02' })).toEqual([posted.incident, posted.appeal].sort());
      expect(await ids({ status: 'closed' })).toEqual([]);
      await t.database.rows(sql`UPDATE cases SET status = 'closed', closed_at = now(), sla_stage = NULL, sla_due_at = NULL WHERE id = ${Number(posted.appeal)}::bigint`);
      expect(await ids({ status: 'closed' })).toEqual([posted.appeal]);
      expect(await ids({ status: 'open' })).not.toContain(posted.appeal);
      const closed = (await open311Get(base, `requests/${posted.appeal}.json`, { api_key: cityKey })).json as Row[];
      expect(closed[0]).toMatchObject({ status: 'closed', expected_datetime: null });
      expect(await ids({ end_date: '2020-01-01T00:00:00Z' })).toEqual([]);
      expect(await ids({ start_date: new Date(Date.now() - 3600_000).toISOString() })).toHaveLength(3);
      expect(await ids({ start_date: new Date(Date.now() + 3600_000).toISOString(), end_date: new Date(Date.now() + 7200_000).toISOString() })).toEqual([]);
      for (const format of FORMATS) {
        expectError(await open311Get(base, `requests.${format}`, { api_key: cityKey, start_date: 'yesterday' }), format, 400, /start_date/);
        expectError(await open311Get(base, `requests.${format}`, { api_key: cityKey, status: 'pending' }), format, 400, /status/);
        expectError(await open311Get(base, `requests.${format}`, { api_key: cityKey, service_code: 'nope' }), format, 404, /service_code/);
      }
    });

    it('another client sees none of these requests; an unknown id is 404', async () => {
      expect((await open311Get(base, 'requests.json', { api_key: westKey })).json).toEqual([]);
      for (const format of FORMATS) {
        expectError(await open311Get(base, `requests/${posted.incident}.${format}`, { api_key: westKey }), format, 404, /not found/);
        expectError(await open311Get(base, `requests/424242.${format}`, { api_key: cityKey }), format, 404, /not found/);
      }
    });

    it('refusals are the spec’s errors and write nothing', async () => {
      const before = await intakeCounts(t.database);
      const big = 'x'.repeat(40 * 1024);
      for (const format of FORMATS) {
        const { api_key: _omit, ...noKey } = report({ description: 'no key' });
        expectError(await open311PostForm(base, format, noKey), format, 403, /api_key was not provided/);
        expectError(await open311PostForm(base, format, report({ api_key: `${cityKey.slice(0, -1)}${cityKey.endsWith('A') ? 'B' : 'A'}` })), format, 403, /api_key is invalid/);
        expectError(await open311PostForm(base, format, report({ api_key: hotlineKey })), format, 403, /open311 channel/);
        expectError(await open311PostForm(base, format, report({ service_code: 'X999' })), format, 404, /service_code X999 was not found/);
        expectError(await open311PostForm(base, format, report({ service_code: '' })), format, 400, /service_code was not provided/);
        expectError(await open311PostForm(base, format, report({ lat: '26.52', long: '106.70' })), format, 400, /outside the city/);
        expectError(await open311PostForm(base, format, report({ api_key: westKey, ...EAST })), format, 400, /jurisdiction/);
        expectError(await open311PostForm(base, format, report({ lat: '', long: '', address_string: '测试路 2 号' })), format, 400, /cannot be geocoded/);
        expectError(await open311PostForm(base, format, report({ lat: 'north', long: '106.6' })), format, 400, /decimal degrees/);
        expectError(await open311PostForm(base, format, report({ 'attribute[severity]': 'Huge' })), format, 400, /attribute\[severity\] must be one of/);
        expectError(await open311PostForm(base, format, report({ 'attribute[colour]': 'red' })), format, 400, /not an attribute/);
        expectError(await open311PostForm(base, format, report({ phone: 'call me' })), format, 400, /phone/);
        expectError(await open311PostForm(base, format, report({ description: big })), format, 413, /exceeds the limit/);
        expectError(await open311Get(base, `requests.${format}`), format, 403, /api_key was not provided/);
        expectError(await open311Get(base, `requests.${format}`, { api_key: hotlineKey }), format, 403, /open311 channel/);
      }
      expect(await intakeCounts(t.database)).toEqual(before);
    });

    it('hostile XML bodies (DOCTYPE, entity bomb, external entity, oversize, wrong root) are refused and write nothing', async () => {
      const before = await intakeCounts(t.database);
      const request = (inner: string) => `<request><api_key>${cityKey}</api_key><service_code>0102</service_code><lat>26.515</lat><long>106.615</long>${inner}</request>`;
      const bomb = `<?xml version="1.0"?>
<!DOCTYPE request [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
${request('<description>&c;</description>')}`;
      const external = `<?xml version="1.0"?><!DOCTYPE request [<!ENTITY x SYSTEM "file:///etc/passwd">]>${request('<description>&x;</description>')}`;
      const undeclared = request('<description>&x;</description>');
      for (const format of FORMATS) {
        expectError(await open311PostXml(base, format, bomb), format, 400, /DOCTYPE/);
        expectError(await open311PostXml(base, format, external), format, 400, /DOCTYPE/);
        expectError(await open311PostXml(base, format, undeclared), format, 400, /entity reference/);
        expectError(await open311PostXml(base, format, request(`<description>${'y'.repeat(40 * 1024)}</description>`)), format, 413, /exceeds the limit/);
        expectError(await open311PostXml(base, format, '<service_requests><request/></service_requests>'), format, 400, /<request> element/);
        expectError(await open311PostXml(base, format, '<request><unclosed></request>'), format, 400, /well-formed/);
      }
      expect(await intakeCounts(t.database)).toEqual(before);
    });

    it('unknown resources and methods answer as error arrays, never 500', async () => {
      for (const format of FORMATS) {
        expectError(await open311Get(base, `tokens/1.${format}`), format, 404, /no Open311 resource/);
        const put = await fetch(`${base}/open311/v2/services.${format}`, { method: 'POST' });
        const answer = { status: put.status, type: put.headers.get('content-type') ?? '', text: await put.text() };
        expectError({ ...answer, json: format === 'json' ? JSON.parse(answer.text) : undefined }, format, 405, /not allowed/);
      }
      expectError(await open311Get(base, 'services'), 'xml', 404, /\.json or \.xml/);
      expectError(await open311Get(base, 'services/%E0%A4%A.json'), 'json', 404, /no Open311 resource/);
      expectError(await open311Get(base, 'requests/%ZZ.xml', { api_key: cityKey }), 'xml', 404, /no Open311 resource/);
    });

    it('a request posted through Open311 reaches a dispatcher’s live subscription', async () => {
      await ensureUser(t.database, 'o311-dispatcher', 'dispatcher', FIXTURE.west);
      const cookie = await signIn(base, 'o311-dispatcher');
      const desk = new FeedClient(base, { layers: ['incidents', 'appeals'] }, { cookie });
      try {
        await desk.connected();
        expect(await desk.subscribe(null)).toMatchObject({ ok: true });
        const res = await open311PostForm(base, 'json', report({ service_code: '0401', description: '占道经营 live', lat: '26.535', long: '106.635' }));
        expect(res.status, res.text).toBe(201);
        const id = Number((res.json as Row[])[0]!.service_request_id);
        await desk.until((events) => events.some((e) => e.topic === 'case.created' && e.payload.id === id));
        const event = desk.applied.find((e) => e.topic === 'case.created' && e.payload.id === id)!;
        expect(event.layer).toBe('incidents');
        expect(event.payload).toMatchObject({ id, channel: 'open311', category: '0401', status: 'reported' });
        expect(JSON.stringify(event)).not.toMatch(/1234-5678|李伟/);
      } finally {
        desk.close();
      }
    });
  });
}

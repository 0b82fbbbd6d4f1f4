import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseView } from '../../server/protocol/dispatch';
import type { Indicators } from '../../server/domain/indicators';
import type { IndicatorPanel } from '../../server/services/indicators';
import { ensureUser, signIn } from '../helpers/auth';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db';
import { appeal, FIXTURE, incident, insertFixtureCity } from '../helpers/fixtures';
import { oracleIndicators, rollupTotals } from '../helpers/indicator-oracle';
import { getJson, postJson, startTestServer } from '../helpers/server';

/**
 * Repeat appeals (重复件): the same contact (phone normalised, or ID number) within 30
 * days links an appeal to the first appeal of the chain, in the intake transaction, and
 * the rollups count it. Every case goes in through the HTTP API (the ingest service all
 * channels share). West district: lng 106.60–106.64; east: 106.64–106.68.
 */
const D = '2026-05-11';
const D1 = '2026-05-12';
const D2 = '2026-05-13';
const at = (day: string, hhmm: string) => `${day}T${hhmm}:00+08:00`;
const WEST: [number, number] = [106.605, 26.505];
const EAST: [number, number] = [106.665, 26.505];
/** Each case its own spot (no possible-duplicate links muddle anything). */
let spot = 0;
const place = ([lng, lat]: [number, number]): [number, number] => {
  const i = spot++ % 40;
  return [lng + (i % 10) * 0.0015, lat + Math.floor(i / 10) * 0.008];
};

describe.each(DB_KINDS)('repeat appeals (%s)', (kind) => {
  let t: TestDatabase;
  let app: Awaited<ReturnType<typeof startTestServer>>['app'];
  let base: string;
  const id: Record<string, number> = {};

  const report = async (key: string, where: [number, number], reportedAt: string, reporter: Record<string, string>, kindOf: 'appeal' | 'incident' = 'appeal') => {
    const make = kindOf === 'appeal' ? appeal : incident;
    const res = await postJson(base, '/api/cases', make(`rep-${key}`, ...place(where), { reportedAt, reporter }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    id[key] = (res.body as { case: { id: number } }).case.id;
    return id[key];
  };
  const repeatOf = async (caseId: number): Promise<number | null> => {
    const [row] = await t.database.rows<{ r: number | null }>(sql`SELECT repeat_of AS r FROM cases WHERE id = ${caseId}::bigint`);
    return row!.r === null ? null : Number(row!.r);
  };
  const panel = async (area: string, from: string, to: string): Promise<Indicators> => {
    const { status, body } = await getJson<IndicatorPanel>(base, `/api/indicators?area=${area}&from=${from}&to=${to}`);
    expect(status).toBe(200);
    return body.indicators;
  };

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await insertFixtureCity(t.database);
    ({ app, base } = await startTestServer(t.database));
    // The hand-made history, in report order. Phones written four ways are one phone.
    await report('P1', WEST, at('2026-04-01', '10:00'), { phone: '13812345678' }); // 40 days before D: out of P2's window
    await report('P2', WEST, at(D, '09:00'), { name: '张三', phone: '138 1234 5678' }); // not a repeat
    await report('P4', WEST, at(D, '10:00'), { phone: '13900000000' }); // another phone
    await report('P5', EAST, at(D, '11:00'), { idNumber: '52010219900101123x' });
    await report('I1', WEST, at(D, '12:00'), { phone: '13812345678' }, 'incident'); // an incident: never linked
    await report('P6', EAST, at(D1, '09:00'), { phone: '13700000000', idNumber: '52010219900101123X' }); // → P5 by the ID number
    await report('P3', EAST, at(D1, '10:00'), { phone: '+86-138-1234-5678' }); // → P2 (P1 is 41 days back)
    await report('P8', WEST, at('2026-06-10', '08:00'), { phone: '0086 138 1234 5678' }); // 29 d 23 h after P2: → P2, the chain's first
    await report('Q1', WEST, at('2026-03-01', '09:00'), { phone: '13600000001' });
    await report('Q2', WEST, at('2026-04-01', '09:01'), { phone: '136-0000-0001' }); // 31 days later: not linked
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('links the same phone written differently within 30 days to the first appeal of the chain; not after 30 days, not another contact, not incidents', async () => {
    expect(await repeatOf(id.P1!)).toBeNull();
    expect(await repeatOf(id.P2!)).toBeNull();
    expect(await repeatOf(id.P3!)).toBe(id.P2);
    expect(await repeatOf(id.P8!)).toBe(id.P2);
    expect(await repeatOf(id.P4!)).toBeNull();
    expect(await repeatOf(id.P5!)).toBeNull();
    expect(await repeatOf(id.P6!)).toBe(id.P5);
    expect(await repeatOf(id.Q2!)).toBeNull();
    expect(await repeatOf(id.I1!)).toBeNull();
    // The incident has its contact but no key, so no appeal can ever link to it either.
    const [incidentKeys] = await t.database.rows<{ phone: string | null; key: string | null }>(sql`
      SELECT phone, phone_key AS key FROM case_contacts WHERE case_id = ${id.I1!}::bigint`);
    expect(incidentKeys).toEqual({ phone: '13812345678', key: null });
  });

  it('the case read carries the chain for cleared roles only', async () => {
    const { status, body } = await getJson<CaseView>(base, `/api/cases/${id.P3}`);
    expect(status).toBe(200);
    expect(body.repeats).toEqual({
      repeatOf: id.P2,
      repeatCount: 3,
      chain: [id.P2, id.P3, id.P8].map((n) => ({ id: n, reportedAt: expect.any(String), status: 'reported' })),
    });
    expect((await getJson<CaseView>(base, `/api/cases/${id.P2}`)).body.repeats).toMatchObject({ repeatOf: null, repeatCount: 3 });
    expect((await getJson<CaseView>(base, `/api/cases/${id.P4}`)).body.repeats).toEqual({ repeatOf: null, repeatCount: 0, chain: [] });
    // A leader reads the case (masked) but not who appealed again.
    await ensureUser(t.database, 'rep-leader', 'leader');
    const cookie = await signIn(base, 'rep-leader');
    const asLeader = await getJson<CaseView>(base, `/api/cases/${id.P3}`, { cookie });
    expect(asLeader.status).toBe(200);
    expect(asLeader.body.repeats).toBeNull();
  });

  it('counts 重复件 and 重复率 per area and period (worked out by hand)', async () => {
    // [D, D2): appeals P2 P4 P5 (D), P6 P3 (D1); repeats P6 (→ P5) and P3 (→ P2). I1 is an incident.
    expect(await panel(FIXTURE.city, D, D2)).toMatchObject({ reported: 6, appealsReported: 5, repeated: 2, repeatRate: 0.4 });
    // West: P2, P4 (and I1): no repeat. East: P5, P6, P3: two repeats.
    expect(await panel(FIXTURE.west, D, D2)).toMatchObject({ reported: 3, appealsReported: 2, repeated: 0, repeatRate: 0 });
    const east = await panel(FIXTURE.east, D, D2);
    expect(east).toMatchObject({ appealsReported: 3, repeated: 2 });
    expect(east.repeatRate).toBeCloseTo(2 / 3, 12);
    // One day at a time: D has none, D1 only repeats.
    expect(await panel(FIXTURE.city, D, D1)).toMatchObject({ appealsReported: 3, repeated: 0, repeatRate: 0 });
    expect(await panel(FIXTURE.city, D1, D2)).toMatchObject({ appealsReported: 2, repeated: 2, repeatRate: 1 });
    // A month from D: P8 too. Before any appeal: no rate at all.
    expect(await panel(FIXTURE.city, D, '2026-06-11')).toMatchObject({ appealsReported: 6, repeated: 3, repeatRate: 0.5 });
    expect(await panel(FIXTURE.city, '2026-01-01', '2026-02-01')).toMatchObject({ appealsReported: 0, repeated: 0, repeatRate: null });
  });

  it('equals the independent computation from the contact keys', async () => {
    for (const code of [FIXTURE.city, FIXTURE.west, FIXTURE.east]) {
      for (const [from, to] of [[D, D2], [D, D1], [D1, D2], ['2026-03-01', '2026-07-01']] as const) {
        const got = await panel(code, from, to);
        const expected = await oracleIndicators(t.database, code, from, to);
        for (const [key, value] of Object.entries(expected)) expect(got[key as keyof Indicators], `${code} ${from} ${key}`).toBe(value);
      }
    }
  });

  it('a batch links within itself (and its reported events are counted with the final links)', async () => {
    const day = '2026-07-01';
    const batch = ['139 8888 0000', '13988880000', '+8613988880000'].map((phone, n) =>
      appeal(`rep-batch-${n}`, ...place(EAST), { reportedAt: at(day, `0${n + 1}:00`), reporter: { phone } }));
    const res = await postJson(base, '/api/cases/batch', { cases: batch });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const ids = (res.body as { results: Array<{ id: number }> }).results.map((r) => r.id);
    expect(await Promise.all(ids.map(repeatOf))).toEqual([null, ids[0], ids[0]]);
    const [events] = await t.database.rows<{ n: number }>(sql`
      SELECT count(*)::int AS n FROM case_events WHERE action = 'reported' AND case_id = ANY(${`{${ids.join(',')}}`}::bigint[])`);
    expect(events!.n).toBe(3);
    expect(await panel(FIXTURE.east, day, '2026-07-02')).toMatchObject({ appealsReported: 3, repeated: 2 });
  });

  it('appeals of one contact sent at the same moment still link (the contact keys are locked)', async () => {
    const sameInstant = at('2026-08-03', '10:00');
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, n) => postJson(base, '/api/cases', appeal(`rep-race-${n}`, ...place(WEST), { reportedAt: sameInstant, reporter: { phone: '13512340000' } }))),
    );
    const ids = answers.map((a) => (a.body as { case: { id: number } }).case.id).sort((a, b) => a - b);
    const links = await Promise.all(ids.map(repeatOf));
    expect(links).toEqual([null, ...ids.slice(1).map(() => ids[0])]);
  });

  it('the contact keys never reach a feed row, a snapshot or a case read; the rollups equal a rebuild', async () => {
    const keys = await t.database.rows<{ k: string }>(sql`
      SELECT phone_key AS k FROM case_contacts WHERE phone_key IS NOT NULL UNION SELECT id_key FROM case_contacts WHERE id_key IS NOT NULL`);
    // Six phones (however written) and one ID number (either case of its x): seven distinct keys.
    expect(keys.length).toBe(7);
    const feed = (await t.database.rows<{ p: string }>(sql`SELECT payload::text AS p FROM feed`)).map((r) => r.p).join('\n');
    expect(feed).toContain('"id"');
    const snapshot = await (await fetch(`${base}/api/snapshot`, { headers: { cookie: (await getCookie()) } })).text();
    expect(snapshot).toContain('"appeals"');
    const reads = (await Promise.all(Object.values(id).map((n) => getJson(base, `/api/cases/${n}`)))).map((r) => JSON.stringify(r.body)).join('\n');
    for (const { k } of keys) {
      expect(feed.includes(k), 'feed').toBe(false);
      expect(snapshot.includes(k), 'snapshot').toBe(false);
      expect(reads.includes(k), 'case reads').toBe(false);
    }
    for (const phone of ['13812345678', '13988880000']) expect(feed.includes(phone) || snapshot.includes(phone)).toBe(false);

    const before = await rollupTotals(t.database);
    await t.database.rows(sql`SELECT indicator_rebuild()`);
    expect(await rollupTotals(t.database)).toEqual(before);
  });

  async function getCookie(): Promise<string> {
    await ensureUser(t.database, 'rep-admin', 'admin');
    return signIn(base, 'rep-admin');
  }
});

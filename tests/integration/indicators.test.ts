import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, INDICATOR_COLUMNS, shanghaiDate, type Indicators } from '../../server/domain/indicators';
import { CalendarService } from '../../server/services/calendar';
import type { Handover } from '../../server/services/handover';
import type { IndicatorPanel, IndicatorTrend } from '../../server/services/indicators';
import { ensureUser, signIn } from '../helpers/auth';
import { createTestDatabase, DB_KINDS, type TestDatabase } from '../helpers/db';
import { FIXTURE, incident, insertFixtureCity } from '../helpers/fixtures';
import { fixtureGridPath, insertEventsOneByOne, insertHistoryCases, type HistoryCase, type HistoryEvent } from '../helpers/indicator-history';
import { oracleIndicators, rollupTotals } from '../helpers/indicator-oracle';
import { authed, getJson, postJson, startTestServer } from '../helpers/server';

/**
 * A small hand-made history whose indicators were worked out by hand (below, with
 * the arithmetic), read through the HTTP API: panel with children, trend, CSV and
 * XLSX export, the handover report, and scope. Monday D = 2026-05-11 and Tuesday
 * D1 = 2026-05-12 are ordinary working days (office 08:30–12:00, 14:00–17:30).
 */
const D = '2026-05-11';
const D1 = '2026-05-12';
const D2 = '2026-05-13';
const at = (day: string, hhmm: string) => `${day}T${hhmm}:00+08:00`;
const ok = (stage: string) => ({ stage, overdue: false });
const late = (stage: string) => ({ stage, overdue: true });

const W1 = fixtureGridPath('west', 1);
const W2 = fixtureGridPath('west', 2);
const E1 = fixtureGridPath('east', 1);
const E2 = fixtureGridPath('east', 2);

const CASES: HistoryCase[] = [
  { key: 'A', kind: 'incident', areaCodes: W1, status: 'closed', slaState: 'normal' },
  { key: 'B', kind: 'incident', areaCodes: W2, status: 'closed', slaState: 'normal' },
  { key: 'C', kind: 'incident', areaCodes: E1, status: 'closed', slaState: 'normal' },
  { key: 'D', kind: 'appeal', areaCodes: E2, status: 'rejected', slaState: 'normal' },
  { key: 'E', kind: 'incident', areaCodes: W1, status: 'handled', slaState: 'normal' },
  { key: 'F', kind: 'incident', areaCodes: E1, status: 'reported', slaState: 'overdue' },
  // Outside every area: scoped to the city only.
  { key: 'G', kind: 'incident', areaCodes: [FIXTURE.city], status: 'reported', slaState: 'warning' },
];

const EVENTS: HistoryEvent[] = [
  // A: on time all the way. Handling 09:30 → 11:30 = 2 h.
  { key: 'A', at: at(D, '09:00'), action: 'reported' },
  { key: 'A', at: at(D, '09:10'), action: 'register', left: ok('register') },
  { key: 'A', at: at(D, '09:30'), action: 'dispatch', left: ok('dispatch') },
  { key: 'A', at: at(D, '10:00'), action: 'accept' },
  { key: 'A', at: at(D, '11:30'), action: 'handle', left: ok('handle') },
  { key: 'A', at: at(D, '15:00'), action: 'close', left: ok('verify') },
  // B: registered late, so its close is not on time. Handling 10:00 → 16:00 = 2 h + 2 h = 4 h.
  { key: 'B', at: at(D, '09:00'), action: 'reported' },
  { key: 'B', at: at(D, '09:20'), action: 'register', left: late('register') },
  { key: 'B', at: at(D, '10:00'), action: 'dispatch', left: ok('dispatch') },
  { key: 'B', at: at(D, '10:30'), action: 'accept' },
  { key: 'B', at: at(D, '16:00'), action: 'handle', left: ok('handle') },
  { key: 'B', at: at(D, '17:00'), action: 'close', left: ok('verify') },
  // C: returned once, handled late (11:00 → D1 09:00 = 1 h + 3.5 h + 0.5 h = 5 h),
  // reworked, handled again on time (10:00 → 11:00 = 1 h), closed on D1 (not on time).
  { key: 'C', at: at(D, '10:00'), action: 'reported' },
  { key: 'C', at: at(D, '10:05'), action: 'register', left: ok('register') },
  { key: 'C', at: at(D, '10:10'), action: 'dispatch', left: ok('dispatch') },
  { key: 'C', at: at(D, '10:30'), action: 'return', left: ok('handle') },
  { key: 'C', at: at(D, '11:00'), action: 'dispatch', left: ok('dispatch') },
  { key: 'C', at: at(D, '11:10'), action: 'accept' },
  { key: 'C', at: at(D1, '09:00'), action: 'handle', left: late('handle') },
  { key: 'C', at: at(D1, '10:00'), action: 'rework', left: ok('verify') },
  { key: 'C', at: at(D1, '11:00'), action: 'handle', left: ok('handle') },
  { key: 'C', at: at(D1, '14:30'), action: 'close', left: ok('verify') },
  // D: an appeal, not registered.
  { key: 'D', at: at(D, '11:00'), action: 'reported' },
  { key: 'D', at: at(D, '11:30'), action: 'reject', left: ok('register') },
  // E: suspended during handling. 14:10 → D1 10:00 = 3 h 20 min + 1 h 30 min = 290 min, minus the
  // suspension 15:00 → D1 09:00 = 2 h 30 min + 30 min = 180 min → 110 min. Still open (handled).
  { key: 'E', at: at(D, '12:00'), action: 'reported' },
  { key: 'E', at: at(D, '14:00'), action: 'register', left: ok('register') },
  { key: 'E', at: at(D, '14:10'), action: 'dispatch', left: ok('dispatch') },
  { key: 'E', at: at(D, '14:20'), action: 'accept' },
  { key: 'E', at: at(D, '14:30'), action: 'suspend_request' },
  { key: 'E', at: at(D, '15:00'), action: 'suspend_approve' },
  { key: 'E', at: at(D, '15:00'), action: 'clock:pause' },
  { key: 'E', at: at(D1, '09:00'), action: 'resume' },
  { key: 'E', at: at(D1, '10:00'), action: 'handle', left: ok('handle') },
  // F: reported 00:30 on D1 (16:30 UTC on D: a Shanghai day, not a UTC one), overdue and escalated; open.
  { key: 'F', at: at(D1, '00:30'), action: 'reported' },
  { key: 'F', at: at(D1, '09:00'), action: 'sla_overdue' },
  { key: 'F', at: at(D1, '10:00'), action: 'escalated' },
  // G: no grid; open, in warning.
  { key: 'G', at: at(D, '13:00'), action: 'reported' },
];

const MIN = 60_000;

/** Worked out by hand from the history above. */
const CITY_TWO_DAYS = {
  reported: 7, // A B C D E F G
  registered: 4, // A B C E
  rejected: 1, // D
  dispatched: 5, // A B C C E
  returned: 1, // C
  handled: 5, // A B C C E
  handledOnTime: 4, // C's first handle was late
  closed: 3, // A B C
  closedOnTime: 1, // A (B registered late, C handled late once)
  rework: 1,
  merged: 0,
  suspended: 1,
  extended: 0,
  turnedOverdue: 1,
  escalated: 1,
  handleTimed: 5,
  handleWorkMs: (120 + 240 + 300 + 60 + 110) * MIN, // 830 min = 49,800,000 ms
  open: 3, // E F G
  overdue: 1, // F
  warning: 1, // G
  onTimeHandleRate: 4 / 5,
  closeRate: 3 / 4,
  onTimeCloseRate: 1 / 3,
  reworkRate: 1 / 5,
  dispatchAccuracy: 1 - 1 / 5,
  avgHandleHours: 830 / 5 / 60, // 166 min
  // 100 × (0.30 × 0.8 + 0.25 × 1/3 + 0.15 × 0.75 + 0.15 × 0.8 + 0.15 × (1 − 0.2)) = 67.58…
  score: 67.6,
  stars: 2, // 5 handles ≥ 5; 60 ≤ 67.6 < 70
};

const WEST_TWO_DAYS = {
  reported: 3, registered: 3, rejected: 0, dispatched: 3, returned: 0, handled: 3, handledOnTime: 3,
  closed: 2, closedOnTime: 1, rework: 0, suspended: 1, turnedOverdue: 0, escalated: 0,
  handleTimed: 3, handleWorkMs: (120 + 240 + 110) * MIN, open: 1, overdue: 0, warning: 0,
  onTimeHandleRate: 1, closeRate: 2 / 3, onTimeCloseRate: 1 / 2, reworkRate: 0, dispatchAccuracy: 1,
  // 100 × (0.30 × 1 + 0.25 × 0.5 + 0.15 × 2/3 + 0.15 × 1 + 0.15 × 1) = 82.5
  score: 82.5,
  stars: null, // 3 handles < 5
};

const EAST_TWO_DAYS = {
  reported: 3, registered: 1, rejected: 1, dispatched: 2, returned: 1, handled: 2, handledOnTime: 1,
  closed: 1, closedOnTime: 0, rework: 1, suspended: 0, turnedOverdue: 1, escalated: 1,
  handleTimed: 2, handleWorkMs: (300 + 60) * MIN, open: 1, overdue: 1, warning: 0,
  onTimeHandleRate: 1 / 2, closeRate: 1, onTimeCloseRate: 0, reworkRate: 1 / 2, dispatchAccuracy: 1 / 2,
  avgHandleHours: 3,
  // 100 × (0.30 × 0.5 + 0.25 × 0 + 0.15 × 1 + 0.15 × 0.5 + 0.15 × (1 − 0.5)) = 45
  score: 45,
  stars: null,
};

const CITY_DAY_D = {
  reported: 6, // not F (D1 00:30 Shanghai)
  registered: 4, rejected: 1, dispatched: 5, returned: 1,
  handled: 2, handledOnTime: 2, // A B
  closed: 2, closedOnTime: 1, rework: 0, suspended: 1, turnedOverdue: 0,
  handleTimed: 2, handleWorkMs: (120 + 240) * MIN, avgHandleHours: 3,
  onTimeHandleRate: 1, closeRate: 2 / 4, onTimeCloseRate: 1 / 2, reworkRate: 0, dispatchAccuracy: 0.8,
  // 100 × (0.30 × 1 + 0.25 × 0.5 + 0.15 × 0.5 + 0.15 × 0.8 + 0.15 × 1) = 77
  score: 77,
  stars: null, // 2 handles
  open: 3, overdue: 1, warning: 1, // "now" does not depend on the period
};

function expectIndicators(actual: Indicators, expected: Record<string, number | null>) {
  for (const [key, value] of Object.entries(expected)) {
    if (typeof value === 'number' && !Number.isInteger(value)) expect(actual[key as keyof Indicators], key).toBeCloseTo(value, 9);
    else expect(actual[key as keyof Indicators], key).toBe(value);
  }
}

describe.each(DB_KINDS)('indicators on a hand-made history (%s)', (kind) => {
  let t: TestDatabase;
  let base: string;
  let app: Awaited<ReturnType<typeof startTestServer>>['app'];
  let ids: Map<string, number>;

  beforeAll(async () => {
    t = await createTestDatabase(kind);
    await insertFixtureCity(t.database);
    // The working calendar the SQL working time reads (holidays, 调休).
    await new CalendarService(t.database).load();
    ids = await insertHistoryCases(t.database, CASES);
    await insertEventsOneByOne(t.database, ids, EVENTS);
    await t.database.rows(sql`INSERT INTO alerts (source, external_id, event_type, headline, severity, urgency, certainty, status, geom, area_codes, created_at)
      VALUES ('test', 'shift-1', 'MET_RAINSTORM', '暴雨蓝色预警', 'Moderate', 'Expected', 'Likely', 'expired',
              ST_Multi(ST_MakeEnvelope(106.6, 26.5, 106.61, 26.51, 4326)), ${`{${FIXTURE.city},${FIXTURE.west}}`}::text[], ${at(D, '10:00')}::timestamptz),
             ('test', 'before', 'MET_WIND', '大风预警', 'Minor', 'Expected', 'Likely', 'expired',
              ST_Multi(ST_MakeEnvelope(106.6, 26.5, 106.61, 26.51, 4326)), ${`{${FIXTURE.city},${FIXTURE.east}}`}::text[], ${at('2026-05-10', '10:00')}::timestamptz)`);
    ({ app, base } = await startTestServer(t.database));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await t?.drop();
  });

  it('the city and its children over two days, ranked', async () => {
    const { status, body } = await getJson<IndicatorPanel>(base, `/api/indicators?area=${FIXTURE.city}&from=${D}&to=${D2}&children=1`);
    expect(status).toBe(200);
    expect(body.area).toMatchObject({ code: FIXTURE.city, level: 'city' });
    expect(body.period).toEqual({ from: D, to: D2, days: 2, timeZone: 'Asia/Shanghai' });
    expectIndicators(body.indicators, CITY_TWO_DAYS);
    expect(body.children!.map((c) => [c.code, c.rank])).toEqual([[FIXTURE.west, 1], [FIXTURE.east, 2]]);
    expectIndicators(body.children![0]!.indicators, WEST_TWO_DAYS);
    expectIndicators(body.children![1]!.indicators, EAST_TWO_DAYS);
  });

  it('one Shanghai day; one kind; one grid', async () => {
    const day = await getJson<IndicatorPanel>(base, `/api/indicators?area=${FIXTURE.city}&from=${D}&to=${D1}`);
    expectIndicators(day.body.indicators, CITY_DAY_D);
    expect(day.body.children).toBeNull();

    const appeals = await getJson<IndicatorPanel>(base, `/api/indicators?from=${D}&to=${D2}&kind=appeal`);
    expectIndicators(appeals.body.indicators, { reported: 1, rejected: 1, registered: 0, open: 0, onTimeHandleRate: null, closeRate: null, score: null, stars: null, avgHandleHours: null });

    // Grid W1 holds A and E: 120 + 110 min of handling.
    const grid = await getJson<IndicatorPanel>(base, `/api/indicators?area=${W1.at(-1)}&from=${D}&to=${D2}&children=1`);
    expectIndicators(grid.body.indicators, { reported: 2, registered: 2, dispatched: 2, handled: 2, handledOnTime: 2, closed: 1, closedOnTime: 1, suspended: 1, handleWorkMs: 230 * MIN, avgHandleHours: 115 / 60, open: 1 });
    expect(grid.body.children).toEqual([]);
  });

  it('equals the independent computation straight from case_events', async () => {
    for (const code of [FIXTURE.city, FIXTURE.west, FIXTURE.east, W1.at(-1)!, E1.at(-1)!]) {
      for (const [from, to] of [[D, D2], [D, D1], [D1, D2]] as const) {
        const { body } = await getJson<IndicatorPanel>(base, `/api/indicators?area=${code}&from=${from}&to=${to}`);
        const expected = await oracleIndicators(t.database, code, from, to);
        for (const [key, value] of Object.entries(expected)) expect(body.indicators[key as keyof Indicators], `${code} ${from} ${key}`).toBe(value);
      }
    }
  });

  it('the trend per day, zero-filled', async () => {
    const { status, body } = await getJson<IndicatorTrend>(base, `/api/indicators/trend?area=${FIXTURE.city}&from=2026-05-10&to=${D2}&bucket=day`);
    expect(status).toBe(200);
    expect(body.series.map((s) => [s.start, s.reported, s.handled, s.closed])).toEqual([
      ['2026-05-10', 0, 0, 0],
      [D, 6, 2, 2],
      [D1, 1, 3, 1], // F; C C E; C
    ]);
    expect(body.series[1]!.score).toBe(77);
    const weekly = await getJson<IndicatorTrend>(base, `/api/indicators/trend?area=${FIXTURE.city}&from=2026-05-10&to=${D2}&bucket=week`);
    // 2026-05-10 is a Sunday: its ISO week starts on Monday 05-04.
    expect(weekly.body.series.map((s) => [s.start, s.reported])).toEqual([['2026-05-04', 0], [D, 7]]);
  });

  it('exports the table as CSV and as XLSX that parses back to the API numbers', async () => {
    const query = `area=${FIXTURE.city}&from=${D}&to=${D2}`;
    const panel = (await getJson<IndicatorPanel>(base, `/api/indicators?${query}&children=1`)).body;

    const csv = await authed(base, `${base}/api/indicators/export.csv?${query}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const disposition = csv.headers.get('content-disposition')!;
    expect(disposition).toContain(`filename="indicators_${FIXTURE.city}_${D}_${D1}.csv"`);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1]!)).toBe(`指标_测试市_${FIXTURE.city}_${D}至${D1}.csv`);
    const bytes = new Uint8Array(await csv.arrayBuffer());
    // A UTF-8 BOM, so Excel opens the Chinese correctly (fetch's text() would strip it).
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1).trimEnd().split('\r\n').map((l) => l.split(','));
    expect(lines[0]!.slice(0, 4)).toEqual(['区划代码', '名称', '层级', '排名']);
    expect(lines.map((l) => l[0])).toEqual(['区划代码', FIXTURE.city, FIXTURE.west, FIXTURE.east]);
    const col = (label: string) => lines[0]!.indexOf(label);
    expect(lines[1]![col('新增')]).toBe('7');
    expect(lines[1]![col('按期处置率(%)')]).toBe('80');
    expect(lines[1]![col('按期结案率(%)')]).toBe('33.3');
    expect(lines[1]![col('平均处置时长(工作小时)')]).toBe('2.8');
    expect(lines[1]![col('星级')]).toBe('2');
    expect(lines[2]![col('星级')]).toBe('');

    const xlsx = await authed(base, `${base}/api/indicators/export.xlsx?${query}`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-disposition')).toContain(`filename="indicators_${FIXTURE.city}_${D}_${D1}.xlsx"`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    const sheet = workbook.getWorksheet('指标')!;
    const header = (sheet.getRow(2).values as unknown[]).slice(1);
    expect(header.slice(0, 4)).toEqual(['区划代码', '名称', '层级', '排名']);
    const rows = [panel.indicators, ...panel.children!.map((c) => c.indicators)];
    rows.forEach((indicators, i) => {
      const values = (sheet.getRow(3 + i).values as unknown[]).slice(1);
      expect(values[0]).toBe(i === 0 ? FIXTURE.city : panel.children![i - 1]!.code);
      INDICATOR_COLUMNS.forEach((c, j) => {
        const cell = values[4 + j];
        expect(cell === undefined ? null : cell, `${values[0]} ${c.key}`).toBe(indicators[c.key]);
      });
    });
  });

  it('the shift handover: what came in, what closed, what is overdue now, the alerts', async () => {
    const shift = `from=${encodeURIComponent(at(D, '08:00'))}&to=${encodeURIComponent(at(D, '20:00'))}`;
    const { status, body } = await getJson<Handover>(base, `/api/handover?${shift}`);
    expect(status).toBe(200);
    expect(body.shift).toEqual({ from: '2026-05-11T00:00:00.000Z', to: '2026-05-11T12:00:00.000Z' });
    expect(body.summary).toEqual({
      received: 6, registered: 4, rejected: 1, dispatched: 5, returned: 1, handled: 2, closed: 2, rework: 0,
      turnedOverdue: 0, escalated: 0, alerts: 1, openNow: 3, overdueNow: 1, warningNow: 1,
    });
    // Newest first.
    expect(body.received.cases.map((c) => c.id)).toEqual(['G', 'E', 'D', 'C', 'B', 'A'].map((k) => ids.get(k)));
    expect(body.received.total).toBe(6);
    expect(body.closed.cases.map((c) => [c.id, c.at])).toEqual([[ids.get('B'), '2026-05-11T09:00:00.000Z'], [ids.get('A'), '2026-05-11T07:00:00.000Z']]);
    expect(body.overdue).toMatchObject({ total: 1, cases: [{ id: ids.get('F'), areaCode: E1.at(-1), areaName: '第1网格' }] });
    expect(body.alerts.alerts.map((a) => a.headline)).toEqual(['暴雨蓝色预警']);
  });

  it('is scoped: an area outside the jurisdiction is 404, and children stay inside it; bad periods are 400', async () => {
    await ensureUser(t.database, 'ind-west-leader', 'leader', FIXTURE.west);
    const cookie = { cookie: await signIn(base, 'ind-west-leader') };
    const own = await getJson<IndicatorPanel>(base, `/api/indicators?from=${D}&to=${D2}&children=1`, cookie);
    expect(own.status).toBe(200);
    expect(own.body.area.code).toBe(FIXTURE.west);
    expectIndicators(own.body.indicators, WEST_TWO_DAYS);
    expect(own.body.children!.map((c) => c.code)).toEqual([`${FIXTURE.west}001`]);
    for (const path of [
      `/api/indicators?area=${FIXTURE.east}`,
      `/api/indicators?area=${FIXTURE.city}`,
      `/api/indicators?area=999999`,
      `/api/indicators/trend?area=${FIXTURE.east}`,
      `/api/indicators/export.csv?area=${FIXTURE.east}`,
      `/api/indicators/export.xlsx?area=${FIXTURE.east}`,
      `/api/handover?area=${FIXTURE.east}`,
    ]) {
      const r = await getJson<{ error: { code: string } }>(base, path, cookie);
      expect([path, r.status, r.body.error.code]).toEqual([path, 404, 'NOT_FOUND']);
    }
    // The west leader's handover sees only the west alert and the west cases.
    const handover = await getJson<Handover>(base, `/api/handover?from=${encodeURIComponent(at(D, '08:00'))}&to=${encodeURIComponent(at(D, '20:00'))}`, cookie);
    expect(handover.body.summary).toMatchObject({ received: 3, closed: 2, alerts: 1, openNow: 1, overdueNow: 0 });

    for (const [path, field] of [
      [`/api/indicators?from=2026-02-30`, 'from'],
      [`/api/indicators?from=${D1}&to=${D}`, 'to'],
      [`/api/indicators?from=${D}&to=${D}`, 'to'],
      [`/api/indicators?from=2024-01-01&to=2026-01-01`, 'to'],
      [`/api/indicators/trend?bucket=year`, 'bucket'],
      [`/api/indicators?kind=alert`, 'kind'],
      [`/api/handover?from=${encodeURIComponent(at(D, '20:00'))}&to=${encodeURIComponent(at(D, '08:00'))}`, 'to'],
      [`/api/handover?from=${encodeURIComponent(at(D, '08:00'))}&to=${encodeURIComponent(at('2026-05-15', '08:00'))}`, 'to'],
      [`/api/handover?from=yesterday`, 'from'],
    ] as const) {
      const r = await getJson<{ error: { code: string; details: Array<{ path: string }> } }>(base, path);
      expect([path, r.status, r.body.error.code, r.body.error.details[0]!.path]).toEqual([path, 400, 'BAD_QUERY', field]);
    }
  });

  it('intake (one case, and a batch in one statement) is counted at once, in the right areas', async () => {
    const from = addDays(shanghaiDate(Date.now()), -1);
    const query = `from=${from}&to=${addDays(from, 3)}&children=1`;
    const before = (await getJson<IndicatorPanel>(base, `/api/indicators?${query}`)).body;
    expect((await postJson(base, '/api/cases', incident('live-1', 106.605, 26.535))).status).toBe(201);
    const batch = [incident('live-2', 106.645, 26.535), incident('live-3', 106.655, 26.505), incident('live-4', 107.5, 27.5)];
    expect((await postJson(base, '/api/cases/batch', { cases: batch })).body.created).toBe(3);
    const after = (await getJson<IndicatorPanel>(base, `/api/indicators?${query}`)).body;
    const child = (p: IndicatorPanel, code: string) => p.children!.find((c) => c.code === code)!.indicators;
    // 4 new cases: one west, two east, one outside every area (the city only).
    expect([after.indicators.reported - before.indicators.reported, after.indicators.open - before.indicators.open]).toEqual([4, 4]);
    expect(child(after, FIXTURE.west).reported - child(before, FIXTURE.west).reported).toBe(1);
    expect(child(after, FIXTURE.east).reported - child(before, FIXTURE.east).reported).toBe(2);
  });

  it('the rollups equal a rebuild from scratch, and the OpenAPI document lists the routes', async () => {
    const before = await rollupTotals(t.database);
    expect(before.length).toBeGreaterThan(0);
    await t.database.rows(sql`SELECT indicator_rebuild()`);
    expect(await rollupTotals(t.database)).toEqual(before);
    const spec = (await (await authed(base, `${base}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
    for (const path of ['/api/indicators', '/api/indicators/trend', '/api/indicators/export.csv', '/api/indicators/export.xlsx', '/api/handover']) {
      expect(spec.paths[path], path).toBeDefined();
    }
  });
});

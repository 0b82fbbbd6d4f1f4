import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import { labelPoint } from '../../app/wall/map/geometry';
import { DEMO_DISPLAY_TOKEN } from '../../server/auth/demo-secrets';
import type { AreaCollection } from '../../server/protocol/rest';
import { adminApi, expectLabelsClear, openWall, shot, signInContext, unique, watchConsole } from './helpers';

/**
 * The leader's view (/leader), its exports and handover report, and the wall's KPI
 * strip, alert ticker and auto-rotating focus. Each test makes its own cases through
 * the REST API as the demo admin (intake, then transitions) and reads what the demo
 * leader sees; the period is today, so everything made here counts.
 */
const CITY = '520100';
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1440, height: 900 };

interface CaseRef {
  id: number;
  version: number;
  grid: string | null;
}

/** A fresh grid incident at [lng, lat]. */
async function report(api: APIRequestContext, at: [number, number]): Promise<CaseRef> {
  const response = await api.post('/api/cases', {
    data: { kind: 'incident', channel: 'grid_worker', externalId: unique(), category: '0502', severity: 'Moderate', title: '井盖缺失 e2e', location: { type: 'Point', coordinates: at } },
  });
  expect(response.status()).toBe(201);
  const { case: c } = (await response.json()) as { case: CaseRef };
  return c;
}

const STEPS: Record<string, Record<string, unknown>> = {
  register: {},
  dispatch: { department: 'cgj' },
  accept: {},
  handle: { note: '已处置 e2e' },
  close: { note: '核查通过' },
};

/** Moves a case through the given lifecycle steps as the admin (each with the version it expects). */
async function advance(api: APIRequestContext, c: CaseRef, actions: Array<keyof typeof STEPS>): Promise<CaseRef> {
  let current = c;
  for (const action of actions) {
    const response = await api.post(`/api/cases/${current.id}/transitions`, {
      data: { action, expectedVersion: current.version, commandId: randomUUID(), ...STEPS[action] },
    });
    expect(response.status(), `${action} → ${await response.text()}`).toBe(200);
    current = ((await response.json()) as { case: CaseRef }).case;
  }
  return current;
}

/** The seeded districts, by code, with a point inside each (the centroid of its largest part). */
async function districts(api: APIRequestContext): Promise<Array<{ code: string; at: [number, number] }>> {
  const response = await api.get('/api/areas?level=district&simplify=0.001');
  const areas = (await response.json()) as AreaCollection;
  return areas.features
    .map((f) => ({ code: f.properties.code, at: labelPoint(f) }))
    .filter((d): d is { code: string; at: [number, number] } => d.at !== null)
    .sort((a, b) => a.code.localeCompare(b.code));
}

async function openLeader(page: Page, path = '/leader'): Promise<void> {
  await page.goto(path);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live');
  await expect(page.locator('.leader-main')).toHaveAttribute('data-loading', 'false');
}

const mapContainer = (page: Page) => page.locator('[data-testid="leader-map"] .leaflet-container');

/** Waits until the map frames `code` with its children shaded. */
async function mapShows(page: Page, code: string, shaded = true): Promise<void> {
  await expect(mapContainer(page)).toHaveAttribute('data-area', code);
  if (shaded) await expect(mapContainer(page)).toHaveAttribute('data-shaded', 'yes');
  await expect(page.locator('.leader-main')).toHaveAttribute('data-area', code);
}

async function axeClean(page: Page, include?: string[]): Promise<void> {
  let builder = new AxeBuilder({ page });
  for (const selector of include ?? []) builder = builder.include(selector);
  const { violations } = await builder.analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

const rankOf = async (page: Page, code: string) => Number(await page.locator(`[data-testid="ranking"] li[data-code="${code}"]`).getAttribute('data-rank'));

test.describe('live ranking', () => {
  test.use({ viewport: LAPTOP });

  test('the ranking changes live when a case closes', async ({ page, baseURL }) => {
    const problems = watchConsole(page);
    const api = await adminApi(baseURL!);
    // The last two districts: the other tests work in the first.
    const all = await districts(api);
    const [p, q] = all.slice(-2) as [{ code: string; at: [number, number] }, { code: string; at: [number, number] }];
    // q: five cases handled and closed on time → score 100, five stars.
    for (let i = 0; i < 5; i++) await advance(api, await report(api, q.at), ['register', 'dispatch', 'accept', 'handle', 'close']);
    // p: one case handled, not yet closed → 结案率 0 → score 80.0 (docs/indicators.md weights).
    const pending = await advance(api, await report(api, p.at), ['register', 'dispatch', 'accept', 'handle']);

    await signInContext(page, 'leader');
    await openLeader(page);
    await mapShows(page, CITY);
    const pRow = page.locator(`[data-testid="ranking"] li[data-code="${p.code}"]`);
    const qRow = page.locator(`[data-testid="ranking"] li[data-code="${q.code}"]`);
    await expect(qRow.getByTestId('rank-score')).toHaveText('100.0');
    await expect(qRow.locator('.leader-stars')).toHaveAttribute('data-value', '5');
    await expect(pRow.getByTestId('rank-score')).toHaveText('80.0');
    expect(await rankOf(page, q.code)).toBeLessThan(await rankOf(page, p.code));

    // Closing p's case: the page hears case.updated and re-reads the ranking, no reload.
    await advance(api, pending, ['close']);
    await expect(pRow.getByTestId('rank-score')).toHaveText('100.0');
    // Equal scores, equal overdue: the lower code ranks first.
    await expect.poll(async () => (await rankOf(page, p.code)) < (await rankOf(page, q.code))).toBe(true);

    await page.getByTestId('shade-picker').selectOption('score');
    await expect(mapContainer(page)).toHaveAttribute('data-shaded', 'yes');
    await page.screenshot({ path: shot('leader-laptop-1440x900') });
    await axeClean(page);
    expect(problems).toEqual([]);
    await api.dispose();
  });
});

test.describe('on a phone', () => {
  test.use({ viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });

  test('the demo leader drills from the city to a grid and back', async ({ page, baseURL }) => {
    const problems = watchConsole(page);
    const api = await adminApi(baseURL!);
    const [first] = await districts(api);
    const c = await report(api, first!.at);
    expect(c.grid).toMatch(new RegExp(`^${first!.code}\\d{9}$`));
    const grid = c.grid!;
    const [district, street, community] = [grid.slice(0, 6), grid.slice(0, 9), grid.slice(0, 12)];

    await signInContext(page, 'leader');
    await openLeader(page);
    await mapShows(page, CITY);
    await expect(page.getByTestId('area-name')).toContainText('贵阳市');
    await expect(page.locator(`[data-testid="ranking"] li[data-code="${district}"]`)).toBeVisible();
    // Ten districts on a 390 px map, the central ones small and under the hotspot badges: none piles up.
    await expect(mapContainer(page).locator('.hcm-hotspot-badge')).not.toHaveCount(0);
    await expectLabelsClear(page, '[data-testid="leader-map"] .leaflet-container', '.leader-map-label', 6);

    // City → district: a tap on the map.
    await page.locator(`[data-area-code="${district}"]`).dispatchEvent('click');
    await mapShows(page, district);
    await expect(page.getByTestId('breadcrumb').locator('li')).toHaveCount(2);
    // District → street: a row of the ranking.
    await page.locator(`[data-testid="ranking"] li[data-code="${street}"] button`).tap();
    await mapShows(page, street);
    // Street → community: the map again.
    await page.locator(`[data-area-code="${community}"]`).dispatchEvent('click');
    await mapShows(page, community);
    // Community → grid, the smallest unit: no level below, the case counts here.
    await page.locator(`[data-testid="ranking"] li[data-code="${grid}"] button`).tap();
    await mapShows(page, grid, false);
    await expect(page.getByTestId('breadcrumb').locator('li')).toHaveCount(5);
    await expect(page.getByTestId('ranking')).toContainText('网格是最小管理单元');
    expect(Number(await page.getByTestId('kpi-reported').getAttribute('data-value'))).toBeGreaterThanOrEqual(1);
    expect(Number(await page.getByTestId('kpi-open').getAttribute('data-value'))).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: shot('leader-phone-grid') });

    // Back: the phone's back button climbs one level, the breadcrumb straight to the city.
    await page.goBack();
    await mapShows(page, community);
    await page.getByTestId('breadcrumb').getByRole('button', { name: '贵阳市' }).tap();
    await mapShows(page, CITY);
    await expect(page.getByTestId('breadcrumb')).toHaveCount(0); // the top of the jurisdiction needs none

    await page.screenshot({ path: shot('leader-phone-390x844') });
    await axeClean(page);
    expect(problems).toEqual([]);
    await api.dispose();
  });
});

test.describe('on a laptop', () => {
  test.use({ viewport: LAPTOP });

  test('a grid worker is told the view is not for their role', async ({ page }) => {
    const problems = watchConsole(page);
    await signInContext(page, 'nm-grid');
    await page.goto('/leader');
    await expect(page.getByTestId('not-for-role')).toBeVisible();
    await expect(page.getByTestId('kpis')).toHaveCount(0);
    expect(problems).toEqual([]);
  });

  test('the XLSX export parses back to the numbers on screen', async ({ page }) => {
    const problems = watchConsole(page);
    await signInContext(page, 'leader');
    await openLeader(page, '/leader?shade=score');
    await mapShows(page, CITY);
    await expect(page.locator('[data-testid="ranking"] li[data-code]').first()).toBeVisible();

    const keys = ['open', 'overdue', 'warning', 'reported', 'closed', 'onTimeHandleRate', 'closeRate', 'onTimeCloseRate', 'reworkRate', 'dispatchAccuracy', 'avgHandleHours', 'score'] as const;
    const onScreen: Record<string, { value: string; text: string }> = {};
    for (const key of keys) {
      const el = page.getByTestId(`kpi-${key}`);
      onScreen[key] = { value: (await el.getAttribute('data-value')) ?? '', text: (await el.textContent()) ?? '' };
    }
    const rows = await page.locator('[data-testid="ranking"] li[data-code]').evaluateAll((items) =>
      items.map((li) => ({ code: li.getAttribute('data-code')!, rank: Number(li.getAttribute('data-rank')), score: li.querySelector('[data-testid="rank-score"]')!.textContent! })),
    );
    expect(rows.length).toBeGreaterThan(1);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-xlsx').click()]);
    expect(download.suggestedFilename()).toMatch(/^指标_贵阳市_520100_\d{4}-\d{2}-\d{2}\.xlsx$/);
    const path = test.info().outputPath('export.xlsx');
    await download.saveAs(path);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.getWorksheet('指标')!;
    const header = (sheet.getRow(2).values as unknown[]).map((v) => (v === undefined ? '' : String(v)));
    const column = (zh: string) => {
      const i = header.indexOf(zh);
      expect(i, zh).toBeGreaterThan(0);
      return i;
    };
    const cell = (row: number, zh: string) => sheet.getRow(row).getCell(column(zh)).value as number | string | null;
    const byKey: Record<(typeof keys)[number], string> = {
      open: '在办',
      overdue: '超期',
      warning: '预警',
      reported: '新增',
      closed: '结案',
      onTimeHandleRate: '按期处置率',
      closeRate: '结案率',
      onTimeCloseRate: '按期结案率',
      reworkRate: '返工率',
      dispatchAccuracy: '准确派遣率',
      avgHandleHours: '平均处置时长(工作小时)',
      score: '综合评分',
    };
    // Row 3 is the city itself: every KPI on screen is the exact number in the file.
    expect(cell(3, '区划代码')).toBe(CITY);
    for (const key of keys) {
      const value = cell(3, byKey[key]);
      expect(value === null ? '' : String(value), key).toBe(onScreen[key]!.value);
      if (typeof value === 'number' && key.endsWith('Rate')) expect(onScreen[key]!.text).toBe(`${(Math.round(value * 1000) / 10).toFixed(1)}%`);
    }
    // Then the children, in the ranking order shown, with the scores shown.
    for (const [i, row] of rows.entries()) {
      expect(cell(4 + i, '区划代码')).toBe(row.code);
      expect(cell(4 + i, '排名')).toBe(row.rank);
      const score = cell(4 + i, '综合评分');
      expect(score === null ? '—' : (score as number).toFixed(1)).toBe(row.score);
    }
    expect(problems).toEqual([]);
  });

  test('the handover report lists the shift and prints on one page', async ({ page, baseURL }) => {
    const problems = watchConsole(page);
    const api = await adminApi(baseURL!);
    const [first] = await districts(api);
    const closed = await advance(api, await report(api, first!.at), ['register', 'dispatch', 'accept', 'handle', 'close']);

    await signInContext(page, 'leader');
    await openLeader(page);
    await page.getByTestId('handover-link').click();
    await expect(page).toHaveURL(/\/leader\/handover\?from=/);
    await expect(page.getByTestId('handover-closed')).toBeVisible();
    await expect(page.getByTestId('handover-closed').locator('td', { hasText: String(closed.id) }).first()).toBeVisible();
    expect(Number(await page.getByTestId('handover-received').getAttribute('data-total'))).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: shot('handover-1440x900'), fullPage: true });
    await axeClean(page);

    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: shot('handover-print'), fullPage: true });
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
    expect(pages.length).toBe(1);
    expect(problems).toEqual([]);
    await api.dispose();
  });
});

/** A severe rainstorm alert over a small square around [lng, lat]; every affected district must acknowledge it. */
async function postAlert(api: APIRequestContext, [lng, lat]: [number, number]): Promise<{ id: number; ack: { pending: string[] } }> {
  const posted = await api.post('/api/alerts', {
    data: {
      externalId: unique(),
      eventType: 'MET_RAINSTORM',
      headline: '暴雨橙色预警 · 请各区签收',
      severity: 'Severe',
      urgency: 'Immediate',
      certainty: 'Likely',
      geometry: { type: 'Polygon', coordinates: [[[lng - 0.02, lat - 0.02], [lng + 0.02, lat - 0.02], [lng + 0.02, lat + 0.02], [lng - 0.02, lat + 0.02], [lng - 0.02, lat - 0.02]]] },
    },
  });
  expect(posted.status()).toBe(201);
  return ((await posted.json()) as { alert: { id: number; ack: { pending: string[] } } }).alert;
}

test.describe('the wall', () => {
  test('shows the KPI strip and the alert ticker on a 4K wall display', async ({ page, baseURL }) => {
    const problems = watchConsole(page);
    const api = await adminApi(baseURL!);
    const [first] = await districts(api);
    const alert = await postAlert(api, first!.at);
    expect(alert.ack.pending.length).toBeGreaterThan(0);

    await page.setViewportSize({ width: 3840, height: 2160 });
    // The city's wall display (a display token, not a person): it may read the indicator panel.
    await openWall(page, `/wall?display=${DEMO_DISPLAY_TOKEN}`);
    await expect(page.getByTestId('kpi-strip')).toBeVisible();
    await expect(page.getByTestId('wall-kpi-open')).not.toHaveAttribute('data-value', '');
    const item = page.getByTestId('alert-ticker').locator(`[data-alert-id="${alert.id}"]`);
    await expect(item).toBeVisible();
    await expect(item).toHaveAttribute('data-pending', 'true');
    await expect(page.getByTestId('tour-status')).toHaveAttribute('data-mode', 'home');
    await expect(page.getByTestId('tour-status')).toHaveText('轮播中 · 贵阳市');
    // The strip's numbers are the leader's numbers: the same panel.
    const panel = (await (await api.get('/api/indicators')).json()) as { indicators: { reported: number } };
    await expect(page.getByTestId('wall-kpi-reported')).toHaveAttribute('data-value', String(panel.indicators.reported));
    await page.screenshot({ path: shot('wall-kpi-3840x2160') });
    await axeClean(page, ['[data-testid="kpi-strip"]', '[data-testid="alert-ticker"]', '[data-testid="tour-status"]']);
    expect(problems).toEqual([]);
    await api.dispose();
  });

  test('rotates its focus and pauses while someone touches it', async ({ page, baseURL }) => {
    const problems = watchConsole(page);
    const api = await adminApi(baseURL!);
    const [first] = await districts(api);
    await postAlert(api, first!.at);
    await signInContext(page, 'admin');
    await page.setViewportSize({ width: 1920, height: 1080 });
    // Every 5 s (the shortest allowed): a severe alert is there to visit.
    await openWall(page, '/wall?tour=5');
    await expect(page.getByTestId('tour-status')).toHaveAttribute('data-mode', 'focus', { timeout: 20_000 });
    await expect(page.getByTestId('tour-status')).toContainText('暴雨橙色预警');
    await page.mouse.click(960, 700);
    await expect(page.getByTestId('tour-status')).toHaveAttribute('data-mode', 'paused');
    expect(problems).toEqual([]);
    await api.dispose();
  });
});

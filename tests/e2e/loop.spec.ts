import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from '@playwright/test';
import pg from 'pg';
import sharp from 'sharp';
import { adminApi, count, openWall, shot, signInContext, unique, watchConsole } from './helpers';

/**
 * The whole loop by real browsers, as the demo people would run it: 南明区's
 * dispatcher at a desk (1920×1080), the grid worker nm-grid on a phone (390×844)
 * and a wall. The worker reports a case with a photo → it appears in the
 * dispatcher's queue live → registered and assigned to that worker (the suggested
 * responder) in one click → the worker's task appears live, is accepted and
 * reported handled with a photo → the dispatcher verifies (both photos) and closes
 * → the wall's open count comes back down; the worker going off duty greys them
 * out on the desk's map at once. Nobody reloads: every page counts its
 * document loads. Then two desks race on one handled case (the loser is told who
 * did what), and a report made offline is delivered exactly once.
 */

const PHONE: BrowserContextOptions = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  permissions: ['geolocation'],
};

interface Home {
  responderId: number;
  grid: string;
  lng: number;
  lat: number;
}

/** The worker's responder record and a point inside its home grid (the vertex mean of the seeded, convex grid). */
async function homeOf(page: Page): Promise<Home> {
  const tasks = (await (await page.request.get('/api/me/tasks')).json()) as { responder: { id: number; homeGrid: string } };
  const areas = (await (await page.request.get('/api/areas?level=grid')).json()) as {
    features: Array<{ properties: { code: string }; geometry: { coordinates: number[][][][] } }>;
  };
  const grid = areas.features.find((f) => f.properties.code === tasks.responder.homeGrid)!;
  const ring = grid.geometry.coordinates[0]![0]!.slice(0, -1);
  const lng = ring.reduce((s, p) => s + p[0]!, 0) / ring.length;
  const lat = ring.reduce((s, p) => s + p[1]!, 0) / ring.length;
  return { responderId: tasks.responder.id, grid: grid.properties.code, lng, lat };
}

async function jpeg(colour: { r: number; g: number; b: number }): Promise<Buffer> {
  return sharp({ create: { width: 640, height: 480, channels: 3, background: colour } }).jpeg({ quality: 85 }).toBuffer();
}

/**
 * Counts the page's document loads from now on (a reload or a full navigation is
 * one) and marks its window; `noReloads` checks both at the end.
 */
async function watchLoads(page: Page): Promise<() => Promise<void>> {
  let loads = 0;
  page.on('load', () => loads++);
  await page.evaluate(() => Object.assign(window, { __loopMarker: true }));
  return async () => {
    expect(loads, `${page.url()} was loaded again`).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __loopMarker?: boolean }).__loopMarker)).toBe(true);
  };
}

async function phone(browser: Browser, baseURL: string): Promise<{ context: BrowserContext; page: Page; home: Home }> {
  const context = await browser.newContext({ ...PHONE, baseURL });
  const page = await context.newPage();
  await signInContext(page, 'nm-grid');
  const home = await homeOf(page);
  await context.setGeolocation({ longitude: home.lng, latitude: home.lat, accuracy: 8 });
  return { context, page, home };
}

async function desk(browser: Browser, baseURL: string, login: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  await signInContext(page, login);
  return { context, page };
}

async function openReportApp(page: Page): Promise<void> {
  await page.goto('/report');
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live');
}

async function openConsole(page: Page): Promise<void> {
  await page.goto('/dispatch');
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live');
  await expect(page.getByTestId('count-register')).toHaveText(/^\d+$/);
}

async function fillReport(page: Page, title: string, photo: Buffer): Promise<void> {
  await page.getByTestId('tab-report').click();
  await expect(page.getByTestId('report-location')).toHaveAttribute('data-source', 'gps');
  await page.getByTestId('category-major').selectOption('市容环境');
  await page.getByTestId('category-minor').selectOption('0102');
  await page.getByRole('radio', { name: '较重' }).check();
  await page.getByTestId('report-title').fill(title);
  await page.getByTestId('report-description').fill('菜场门口垃圾满溢，约一立方米');
  await page.getByTestId('report-photos').locator('input[type="file"]').setInputFiles({ name: 'scene.jpg', mimeType: 'image/jpeg', buffer: photo });
  await expect(page.getByTestId('report-photos').locator('img')).toHaveCount(1);
}

/** The cases titled `title` in the city-wide admin's 待立案 (a duplicate would be a second row). */
async function casesTitled(api: APIRequestContext, title: string): Promise<Array<{ id: number; grid: string | null }>> {
  const response = await api.get('/api/dispatch/queue?tab=register&category=0102&limit=200');
  expect(response.status()).toBe(200);
  const body = (await response.json()) as { cases: Array<{ id: number; title: string | null; grid: string | null }> };
  return body.cases.filter((c) => c.title === title);
}

/** Rows of `cases` with this idempotency key, counted in PostgreSQL itself (the PGlite server holds its files alone). */
async function rowsWithKey(externalId: string): Promise<number | null> {
  if (test.info().project.name !== 'postgres') return null;
  const db = new pg.Client({ connectionString: process.env.E2E_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/hcm_e2e' });
  await db.connect();
  try {
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM cases WHERE external_id = $1', [externalId]);
    return rows[0]!.n;
  } finally {
    await db.end();
  }
}

/** The worker on duty, sharing the phone's position (the desk's nearest-available list needs one). */
async function onDuty(page: Page): Promise<void> {
  const toggle = page.getByTestId('duty-toggle');
  await expect(toggle).toBeEnabled();
  if ((await toggle.getAttribute('aria-checked')) !== 'true') await toggle.click();
  await expect(toggle).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('duty-status')).toContainText('位置共享中');
}

let admin: APIRequestContext;
test.beforeAll(async ({ baseURL }) => {
  admin = await adminApi(baseURL!);
});
test.afterAll(async () => {
  await admin.dispose();
});

test('one case around the loop: phone report → desk assigns the worker in one click → handled on the phone → closed; the wall counts it out', async ({
  browser,
  baseURL,
}) => {
  // Three browsers and two photo uploads on a busy 2-core box.
  test.slow();
  const worker = await phone(browser, baseURL!);
  const dispatcher = await desk(browser, baseURL!, 'nm-dispatcher');
  const wallContext = await browser.newContext({ baseURL, viewport: { width: 1920, height: 1080 } });
  const wall = await wallContext.newPage();
  await signInContext(wall, 'admin');
  const problems = [watchConsole(worker.page), watchConsole(dispatcher.page), watchConsole(wall)];

  await openReportApp(worker.page);
  await onDuty(worker.page);
  await openConsole(dispatcher.page);
  await openWall(wall);
  const checks = await Promise.all([worker.page, dispatcher.page, wall].map(watchLoads));
  const openBefore = await count(wall, 'count-open-incidents');
  const registerBefore = Number(await dispatcher.page.getByTestId('count-register').textContent());

  // 1. The worker reports from the street, with a photo.
  const title = `垃圾满溢 ${unique()}`;
  await fillReport(worker.page, title, await jpeg({ r: 30, g: 150, b: 70 }));
  await worker.page.getByTestId('report-submit').click();
  const toast = worker.page.getByTestId('toasts').getByText(/上报成功，案件编号 \d+/);
  await expect(toast).toBeVisible();
  const id = Number(/(\d+)$/.exec((await toast.textContent()) ?? '')![1]);

  // 2. It appears in the dispatcher's 待立案 live, and on the wall.
  const row = dispatcher.page.getByTestId(`queue-row-${id}`);
  await expect(row).toBeVisible();
  await expect(dispatcher.page.getByTestId('count-register')).toHaveText(String(registerBefore + 1));
  await expect(wall.getByTestId('count-open-incidents')).toHaveText(String(openBefore + 1));

  // 3. Open it: its photo, and the worker among the suggestions — 属地 (their grid) and nearest on duty.
  await row.click();
  const view = dispatcher.page.getByTestId('case-view');
  await expect(view).toHaveAttribute('data-case-id', String(id));
  await expect(dispatcher.page.getByTestId('photos').locator('img')).toHaveCount(1);
  const r = worker.home.responderId;
  await expect(dispatcher.page.getByTestId(`suggestion-territorial-${r}`)).toBeVisible();
  await expect(dispatcher.page.getByTestId(`suggestion-nearest-${r}`)).toBeVisible();
  // One click: 立案并派遣 to that worker.
  const assign = dispatcher.page.getByTestId(`assign-territorial-${r}`);
  await expect(assign).toHaveText(/^立案并派遣/);
  await assign.click();
  await expect(dispatcher.page.getByTestId('case-status')).toHaveText('已派遣');
  await expect(row).toHaveCount(0);

  // 4. The task arrives on the phone live; accepted, then handled with a note and a photo.
  const card = worker.page.getByTestId(`task-${id}`);
  await worker.page.getByTestId('tab-tasks').click();
  await expect(card).toBeVisible();
  await expect(card).toHaveAttribute('data-status', 'dispatched');
  await card.click();
  await expect(worker.page.getByTestId('task-detail')).toBeVisible();
  await worker.page.getByTestId('action-accept').click();
  await expect(worker.page.getByTestId('task-status')).toHaveText('处置中');
  // The desk follows the field live.
  await expect(dispatcher.page.getByTestId('case-status')).toHaveText('处置中');
  await worker.page.getByTestId('action-handle').click();
  await worker.page.getByTestId('handle-text').fill('已联系环卫清运，现场已清理');
  await worker.page.getByTestId('handle-photos').locator('input[type="file"]').setInputFiles({ name: 'after.jpg', mimeType: 'image/jpeg', buffer: await jpeg({ r: 210, g: 200, b: 60 }) });
  await expect(worker.page.getByTestId('handle-photos').locator('img')).toHaveCount(1);
  await worker.page.getByTestId('handle-submit').click();
  await expect(worker.page.getByTestId('task-status')).toHaveText('待核查');

  // 5. The dispatcher verifies — the case in 待核查 with both photos — and closes it.
  await expect(dispatcher.page.getByTestId('case-status')).toHaveText('已处置');
  await dispatcher.page.getByTestId('tab-verify').click();
  await expect(dispatcher.page.getByTestId(`queue-row-${id}`)).toBeVisible();
  await expect(dispatcher.page.getByTestId('photos').locator('img')).toHaveCount(2);
  await expect(dispatcher.page.getByTestId('timeline')).toContainText('已联系环卫清运');
  // Still open until closed.
  expect(await count(wall, 'count-open-incidents')).toBe(openBefore + 1);
  await dispatcher.page.getByTestId('action-close').click();
  await expect(dispatcher.page.getByTestId('case-status')).toHaveText('已结案');
  await expect(dispatcher.page.getByTestId(`queue-row-${id}`)).toHaveCount(0);

  // 6. Everyone sees the end: the task leaves the phone, the wall's open count drops by one.
  await expect(card).toHaveCount(0);
  await expect(wall.getByTestId('count-open-incidents')).toHaveText(String(openBefore));
  const stored = (await (await admin.get(`/api/cases/${id}`)).json()) as { case: { status: string; assigneeId: number; grid: string } };
  expect(stored.case).toMatchObject({ status: 'closed', assigneeId: r, grid: worker.home.grid });
  const timeline = (await (await admin.get(`/api/cases/${id}/events`)).json()) as { events: Array<{ action: string; actor: { login?: string } }> };
  const steps = ['register', 'dispatch', 'accept', 'handle', 'close'];
  expect(timeline.events.filter((e) => steps.includes(e.action)).map((e) => [e.action, e.actor.login])).toEqual([
    ['register', 'nm-dispatcher'],
    ['dispatch', 'nm-dispatcher'],
    ['accept', 'nm-grid'],
    ['handle', 'nm-grid'],
    ['close', 'nm-dispatcher'],
  ]);
  await dispatcher.page.screenshot({ path: shot('loop-dispatch-closed-1920x1080') });

  // 7. The worker goes off duty: the desk's map shows it at once (responderStatus), and back on.
  const map = dispatcher.page.getByTestId('case-map').locator('.leaflet-container');
  await expect(map).toHaveAttribute('data-responder-status', new RegExp(`(^|,)${r}:on_duty(,|$)`));
  await worker.page.getByTestId('duty-toggle').click();
  await expect(worker.page.getByTestId('duty-status')).toHaveText('离岗：不共享位置');
  await expect(map).toHaveAttribute('data-responder-status', new RegExp(`(^|,)${r}:off_duty(,|$)`));
  await onDuty(worker.page);
  await expect(map).toHaveAttribute('data-responder-status', new RegExp(`(^|,)${r}:on_duty(,|$)`));

  for (const check of checks) await check();
  expect(problems.flat()).toEqual([]);
  await Promise.all([worker.context.close(), dispatcher.context.close(), wallContext.close()]);
});

test('two desks race on a handled case: the first to land wins, the other is told who did what and sees the case as it now is', async ({ browser, baseURL }) => {
  const worker = await phone(browser, baseURL!);
  const dispatcher = await desk(browser, baseURL!, 'nm-dispatcher');
  const duty = await desk(browser, baseURL!, 'nm-duty');
  const problems = [watchConsole(worker.page), watchConsole(duty.page)];

  // A case in the worker's grid brought to 待核查 by REST (dispatched to the worker, accepted and handled by the desk).
  const created = await admin.post('/api/cases', {
    data: { kind: 'incident', channel: 'sensor', externalId: unique(), category: '0701', severity: 'Severe', title: `井盖破损 ${unique()}`, location: { type: 'Point', coordinates: [worker.home.lng, worker.home.lat] } },
  });
  expect(created.status()).toBe(201);
  const { case: reported } = (await created.json()) as { case: { id: number; version: number } };
  let version = reported.version;
  for (const [action, extra] of [
    ['register', {}],
    ['dispatch', { assigneeId: worker.home.responderId }],
    ['accept', {}],
    ['handle', { note: '已更换井盖' }],
  ] as const) {
    const response = await admin.post(`/api/cases/${reported.id}/transitions`, { data: { action, expectedVersion: version, commandId: unique(), ...extra } });
    expect(response.status(), `${action}: ${await response.text()}`).toBe(200);
    version = ((await response.json()) as { case: { version: number } }).case.version;
  }

  await openReportApp(worker.page);
  await openConsole(dispatcher.page);
  await openConsole(duty.page);
  const checks = await Promise.all([worker.page, dispatcher.page, duty.page].map(watchLoads));
  await expect(worker.page.getByTestId(`task-${reported.id}`)).toHaveAttribute('data-status', 'handled');
  for (const p of [dispatcher.page, duty.page]) {
    await p.getByTestId('tab-verify').click();
    await p.getByTestId(`queue-row-${reported.id}`).click();
    await expect(p.getByTestId('case-view')).toHaveAttribute('data-case-id', String(reported.id));
    await expect(p.getByTestId('action-close')).toBeEnabled();
  }

  // The dispatcher's 结案 is on the wire (held here) while the duty officer's 返工 lands first.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let reached!: () => void;
  const onWire = new Promise<void>((resolve) => (reached = resolve));
  await dispatcher.page.route(`**/api/cases/${reported.id}/transitions`, async (route) => {
    reached();
    await held;
    await route.continue();
  });
  await dispatcher.page.getByTestId('action-close').click();
  await onWire;
  await duty.page.getByTestId('action-rework').click();
  const dialog = duty.page.getByTestId('action-dialog');
  await dialog.getByRole('textbox').first().fill('井盖未固定，请返工');
  await dialog.getByTestId('dialog-submit').click();
  await expect(duty.page.getByTestId('case-status')).toHaveText('处置中');
  release();

  const conflict = dispatcher.page.getByTestId('conflict');
  await expect(conflict).toBeVisible();
  await expect(conflict).toContainText('南明区值班员');
  await expect(conflict).toContainText('返工');
  // Reloaded: what the other desk did, and only what is possible now (no 结案 on a case being reworked).
  await expect(dispatcher.page.getByTestId('case-status')).toHaveText('处置中');
  await expect(dispatcher.page.getByTestId('action-close')).toHaveCount(0);
  await dispatcher.page.screenshot({ path: shot('loop-conflict-1920x1080') });
  await dispatcher.page.unroute(`**/api/cases/${reported.id}/transitions`);
  // The worker has it back, live.
  await expect(worker.page.getByTestId(`task-${reported.id}`)).toHaveAttribute('data-status', 'in_progress');
  const after = (await (await admin.get(`/api/cases/${reported.id}`)).json()) as { case: { status: string; version: number; rework: number } };
  expect(after.case).toMatchObject({ status: 'in_progress', version: version + 1, rework: 1 });

  for (const check of checks) await check();
  expect(problems.flat()).toEqual([]);
  await Promise.all([worker.context.close(), dispatcher.context.close(), duty.context.close()]);
});

test('a report made offline is queued visibly and delivered exactly once when the network returns; the desk sees it arrive', async ({ browser, baseURL }) => {
  test.slow();
  const worker = await phone(browser, baseURL!);
  const dispatcher = await desk(browser, baseURL!, 'nm-dispatcher');
  await openReportApp(worker.page);
  await expect(worker.page.locator('html')).toHaveAttribute('data-offline-ready', 'true');
  await openConsole(dispatcher.page);
  const checks = await Promise.all([worker.page, dispatcher.page].map(watchLoads));
  const registerBefore = Number(await dispatcher.page.getByTestId('count-register').textContent());

  await worker.context.setOffline(true);
  await expect(worker.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'offline');
  const title = `占道堆物 ${unique()}`;
  await fillReport(worker.page, title, await jpeg({ r: 150, g: 40, b: 40 }));
  await worker.page.getByTestId('report-submit').click();
  await expect(worker.page.getByTestId('toasts').getByText('当前无网络，已保存到待发送')).toBeVisible();
  await expect(worker.page.getByTestId('outbox-count')).toHaveText('1');
  await worker.page.getByTestId('tab-outbox').click();
  const item = worker.page.locator('[data-testid^="outbox-item-"]');
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute('data-state', 'pending');
  await expect(item).toContainText('1 张照片');
  const externalId = ((await item.getAttribute('data-testid')) ?? '').replace('outbox-item-', '');
  expect(externalId).toMatch(/^[0-9a-f-]{36}$/);
  expect(await casesTitled(admin, title)).toHaveLength(0);
  expect(await rowsWithKey(externalId)).toBe(test.info().project.name === 'postgres' ? 0 : null);

  // Back online: sent once; online/offline/online again sends nothing more.
  await worker.context.setOffline(false);
  await expect(worker.page.getByTestId('outbox-count')).toHaveText('0');
  await expect(worker.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
  await worker.context.setOffline(true);
  await worker.context.setOffline(false);
  await expect(worker.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
  await expect(worker.page.getByTestId('outbox-count')).toHaveText('0');

  const stored = await casesTitled(admin, title);
  expect(stored).toHaveLength(1);
  expect(stored[0]!.grid).toBe(worker.home.grid);
  const detail = (await (await admin.get(`/api/cases/${stored[0]!.id}`)).json()) as { externalId: string };
  expect(detail.externalId).toBe(externalId);
  expect(await rowsWithKey(externalId)).toBe(test.info().project.name === 'postgres' ? 1 : null);
  const photos = (await (await admin.get(`/api/cases/${stored[0]!.id}/photos`)).json()) as { photos: unknown[] };
  expect(photos.photos).toHaveLength(1);
  // The desk got it live, once.
  await expect(dispatcher.page.getByTestId(`queue-row-${stored[0]!.id}`)).toHaveCount(1);
  await expect(dispatcher.page.getByTestId('count-register')).toHaveText(String(registerBefore + 1));

  for (const check of checks) await check();
  await Promise.all([worker.context.close(), dispatcher.context.close()]);
});

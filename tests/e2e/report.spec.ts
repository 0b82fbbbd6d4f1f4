import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import pg from 'pg';
import sharp from 'sharp';
import { adminApi, shot, signInContext, unique, watchConsole } from './helpers';

/**
 * The grid worker's phone app at 390×844 (nm-grid, linked to a responder in
 * 平溪街道): a report with a GPS position and a real JPEG is stored with its photo;
 * a task dispatched to the worker by REST appears live and goes 接单 → 处置反馈
 * with a photo; a report made offline waits in 待发送 and is delivered exactly
 * once when the network returns. Axe on every view; screenshots at phone size.
 */
test.use({
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
  permissions: ['geolocation'],
  geolocation: { longitude: 106.717, latitude: 26.571, accuracy: 12 },
});

interface Task {
  id: number;
  status: string;
  version: number;
}

/** A point inside the worker's home grid (the vertex mean of the seeded, convex grid). */
async function homePoint(page: Page): Promise<{ responderId: number; grid: string; lng: number; lat: number }> {
  const tasks = (await (await page.request.get('/api/me/tasks')).json()) as { responder: { id: number; homeGrid: string } };
  const areas = (await (await page.request.get(`/api/areas?level=grid`)).json()) as {
    features: Array<{ properties: { code: string }; geometry: { coordinates: number[][][][] } }>;
  };
  const grid = areas.features.find((f) => f.properties.code === tasks.responder.homeGrid)!;
  const ring = grid.geometry.coordinates[0]![0]!.slice(0, -1);
  const lng = ring.reduce((s, p) => s + p[0]!, 0) / ring.length;
  const lat = ring.reduce((s, p) => s + p[1]!, 0) / ring.length;
  return { responderId: tasks.responder.id, grid: grid.properties.code, lng, lat };
}

async function jpeg(colour: { r: number; g: number; b: number }): Promise<Buffer> {
  return sharp({ create: { width: 800, height: 600, channels: 3, background: colour } }).jpeg({ quality: 85 }).toBuffer();
}

async function openReportApp(page: Page): Promise<void> {
  await page.goto('/report');
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live');
}

async function axe(page: Page, view: string): Promise<void> {
  const result = await new AxeBuilder({ page }).exclude('.leaflet-container').analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${view}: ${v.id} ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

async function fillReport(page: Page, title: string, photo: Buffer): Promise<void> {
  await page.getByTestId('tab-report').click();
  await expect(page.getByTestId('report-location')).toHaveAttribute('data-source', 'gps');
  await page.getByTestId('category-major').selectOption('市容环境');
  await page.getByTestId('category-minor').selectOption('0102');
  await page.getByRole('radio', { name: '较重' }).check();
  await page.getByTestId('report-title').fill(title);
  await page.getByTestId('report-description').fill('路口堆放生活垃圾，约两立方米');
  await page.getByTestId('report-photos').locator('input[type="file"]').setInputFiles({ name: 'scene.jpg', mimeType: 'image/jpeg', buffer: photo });
  await expect(page.getByTestId('report-photos').locator('img')).toHaveCount(1);
}

/** The cases whose title is `title`, as the city-wide admin's 待立案 queue lists them. */
async function casesTitled(api: APIRequestContext, title: string, category = '0102'): Promise<Array<{ id: number; grid: string | null }>> {
  const response = await api.get(`/api/dispatch/queue?tab=register&category=${category}&limit=200`);
  expect(response.status()).toBe(200);
  const body = (await response.json()) as { cases: Array<{ id: number; title: string | null; grid: string | null }> };
  return body.cases.filter((c) => c.title === title);
}

async function transition(api: APIRequestContext, id: number, body: Record<string, unknown>): Promise<Task> {
  const response = await api.post(`/api/cases/${id}/transitions`, { data: { commandId: unique(), ...body } });
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { case: Task }).case;
}

test.beforeEach(async ({ page }) => {
  await signInContext(page, 'nm-grid');
});

test('files a report with a GPS position and a photo; it is stored with the photo', async ({ page, context, baseURL }) => {
  const problems = watchConsole(page);
  const home = await homePoint(page);
  await context.setGeolocation({ longitude: home.lng, latitude: home.lat, accuracy: 8 });
  await openReportApp(page);
  await axe(page, 'tasks');

  const title = `暴露垃圾 ${unique()}`;
  await fillReport(page, title, await jpeg({ r: 40, g: 140, b: 60 }));
  await page.screenshot({ path: shot('report-form') });
  await axe(page, 'report form');
  await page.getByTestId('report-submit').click();
  const toast = page.getByTestId('toasts').getByText(/上报成功，案件编号 \d+/);
  await expect(toast).toBeVisible();
  const id = Number(/(\d+)$/.exec((await toast.textContent()) ?? '')![1]);
  // The form starts over for the next report.
  await expect(page.getByTestId('report-title')).toHaveValue('');
  await expect(page.getByTestId('outbox-count')).toHaveText('0');

  const admin = await adminApi(baseURL!);
  const stored = (await (await admin.get(`/api/cases/${id}`)).json()) as { case: { title: string; channel: string; grid: string; category: string; severity: string; lng: number; lat: number } };
  expect(stored.case).toMatchObject({ title, channel: 'grid_worker', grid: home.grid, category: '0102', severity: 'Moderate' });
  expect(stored.case.lng).toBeCloseTo(home.lng, 5);
  const photos = (await (await admin.get(`/api/cases/${id}/photos`)).json()) as { photos: Array<{ id: string; mediaType: string }> };
  expect(photos.photos).toHaveLength(1);
  expect(photos.photos[0]!.mediaType).toBe('image/jpeg');
  const bytes = await admin.get(`/api/photos/${photos.photos[0]!.id}`);
  expect(bytes.status()).toBe(200);
  expect((await sharp(await bytes.body()).metadata()).width).toBe(800);
  await admin.dispose();
  expect(problems).toEqual([]);
});

test('a task dispatched to me appears live; I accept it and report it handled with a photo', async ({ page, context, baseURL }) => {
  const problems = watchConsole(page);
  const home = await homePoint(page);
  await context.setGeolocation({ longitude: home.lng + 0.002, latitude: home.lat + 0.001, accuracy: 15 });
  await openReportApp(page);

  // The desk: a case in my grid, registered and dispatched to my responder record, by REST.
  const admin = await adminApi(baseURL!);
  const title = `井盖缺失 ${unique()}`;
  const created = await admin.post('/api/cases', {
    data: { kind: 'incident', channel: 'sensor', externalId: unique(), category: '0701', severity: 'Severe', title, description: '人行道井盖缺失', address: '平溪街道测试路 8 号', location: { type: 'Point', coordinates: [home.lng, home.lat] } },
  });
  expect(created.status()).toBe(201);
  const { case: reported } = (await created.json()) as { case: Task };
  const registered = await transition(admin, reported.id, { action: 'register', expectedVersion: reported.version });
  await transition(admin, reported.id, { action: 'dispatch', expectedVersion: registered.version, assigneeId: home.responderId });

  const card = page.getByTestId(`task-${reported.id}`);
  await expect(card).toBeVisible();
  await expect(card).toHaveAttribute('data-status', 'dispatched');
  // Its address comes in after the live event (the feed carries no address).
  await expect(card).toContainText('平溪街道测试路 8 号');
  await page.screenshot({ path: shot('report-tasks') });
  await card.click();

  await expect(page.getByTestId('task-detail')).toBeVisible();
  const map = page.locator('[data-testid="task-map"] .leaflet-container');
  await expect(map).toHaveAttribute('data-points', 'target me');
  await expect(map).toHaveAttribute('data-grids', /^[1-9]\d*$/);
  await expect(page.getByTestId('task-distance')).toBeVisible();
  await axe(page, 'task detail');
  await page.screenshot({ path: shot('report-task') });

  await page.getByTestId('action-accept').click();
  await expect(page.getByTestId('task-status')).toHaveText('处置中');
  await page.getByTestId('action-handle').click();
  await page.getByTestId('handle-text').fill('已临时围挡并补装井盖');
  await page.getByTestId('handle-photos').locator('input[type="file"]').setInputFiles({ name: 'done.jpg', mimeType: 'image/jpeg', buffer: await jpeg({ r: 200, g: 120, b: 30 }) });
  await expect(page.getByTestId('handle-photos').locator('img')).toHaveCount(1);
  await axe(page, 'handle form');
  await page.getByTestId('handle-submit').click();
  await expect(page.getByTestId('task-status')).toHaveText('待核查');
  await expect(page.getByTestId('action-handle')).toHaveCount(0);

  const after = (await (await admin.get(`/api/cases/${reported.id}`)).json()) as { case: { status: string; assigneeId: number } };
  expect(after.case).toMatchObject({ status: 'handled', assigneeId: home.responderId });
  const photos = (await (await admin.get(`/api/cases/${reported.id}/photos`)).json()) as { photos: unknown[] };
  expect(photos.photos).toHaveLength(1);
  const timeline = (await (await admin.get(`/api/cases/${reported.id}/events`)).json()) as { events: Array<{ action: string; actor: { login?: string } }> };
  expect(timeline.events.filter((e) => ['accept', 'handle'].includes(e.action)).map((e) => [e.action, e.actor.login])).toEqual([
    ['accept', 'nm-grid'],
    ['handle', 'nm-grid'],
  ]);
  await admin.dispose();
  expect(problems).toEqual([]);
});

test('a report made offline waits in 待发送 and is delivered exactly once when the network returns', async ({ page, context, baseURL }) => {
  // Going offline makes the browser log failed requests and the socket's errors: expected here.
  const home = await homePoint(page);
  await context.setGeolocation({ longitude: home.lng, latitude: home.lat, accuracy: 10 });
  await openReportApp(page);
  // The offline shell is cached (service worker active, the page's assets handed over).
  await expect(page.locator('html')).toHaveAttribute('data-offline-ready', 'true');

  await context.setOffline(true);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'offline');
  await expect(page.getByTestId('offline-banner')).toBeVisible();
  const title = `占道经营 ${unique()}`;
  await fillReport(page, title, await jpeg({ r: 120, g: 30, b: 160 }));
  await page.getByTestId('report-submit').click();
  await expect(page.getByTestId('toasts').getByText('当前无网络，已保存到待发送')).toBeVisible();
  await expect(page.getByTestId('outbox-count')).toHaveText('1');
  const item = page.locator('[data-testid^="outbox-item-"]');
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute('data-state', 'pending');
  await expect(item).toContainText('1 张照片');
  const externalId = ((await item.getAttribute('data-testid')) ?? '').replace('outbox-item-', '');
  expect(externalId).toMatch(/^[0-9a-f-]{36}$/);
  await axe(page, 'outbox');
  await page.screenshot({ path: shot('report-outbox') });

  // It is kept in IndexedDB: a reload while offline (the service worker serves the shell) still shows it.
  await page.reload();
  await expect(page.getByTestId('connection-status')).not.toHaveAttribute('data-state', 'live');
  await expect(page.getByTestId('outbox-count')).toHaveText('1');

  const admin = await adminApi(baseURL!);
  expect(await casesTitled(admin, title)).toHaveLength(0);
  await context.setOffline(false);
  await expect(page.getByTestId('outbox-count')).toHaveText('0');
  // The live client retries with backoff (up to 15 s between attempts) after an offline start.
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live', { timeout: 30_000 });
  // Pressing "send now", going on- and offline again: nothing is sent twice.
  await context.setOffline(true);
  await context.setOffline(false);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live');

  const stored = await casesTitled(admin, title);
  expect(stored).toHaveLength(1);
  expect(stored[0]!.grid).toBe(home.grid);
  const detail = (await (await admin.get(`/api/cases/${stored[0]!.id}`)).json()) as { externalId: string };
  expect(detail.externalId).toBe(externalId);
  const photos = (await (await admin.get(`/api/cases/${stored[0]!.id}/photos`)).json()) as { photos: unknown[] };
  expect(photos.photos).toHaveLength(1);
  if (test.info().project.name === 'postgres') {
    const db = new pg.Client({ connectionString: process.env.E2E_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/hcm_e2e' });
    await db.connect();
    try {
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM cases WHERE external_id = $1', [externalId]);
      expect(rows[0]!.n).toBe(1);
    } finally {
      await db.end();
    }
  }
  await admin.dispose();
});

test('on duty, the phone shares its position; a task can be returned with a reason', async ({ page, context, baseURL }) => {
  const problems = watchConsole(page);
  const home = await homePoint(page);
  const here = { longitude: home.lng + 0.0005, latitude: home.lat - 0.0004, accuracy: 9 };
  await context.setGeolocation(here);
  // Start off duty (the switch is the responder record's status on the server, whatever earlier tests left).
  expect((await page.request.put('/api/me/status', { data: { status: 'off_duty' } })).status()).toBe(200);
  await openReportApp(page);
  await expect(page.getByTestId('duty-toggle')).toHaveAttribute('aria-checked', 'false');
  await expect(page.getByTestId('duty-status')).toHaveText('离岗：不共享位置');
  await page.getByTestId('duty-toggle').click();
  await expect(page.getByTestId('duty-toggle')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('duty-status')).toContainText('位置共享中');

  // The desk sees where the worker is (GET /api/responders, the dispatch map's base).
  const admin = await adminApi(baseURL!);
  await expect
    .poll(async () => {
      const body = (await (await admin.get(`/api/responders?area=${home.grid}`)).json()) as { responders: Array<{ id: number; lng: number | null; lat: number | null }> };
      const me = body.responders.find((r) => r.id === home.responderId);
      return me?.lng != null ? [Number(me.lng.toFixed(5)), Number(me.lat!.toFixed(5))] : null;
    })
    .toEqual([Number(here.longitude.toFixed(5)), Number(here.latitude.toFixed(5))]);
  const statusOnServer = async () => ((await (await page.request.get('/api/me/tasks')).json()) as { responder: { status: string } }).responder.status;
  expect(await statusOnServer()).toBe('on_duty');
  // Off duty: the server has it (the desks' suggestions leave the worker out) and sharing stops.
  await page.getByTestId('duty-toggle').click();
  await expect(page.getByTestId('duty-status')).toHaveText('离岗：不共享位置');
  expect(await statusOnServer()).toBe('off_duty');

  const created = await admin.post('/api/cases', {
    data: { kind: 'incident', channel: 'sensor', externalId: unique(), category: '0702', severity: 'Minor', title: `路灯不亮 ${unique()}`, location: { type: 'Point', coordinates: [home.lng, home.lat] } },
  });
  const { case: reported } = (await created.json()) as { case: Task };
  const registered = await transition(admin, reported.id, { action: 'register', expectedVersion: reported.version });
  await transition(admin, reported.id, { action: 'dispatch', expectedVersion: registered.version, assigneeId: home.responderId });
  await page.getByTestId(`task-${reported.id}`).click();
  await page.getByTestId('action-return').click();
  await page.getByTestId('return-submit').click();
  await expect(page.getByTestId('return-form').getByRole('alert')).toBeVisible();
  await page.getByTestId('return-text').fill('路灯属供电公司维护，非本网格处置范围');
  await page.getByTestId('return-submit').click();
  // Returned to the desk: no longer my task.
  await expect(page.getByTestId(`task-${reported.id}`)).toHaveCount(0);
  await expect(page.getByTestId('task-detail')).toHaveCount(0);
  const after = (await (await admin.get(`/api/cases/${reported.id}`)).json()) as { case: { status: string } };
  expect(after.case.status).toBe('returned');
  // Back on duty, as the demo worker starts.
  await page.getByTestId('duty-toggle').click();
  await expect(page.getByTestId('duty-toggle')).toHaveAttribute('aria-checked', 'true');
  await admin.dispose();
  expect(problems).toEqual([]);
});

test('is installable: the manifest, its icons and the service worker are served', async ({ page }) => {
  await openReportApp(page);
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(href).toBe('/report.webmanifest');
  const manifest = (await (await page.request.get(href!)).json()) as { start_url: string; scope: string; display: string; icons: Array<{ src: string; sizes: string }> };
  expect(manifest).toMatchObject({ start_url: '/report', scope: '/report', display: 'standalone' });
  expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
  for (const icon of manifest.icons) {
    const response = await page.request.get(icon.src);
    expect(response.headers()['content-type']).toBe('image/png');
    const [w] = icon.sizes.split('x').map(Number);
    expect((await sharp(await response.body()).metadata()).width).toBe(w);
  }
  await expect.poll(() => page.evaluate(async () => (await navigator.serviceWorker.getRegistration('/report'))?.active?.state ?? null)).toBe('activated');
});

test('switches to English and says the page is for grid workers to other roles', async ({ page, browser, baseURL }) => {
  const problems = watchConsole(page);
  await openReportApp(page);
  await page.getByRole('button', { name: 'Switch to English' }).click();
  await expect(page.getByTestId('tab-tasks')).toContainText('My tasks');
  await expect(page.getByTestId('tab-outbox')).toContainText('Outbox');
  await page.getByRole('button', { name: '切换到中文' }).click();
  await expect(page.getByTestId('tab-tasks')).toContainText('我的任务');
  expect(problems).toEqual([]);

  const desk = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 } });
  const deskPage = await desk.newPage();
  await signInContext(deskPage, 'nm-dispatcher');
  await deskPage.goto('/report');
  await expect(deskPage.getByTestId('role-mismatch')).toBeVisible();
  await desk.close();
});

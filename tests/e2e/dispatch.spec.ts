import AxeBuilder from '@axe-core/playwright';
import { expect, request as playwrightRequest, test, type APIRequestContext, type Page } from '@playwright/test';
import { io } from 'socket.io-client';
import { labelPoint } from '../../app/wall/map/geometry';
import { DEMO_API_KEY, NANMING } from '../../server/auth/demo-secrets';
import type { AreaCollection } from '../../server/protocol/rest';
import { PROTOCOL_VERSION, type Ack, type PositionResult } from '../../server/protocol/wire';
import { adminApi, demoUser, shot, signInContext, unique, watchConsole } from './helpers';

/**
 * The dispatch desk (/dispatch) as 南明区's dispatcher uses it: a case posted by an
 * intake client appears in 待立案 live; one click registers and assigns it to a
 * suggested responder and it moves to 处置中 live; another desk's command reaches
 * an open case at once, and a dispatcher racing it is told who did what; the
 * keyboard drives the queue; no serious accessibility problems; screenshots at
 * 1920×1080 and 1366×768. No page is ever reloaded (a marker on window survives).
 */

type CaseBody = { id: number; status: string; version: number; assigneeId: number | null; grid: string | null };

let points: Array<[number, number]> = [];

/** Points inside unit grids of 南明区 (label points of the district's first grids). */
async function nanmingPoints(api: APIRequestContext): Promise<Array<[number, number]>> {
  if (points.length > 0) return points;
  const grids = (await (await api.get(`/api/areas?level=grid&within=${NANMING}&limit=12`)).json()) as AreaCollection;
  points = grids.features.map((f) => labelPoint(f)).filter((p): p is [number, number] => p !== null);
  expect(points.length).toBeGreaterThan(3);
  return points;
}

/** An incident in 南明区 posted by the city admin, with a reporter contact (kept apart, masked on screen). */
async function postIncident(api: APIRequestContext, at: [number, number], extra: Record<string, unknown> = {}): Promise<CaseBody> {
  const response = await api.post('/api/cases', {
    data: {
      kind: 'incident',
      channel: 'grid_worker',
      externalId: unique(),
      category: '0102',
      severity: 'Severe',
      title: '路边垃圾堆积 e2e',
      description: '小区门口垃圾两天未清运',
      address: '南明区花果园 e2e',
      reporter: { name: '张三', phone: '13812341234' },
      location: { type: 'Point', coordinates: at },
      ...extra,
    },
  });
  expect(response.status()).toBe(201);
  return ((await response.json()) as { case: CaseBody }).case;
}

async function caseNow(api: APIRequestContext, id: number): Promise<CaseBody> {
  return ((await (await api.get(`/api/cases/${id}`)).json()) as { case: CaseBody }).case;
}

/** Opens the console (already signed in) and waits until it is live with its queue loaded. */
async function openConsole(page: Page): Promise<void> {
  await page.goto('/dispatch');
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live');
  await expect(page.getByTestId('tab-register')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('count-register')).toHaveText(/^\d+$/);
  // Survives anything but a reload: checked at the end of each test.
  await page.evaluate(() => Object.assign(window, { __noReload: true }));
}

async function stillSamePage(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
}

let admin: APIRequestContext;
test.beforeAll(async ({ baseURL }) => {
  admin = await adminApi(baseURL!);
});
test.afterAll(async () => {
  await admin.dispose();
});

test('a reported case appears live, is registered and assigned in one click, and moves tabs live', async ({ page, baseURL }) => {
  const problems = watchConsole(page);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await signInContext(page, 'nm-dispatcher');
  await openConsole(page);
  const before = Number(await page.getByTestId('count-register').textContent());

  // The 12345 hotline (the demo API key) reports an appeal; an admin reports an incident.
  const [at] = await nanmingPoints(admin);
  const hotline = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${DEMO_API_KEY}` } });
  const appealResponse = await hotline.post('/api/cases', {
    data: { kind: 'appeal', channel: 'hotline_12345', externalId: unique(), category: 'TS', topic: '噪音扰民', title: '夜间施工噪音 e2e', location: { type: 'Point', coordinates: at! } },
  });
  expect(appealResponse.status()).toBe(201);
  const appeal = ((await appealResponse.json()) as { case: CaseBody }).case;
  await hotline.dispose();
  const created = await postIncident(admin, at!);
  expect(created.grid).toMatch(new RegExp(`^${NANMING}`));

  // Both arrive in 待立案 without a reload, and the count follows.
  await expect(page.getByTestId(`queue-row-${appeal.id}`)).toBeVisible();
  const row = page.getByTestId(`queue-row-${created.id}`);
  await expect(row).toBeVisible();
  await expect(row).toContainText('暴露垃圾');
  await expect(row.getByTestId('sla-clock')).toHaveText(/剩余/);
  await expect(page.getByTestId('count-register')).toHaveText(String(before + 2));

  // The case view: details, masked contact (revealed with a reason), map on its grid, timeline, suggestions.
  await row.click();
  const view = page.getByTestId('case-view');
  await expect(view).toHaveAttribute('data-case-id', String(created.id));
  await expect(view).toContainText('小区门口垃圾两天未清运');
  await expect(page.getByTestId('contact-phone')).toHaveText('138****1234');
  await expect(page.getByTestId('case-map').locator('.leaflet-container')).toHaveAttribute('data-grid', created.grid!);
  await expect(page.getByTestId('timeline')).toContainText('上报');
  await page.getByTestId('reveal-contact').click();
  const dialog = page.getByTestId('reveal-dialog');
  await dialog.getByRole('textbox').fill('回访核实情况');
  await dialog.getByTestId('dialog-submit').click();
  await expect(page.getByTestId('contact-phone')).toHaveText('13812341234');

  // One click: 立案并派遣 to the first suggested responder.
  const assign = page.getByTestId('suggestions').getByRole('button', { name: /^立案并派遣/ }).first();
  await expect(assign).toBeVisible();
  const responderId = Number(await assign.locator('xpath=ancestor::li[1]').getAttribute('data-responder-id'));
  await page.screenshot({ path: shot('dispatch-case-1920x1080') });
  await assign.click();
  await expect(page.getByTestId('case-status')).toHaveText('已派遣');
  await expect(page.getByTestId(`queue-row-${created.id}`)).toHaveCount(0);
  const after = await caseNow(admin, created.id);
  expect(after).toMatchObject({ status: 'dispatched', assigneeId: responderId, version: 3 });
  await expect(page.getByTestId('timeline')).toContainText('派遣');

  // It is now in 处置中, where the console shows it without a reload.
  await page.getByTestId('tab-handling').click();
  await expect(page.getByTestId('tab-handling')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId(`queue-row-${created.id}`)).toHaveAttribute('data-status', 'dispatched');
  await expect(page.getByTestId('count-register')).toHaveText(String(before + 1));

  // A worker's move reaches the console live: accepted in the field (here by REST as the admin desk).
  const accepted = await admin.post(`/api/cases/${created.id}/transitions`, { data: { action: 'accept', expectedVersion: 3, commandId: unique() } });
  expect(accepted.status()).toBe(200);
  await expect(page.getByTestId(`queue-row-${created.id}`)).toHaveAttribute('data-status', 'in_progress');
  await expect(page.getByTestId('case-status')).toHaveText('处置中');
  await stillSamePage(page);
  expect(problems).toEqual([]);
});

test('another desk moves an open case live, and a dispatcher racing it is told who did what', async ({ page, browser, baseURL }) => {
  const problems = watchConsole(page);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await signInContext(page, 'nm-dispatcher');
  const duty = await browser.newContext({ baseURL, viewport: { width: 1920, height: 1080 } });
  const dutyPage = await duty.newPage();
  await signInContext(dutyPage, 'nm-duty');

  const [, at] = await nanmingPoints(admin);
  const created = await postIncident(admin, at!);
  await openConsole(page);
  await openConsole(dutyPage);
  for (const p of [page, dutyPage]) {
    await p.getByTestId(`queue-row-${created.id}`).click();
    await expect(p.getByTestId('case-view')).toHaveAttribute('data-case-id', String(created.id));
    await expect(p.getByTestId('action-register')).toBeEnabled();
  }

  // The duty officer registers: the dispatcher's open case and queue follow at once.
  await dutyPage.getByTestId('action-register').click();
  await expect(dutyPage.getByTestId('case-status')).toHaveText('已立案');
  await expect(page.getByTestId('case-status')).toHaveText('已立案');
  await expect(page.getByTestId(`queue-row-${created.id}`)).toHaveCount(0);
  await expect(page.getByTestId('action-dispatch')).toBeVisible();
  await expect(page.getByTestId('action-register')).toHaveCount(0);

  // The race: the dispatcher's assignment is on the wire (held here) while the duty officer's lands first.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let reached!: () => void;
  const onWire = new Promise<void>((resolve) => (reached = resolve));
  await page.route(`**/api/cases/${created.id}/transitions`, async (route) => {
    reached();
    await held;
    await route.continue();
  });
  const mine = page.getByTestId('suggestions').getByRole('button', { name: /^派遣/ }).first();
  await expect(mine).toBeVisible();
  await mine.click();
  await onWire;
  const theirs = dutyPage.getByTestId('suggestions').getByRole('button', { name: /^派遣/ }).first();
  await theirs.click();
  await expect(dutyPage.getByTestId('case-status')).toHaveText('已派遣');
  release();

  const conflict = page.getByTestId('conflict');
  await expect(conflict).toBeVisible();
  await expect(conflict).toContainText('南明区值班员');
  await expect(conflict).toContainText('派遣');
  // The case was reloaded: it shows what the other desk did, and offers what is possible now.
  await expect(page.getByTestId('case-status')).toHaveText('已派遣');
  await expect(page.getByTestId('action-dispatch')).toHaveCount(0);
  expect((await caseNow(admin, created.id)).version).toBe(3);
  await page.screenshot({ path: shot('dispatch-conflict-1920x1080') });
  await page.unroute(`**/api/cases/${created.id}/transitions`);

  await stillSamePage(page);
  await stillSamePage(dutyPage);
  await duty.close();
  // The browser logs the refused request itself; that 409 is the answer this test provoked.
  expect(problems.filter((p) => !/status of 409 \(Conflict\)/.test(p))).toEqual([]);
  expect(problems.filter((p) => /409/.test(p))).toHaveLength(1);
});

test('a REST call after the session ended elsewhere shows the server’s reason, with no socket to say it', async ({ page, baseURL }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await signInContext(page, 'nm-dispatcher');
  const [at] = await nanmingPoints(admin);
  const created = await postIncident(admin, at!);
  // Socket.IO is cut off: only a REST answer can tell this page that its session ended.
  await page.route('**/socket.io/**', (route) => route.abort());
  await page.goto('/dispatch');
  const row = page.getByTestId(`queue-row-${created.id}`);
  await expect(row).toBeVisible();
  await expect(page.getByTestId('connection-status')).not.toHaveAttribute('data-state', 'live');
  // The same session signs out elsewhere (another client holding this cookie; the page keeps its own copy).
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  const elsewhere = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { cookie } });
  expect((await elsewhere.post('/api/auth/logout')).status()).toBe(200);
  await elsewhere.dispose();
  // Opening the case is refused (401), and the answer says why: the page shows it, then leaves with it.
  await row.click();
  await expect(page.getByRole('alert').filter({ hasText: '您已在其他页面退出登录' })).toBeVisible();
  await expect(page).toHaveURL(/\/login\?next=%2Fdispatch&reason=signed_out$/);
  await expect(page.getByRole('status').filter({ hasText: '您已退出登录' })).toBeVisible();
});

test('a repeat appeal (the same phone written another way) shows 重复件 ×2 with a link to the first', async ({ page, baseURL }) => {
  const problems = watchConsole(page);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await signInContext(page, 'nm-dispatcher');
  await openConsole(page);
  const [first, second] = (await nanmingPoints(admin)).slice(2, 4);
  // A phone of this run only, written two ways.
  const digits = `139${String(Date.now()).slice(-8)}`;
  const hotline = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${DEMO_API_KEY}` } });
  const post = async (at: [number, number], phone: string) => {
    const response = await hotline.post('/api/cases', {
      data: { kind: 'appeal', channel: 'hotline_12345', externalId: unique(), category: 'TS', topic: '城市管理', title: '重复来电 e2e', reporter: { phone }, location: { type: 'Point', coordinates: at } },
    });
    expect(response.status()).toBe(201);
    return ((await response.json()) as { case: CaseBody }).case;
  };
  const one = await post(first!, digits);
  const two = await post(second!, `+86 ${digits.slice(0, 3)}-${digits.slice(3, 7)}-${digits.slice(7)}`);
  await hotline.dispose();

  await page.getByTestId(`queue-row-${two.id}`).click();
  await expect(page.getByTestId('case-view')).toHaveAttribute('data-case-id', String(two.id));
  const repeats = page.getByTestId('repeats');
  await expect(repeats).toHaveAttribute('data-count', '2');
  await expect(repeats).toContainText('重复件 ×2');
  await repeats.getByTestId(`repeat-${one.id}`).click();
  await expect(page.getByTestId('case-view')).toHaveAttribute('data-case-id', String(one.id));
  await expect(page.getByTestId('repeats')).toHaveAttribute('data-count', '2');
  await stillSamePage(page);
  expect(problems).toEqual([]);
});

test('the keyboard drives the queue: ↑/↓, Enter, the action keys, 1–5 and Esc', async ({ page }) => {
  const problems = watchConsole(page);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await signInContext(page, 'nm-dispatcher');
  const all = await nanmingPoints(admin);
  await openConsole(page);
  // Three fresh cases: whatever else is in the queue, they sort among it by deadline; we walk to them.
  const created = [];
  for (const p of all.slice(2, 5)) created.push(await postIncident(admin, p));
  for (const c of created) await expect(page.getByTestId(`queue-row-${c.id}`)).toBeVisible();
  await expect(page.getByText('↑ ↓')).toBeVisible();

  const ids = await page.getByTestId('queue-list').locator('[role="option"]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-case-id'))));
  const target = created[1]!.id;
  const steps = ids.indexOf(target) + 1;
  expect(steps).toBeGreaterThan(0);
  await page.getByTestId('queue-list').focus();
  for (let i = 0; i < steps; i++) await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId(`queue-row-${target}`)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('case-view')).toHaveAttribute('data-case-id', String(target));
  await expect(page.getByTestId('action-register')).toBeEnabled();

  // R registers the open case; it leaves 待立案 and the selection moves on.
  await page.keyboard.press('r');
  await expect(page.getByTestId('case-status')).toHaveText('已立案');
  await expect(page.getByTestId(`queue-row-${target}`)).toHaveCount(0);

  // 2 switches to 待派遣, where the case now is; X asks for a reason before 不予立案 is possible (not now: it is registered).
  await page.keyboard.press('2');
  await expect(page.getByTestId('tab-dispatch')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId(`queue-row-${target}`)).toBeVisible();
  // D opens the dispatch dialog (department and responder) once the desk offers 派遣; Esc closes it without sending.
  await expect(page.getByTestId('action-dispatch')).toBeVisible();
  await page.keyboard.press('d');
  await expect(page.getByTestId('action-dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('action-dialog')).toHaveCount(0);
  // A assigns to the first suggestion.
  await expect(page.getByTestId('suggestions').getByRole('button', { name: /^派遣/ }).first()).toBeVisible();
  await page.keyboard.press('a');
  await expect(page.getByTestId('case-status')).toHaveText('已派遣');
  await expect(page.getByTestId(`queue-row-${target}`)).toHaveCount(0);
  // Esc closes the case.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('case-empty')).toBeVisible();
  await stillSamePage(page);
  expect(problems).toEqual([]);
});

test('is accessible and whole at 1920×1080 and 1366×768; the wall links here for desk roles', async ({ page }) => {
  // Two axe passes over a full console take tens of seconds on a busy 2-core box.
  test.slow();
  const problems = watchConsole(page);
  await signInContext(page, 'nm-dispatcher');
  const [, , , , , at] = await nanmingPoints(admin);
  const created = await postIncident(admin, at!, { severity: 'Extreme', title: '管道破裂 e2e', category: '0501' });

  // From the wall, by its header link.
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto('/wall');
  await page.getByTestId('link-dispatch').click();
  await expect(page).toHaveURL(/\/dispatch$/);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live');
  await page.getByTestId(`queue-row-${created.id}`).click();
  await expect(page.getByTestId('case-view')).toHaveAttribute('data-case-id', String(created.id));
  await expect(page.getByTestId('suggestions').getByRole('button', { name: /^立案并派遣/ }).first()).toBeVisible();
  await expect(page.getByTestId('case-map').locator('.leaflet-container')).toHaveAttribute('data-outlines', 'drawn');

  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  await page.screenshot({ path: shot('dispatch-1920x1080') });

  await page.setViewportSize({ width: 1366, height: 768 });
  await expect(page.getByTestId('case-view')).toBeVisible();
  for (const id of ['queue-list', 'case-view', 'suggestions', 'timeline', 'case-map']) {
    const box = await page.getByTestId(id).boundingBox();
    expect(box, id).not.toBeNull();
    expect(box!.x + box!.width, id).toBeLessThanOrEqual(1366 + 1);
    expect(box!.width, id).toBeGreaterThan(200);
  }
  await page.screenshot({ path: shot('dispatch-1366x768') });
  const small = await new AxeBuilder({ page }).analyze();
  expect(small.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  // English, and back to the wall.
  await page.getByRole('button', { name: 'EN', exact: true }).click();
  await expect(page.getByTestId('tab-register')).toContainText('To register');
  await page.screenshot({ path: shot('dispatch-en-1366x768') });
  await page.getByRole('button', { name: '中文', exact: true }).click();
  await expect(page.getByTestId('link-wall')).toHaveAttribute('href', '/wall');
  expect(problems).toEqual([]);
});

test("a grid worker's live position reaches the open case's map", async ({ page, baseURL }) => {
  const problems = watchConsole(page);
  await page.setViewportSize({ width: 1920, height: 1080 });
  await signInContext(page, 'nm-dispatcher');
  const [, , , , , , at] = await nanmingPoints(admin);
  const created = await postIncident(admin, at!);
  await openConsole(page);
  await page.getByTestId(`queue-row-${created.id}`).click();
  const map = page.getByTestId('case-map').locator('.leaflet-container');
  await expect(map).toHaveAttribute('data-grid', created.grid!);

  // The demo grid worker, signed in elsewhere, shares a position a few metres from the case (socket `position`).
  const worker = await playwrightRequest.newContext({ baseURL });
  expect((await worker.post('/api/auth/login', { data: { login: 'nm-grid', password: demoUser('nm-grid').password } })).status()).toBe(200);
  const { responder } = (await (await worker.get('/api/me/tasks')).json()) as { responder: { id: number } };
  const cookie = (await worker.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  // The server keeps one position per socket every POSITION_EVERY_MS: one socket per move.
  const send = async (lng: number, lat: number) => {
    const socket = io(baseURL!, { transports: ['websocket'], extraHeaders: { cookie }, reconnection: false, forceNew: true });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      const ack = (await socket.timeout(5000).emitWithAck('position', { v: PROTOCOL_VERSION, lng, lat, accuracy: 8 })) as Ack<PositionResult>;
      expect(ack).toMatchObject({ ok: true, data: { stored: true } });
    } finally {
      socket.disconnect();
    }
  };
  const drawn = new RegExp(`(^|,)${responder.id}(,|$)`);
  // Far away first (off the map), then a few metres from the case (on it): the map follows both.
  await send(at![0] + 0.2, at![1] + 0.2);
  await expect(map).not.toHaveAttribute('data-responders', drawn);
  await send(at![0] + 0.0002, at![1]);
  await expect(map).toHaveAttribute('data-responders', drawn);
  await worker.dispose();
  await stillSamePage(page);
  expect(problems).toEqual([]);
});

test('a grid worker opening /dispatch is told it is not for their role', async ({ page }) => {
  const problems = watchConsole(page);
  await signInContext(page, 'nm-grid');
  await page.goto('/dispatch');
  await expect(page.getByTestId('not-for-role')).toBeVisible();
  await expect(page.getByTestId('not-for-role')).toContainText('此页面不适用于您的角色');
  await expect(page.getByTestId('not-for-role')).toContainText(demoUser('nm-grid').displayName);
  expect(problems).toEqual([]);
});

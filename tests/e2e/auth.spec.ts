import { expect, test, type Page, type Request, type WebSocket } from '@playwright/test';
import type { AreaCollection, ClientConfig, Snapshot } from '../../server/protocol/rest';
import { DEMO_DISPLAY_NAME, DEMO_DISPLAY_TOKEN, NANMING } from '../../server/auth/demo-secrets';
import { adminApi, count, demoUser, openWall, shot, signInContext, unique, watchConsole } from './helpers';

/**
 * Who is asking, seen from the browser: the login page in both languages, a wrong
 * password, a district dispatcher's wall that shows only its district (counts,
 * outlines, live cases), a display-token wall that needs no login, and signing out
 * (by the button, and by the session ending elsewhere).
 */

/** Yunyan district (520103), beside 南明区: a case here must not reach a 南明区 wall. */
const YUNYAN_POINT: [number, number] = [106.6856, 26.6056];

async function signInThroughForm(page: Page, login: string, password: string): Promise<void> {
  await page.getByLabel('账号').fill(login);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
}

test('the login page speaks Chinese and English', async ({ page }) => {
  const problems = watchConsole(page);
  await page.goto('/wall');
  await expect(page).toHaveURL(/\/login\?next=%2Fwall$/);
  await expect(page.getByRole('heading', { name: '登录' })).toBeVisible();
  await expect(page.getByLabel('账号')).toBeVisible();
  await expect(page.getByLabel('密码', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: '登录', exact: true })).toBeVisible();
  // A demo server offers its wall and accounts, so the demo needs no typing.
  await expect(page.getByRole('link', { name: '打开演示大屏（免登录）' })).toHaveAttribute('href', `/wall?display=${DEMO_DISPLAY_TOKEN}`);
  await expect(page.getByRole('button', { name: /nm-dispatcher/ })).toBeVisible();

  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: shot('login-zh-1920x1080') });

  await page.getByRole('button', { name: 'Switch to English' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByLabel('Account')).toBeVisible();
  await expect(page.getByLabel('Password', { exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Open the demo wall (no sign-in)' })).toBeVisible();
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: shot('login-en-390x844'), fullPage: true });

  await page.getByRole('button', { name: '切换到中文' }).click();
  await expect(page.getByRole('heading', { name: '登录' })).toBeVisible();
  expect(problems).toEqual([]);
});

test('a wrong password says so and keeps the user on the login page', async ({ page }) => {
  await page.goto('/login');
  await signInThroughForm(page, 'nm-grid', 'not-the-password');
  await expect(page.getByRole('alert').filter({ hasText: '账号' })).toHaveText('账号或密码错误，请重新输入');
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByLabel('密码', { exact: true })).toHaveValue('');
  // Failed sign-ins are logged by the browser as a 401 resource error; that is the expected answer here.
});

test('a district dispatcher sees only its district', async ({ page, baseURL }) => {
  const problems = watchConsole(page);
  const admin = await adminApi(baseURL!);
  const dispatcher = demoUser('nm-dispatcher');
  // Open cases across the city first (the e2e servers simulate no traffic), 南明区 and its neighbours alike.
  const cases = Array.from({ length: 120 }, (_, i) => ({
    kind: i % 3 === 0 ? 'appeal' : 'incident',
    channel: i % 3 === 0 ? 'hotline_12345' : 'grid_worker',
    externalId: `${unique()}-${i}`,
    category: i % 3 === 0 ? 'TS' : ['0102', '0401', '0503', '0702'][i % 4],
    ...(i % 3 === 0 ? { topic: '噪音扰民' } : {}),
    severity: ['Minor', 'Moderate', 'Severe', 'Extreme'][i % 4],
    location: { type: 'Point', coordinates: [106.62 + ((i * 37) % 100) / 800, 26.52 + ((i * 53) % 100) / 800] },
  }));
  expect((await admin.post('/api/cases/batch', { data: { cases } })).status()).toBe(200);

  // Through the real form, from the page gate's redirect back to the wall.
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto('/wall');
  await signInThroughForm(page, dispatcher.login, dispatcher.password);
  await expect(page).toHaveURL(/\/wall$/);
  await openWall(page);

  // The header says who is signed in, and where.
  const who = page.getByRole('group', { name: /南明区派遣员/ });
  await expect(who).toContainText('南明区派遣员');
  await expect(who).toContainText('派遣员 · 南明区');
  await expect(page.getByRole('button', { name: '退出登录' })).toBeVisible();
  // The wall's tour comes home to its own district, and says so.
  await expect(page.getByTestId('tour-status')).toHaveText('轮播中 · 南明区');

  // Its counts are the district's, as an independent city-wide reader counts them for 南明区 — not the city's.
  const district = (await (await admin.get(`/api/snapshot?area=${NANMING}`)).json()) as Snapshot;
  const city = (await (await admin.get('/api/snapshot')).json()) as Snapshot;
  expect(district.totals.openIncidents).toBeGreaterThan(0);
  expect(city.totals.openIncidents).toBeGreaterThan(district.totals.openIncidents);
  await expect(page.getByTestId('count-open-incidents')).toHaveText(String(district.totals.openIncidents));
  await expect(page.getByTestId('count-open-appeals')).toHaveText(String(district.totals.openAppeals));
  expect(await page.evaluate(() => window.__hcm?.area)).toBe(NANMING);

  // Outlines: one district label (南明区), no other district's.
  const cityDistricts = (await (await admin.get('/api/areas?level=district&simplify=0.01')).json()) as AreaCollection;
  expect(cityDistricts.features.length).toBeGreaterThan(1);
  await expect(page.locator('.hcm-label-district')).toHaveCount(1);
  await expect(page.locator('.hcm-label-district')).toHaveText('南明区');

  // Live: a case in another district does not arrive, one in the district does (the feed is ordered,
  // so once the second is shown, the first would have been too).
  const config = (await (await page.request.get('/api/config')).json()) as ClientConfig;
  expect(config.rootCode).toBe(NANMING);
  const before = await count(page, 'count-open-incidents');
  const post = async (coordinates: [number, number]) => {
    const response = await admin.post('/api/cases', {
      data: { kind: 'incident', channel: 'grid_worker', externalId: unique(), category: '0502', severity: 'Severe', location: { type: 'Point', coordinates } },
    });
    expect(response.status()).toBe(201);
    return ((await response.json()) as { case: { id: number; grid: string | null } }).case;
  };
  const outside = await post(YUNYAN_POINT);
  expect(outside.grid).toMatch(/^520103/);
  // A point known to lie in one of the district's grids: an open incident of its snapshot.
  const known = district.incidents.find((c) => c.grid !== null);
  expect(known).toBeDefined();
  const inside = await post([known!.lng, known!.lat]);
  expect(inside.grid).toMatch(new RegExp(`^${NANMING}`));
  await expect(page.getByTestId('event-list').locator(`[data-case-id="${inside.id}"]`)).toBeVisible();
  await expect(page.getByTestId('event-list').locator(`[data-case-id="${outside.id}"]`)).toHaveCount(0);
  await expect(page.getByTestId('count-open-incidents')).toHaveText(String(before + 1));

  await page.screenshot({ path: shot('wall-district-dispatcher-1920x1080') });
  await page.setViewportSize({ width: 390, height: 844 });
  await openWall(page);
  await expect(page.getByRole('button', { name: '退出登录' })).toBeVisible();
  await page.screenshot({ path: shot('wall-district-dispatcher-390x844') });
  await admin.dispose();
  expect(problems).toEqual([]);
});

test('a display-token wall needs no login and drops the token from the address bar', async ({ page }) => {
  const problems = watchConsole(page);
  await page.goto(`/wall?display=${DEMO_DISPLAY_TOKEN}`);
  await expect(page).toHaveURL(/\/wall$/);
  expect(page.url()).not.toContain(DEMO_DISPLAY_TOKEN);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live');
  await expect(page.getByRole('group', { name: DEMO_DISPLAY_NAME })).toContainText(DEMO_DISPLAY_NAME);
  // Read-only and unattended: nothing to sign out of.
  await expect(page.getByRole('button', { name: '退出登录' })).toHaveCount(0);
  // The token left the history too: going back does not return to it.
  expect(await page.evaluate(() => window.location.search)).toBe('');
  expect(problems).toEqual([]);
});

test('an unknown display token lands on the login page with a message', async ({ page }) => {
  await page.goto('/wall?display=not-a-real-display-token-0000000000000000000');
  await expect(page).toHaveURL(/\/login\?/);
  await expect(page.getByRole('status').filter({ hasText: '大屏链接无效或已被吊销' })).toBeVisible();
});

test('signing out returns to the login page and closes the socket', async ({ page }) => {
  const problems = watchConsole(page);
  await signInContext(page, 'nm-duty');
  const sockets: WebSocket[] = [];
  page.on('websocket', (ws) => sockets.push(ws));
  await openWall(page);
  await expect.poll(() => sockets.some((ws) => !ws.isClosed())).toBe(true);

  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page).toHaveURL(/\/login\?next=%2Fwall&reason=signed_out$/);
  await expect(page.getByRole('status').filter({ hasText: '您已退出登录' })).toBeVisible();
  // The socket is closed where it counts, on the server: no engine connection is left
  // (the browser's own close event is not always reported for a page that navigated away).
  await expect.poll(async () => ((await (await page.request.get('/api/health')).json()) as { sockets: number }).sockets, { message: `open of ${sockets.length}` }).toBe(0);
  // The session is gone on the server too: the wall is behind the gate again.
  await page.goto('/wall');
  await expect(page).toHaveURL(/\/login\?next=%2Fwall$/);
  expect(problems).toEqual([]);
});

test('what the page asks while signing out waits; nothing goes out with the ended session', async ({ page }) => {
  const problems = watchConsole(page);
  await signInContext(page, 'nm-duty');
  await openWall(page);
  const sentAfterLogout: string[] = [];
  await page.route('**/api/auth/logout', async (route) => {
    // The server ends the session now; the page has not heard so yet.
    const response = await route.fetch();
    const watch = (request: Request) => {
      if (new URL(request.url()).pathname.startsWith('/api/')) sentAfterLogout.push(request.url());
    };
    page.on('request', watch);
    // Meanwhile the wall asks for something (as a live event's KPI refresh or a map move would): switching
    // the grid layer off and on fetches its areas again. The call must wait, not go out and come back 401.
    const grids = page.getByRole('checkbox', { name: '网格', exact: true });
    await grids.uncheck();
    await grids.check();
    await Promise.race([
      page.waitForFunction(() => (window.__hcmHeldRequests ?? 0) > 0),
      page.waitForRequest((request) => new URL(request.url()).pathname === '/api/areas'),
    ]);
    page.off('request', watch);
    await route.fulfill({ response });
  });
  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page).toHaveURL(/\/login\?next=%2Fwall&reason=signed_out$/);
  expect(sentAfterLogout).toEqual([]);
  expect(problems).toEqual([]);
});

test('a session ended elsewhere shows the reason, then the login page', async ({ page }) => {
  await signInContext(page, 'leader');
  await openWall(page);
  // The same session signs out through another request: the server tells this wall's socket why.
  expect((await page.request.post('/api/auth/logout')).status()).toBe(200);
  await expect(page.getByRole('alert').filter({ hasText: '您已在其他页面退出登录' })).toBeVisible();
  await expect(page).toHaveURL(/\/login\?next=%2Fwall&reason=signed_out$/);
});

test('a revoked display token ends its wall with the reason, then the login page says so', async ({ page, baseURL }) => {
  const problems = watchConsole(page);
  const admin = await adminApi(baseURL!);
  const name = `e2e 南明区大屏 ${unique()}`;
  const created = await admin.post('/api/admin/display-tokens', { data: { name, areaCode: NANMING } });
  expect(created.status()).toBe(201);
  const { url, display } = (await created.json()) as { url: string; display: { id: number } };
  await openWall(page, url);
  await expect(page.getByRole('group', { name })).toContainText('南明区');
  expect(await page.evaluate(() => window.__hcm?.area)).toBe(NANMING);

  expect((await admin.post(`/api/admin/display-tokens/${display.id}/revoke`)).status()).toBe(200);
  await expect(page.getByRole('alert').filter({ hasText: '此大屏的显示令牌已被吊销' })).toBeVisible();
  await expect(page).toHaveURL(/\/login\?next=%2Fwall&reason=display_revoked$/);
  await expect(page.getByRole('status').filter({ hasText: '此大屏的显示令牌已被吊销' })).toBeVisible();
  await admin.dispose();
  // The wall's KPI strip polls REST: a poll that lands after the revocation is answered 401, which the
  // browser logs as a failed resource load. That is the revocation working; anything else is a problem.
  expect(problems.filter((p) => !/status of 401 \(Unauthorized\)/.test(p))).toEqual([]);
});

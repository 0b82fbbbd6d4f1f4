import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { openWall, shot, signInContext, watchConsole } from './helpers';

/**
 * One accessibility pass (axe-core, WCAG rules) over every surface as its users
 * open it: /login, /wall, /dispatch, /report (its three tabs), /leader and
 * /alerts, each live and loaded. No serious or critical violation is allowed.
 * The surfaces' own specs check their deeper states (dialogs, forms, case views).
 */
async function expectNoSerious(page: Page, surface: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${surface}: ${v.id} ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

async function pageAs(browser: Browser, baseURL: string, login: string | null, viewport: { width: number; height: number }, phone = false): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport, ...(phone ? { isMobile: true, hasTouch: true } : {}) });
  const page = await context.newPage();
  if (login) await signInContext(page, login);
  return page;
}

const DESK = { width: 1920, height: 1080 };
const PHONE = { width: 390, height: 844 };

test('every surface passes axe with no serious or critical violation', async ({ browser, baseURL }) => {
  // Seven axe passes over full pages on a busy 2-core box.
  test.setTimeout(240_000);
  const pages: Page[] = [];
  const open = async (login: string | null, viewport = DESK, phone = false) => {
    const page = await pageAs(browser, baseURL!, login, viewport, phone);
    pages.push(page);
    return { page, problems: watchConsole(page) };
  };

  const login = await open(null);
  await login.page.goto('/login');
  await expect(login.page.getByLabel('密码', { exact: true })).toBeVisible();
  await expectNoSerious(login.page, '/login');
  expect(login.problems).toEqual([]);

  const wall = await open('admin');
  await openWall(wall.page);
  await expectNoSerious(wall.page, '/wall');
  expect(wall.problems).toEqual([]);

  const dispatch = await open('nm-dispatcher');
  await dispatch.page.goto('/dispatch');
  await expect(dispatch.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live');
  await expect(dispatch.page.getByTestId('count-register')).toHaveText(/^\d+$/);
  await expectNoSerious(dispatch.page, '/dispatch');
  expect(dispatch.problems).toEqual([]);

  const report = await open('nm-grid', PHONE, true);
  await report.page.goto('/report');
  await expect(report.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live');
  await expectNoSerious(report.page, '/report 我的任务');
  await report.page.getByTestId('tab-report').click();
  await expect(report.page.getByTestId('report-title')).toBeVisible();
  await expectNoSerious(report.page, '/report 事件上报');
  await report.page.getByTestId('tab-outbox').click();
  await expect(report.page.getByTestId('tab-outbox')).toHaveAttribute('aria-current', /.+/);
  await expectNoSerious(report.page, '/report 待发送');
  await report.page.screenshot({ path: shot('report-outbox-empty') });
  // The report tab asks the browser for a position (no permission granted here): that warning is the browser's own.
  expect(report.problems.filter((p) => !/geolocation/i.test(p))).toEqual([]);

  const leader = await open('leader', { width: 1440, height: 900 });
  await leader.page.goto('/leader');
  await expect(leader.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live');
  await expect(leader.page.locator('.leader-main')).toHaveAttribute('data-loading', 'false');
  await expectNoSerious(leader.page, '/leader');
  expect(leader.problems).toEqual([]);

  const alerts = await open('nm-duty');
  await alerts.page.goto('/alerts');
  await expect(alerts.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live');
  await expect(alerts.page.locator('[data-testid="map"] .leaflet-container')).toHaveAttribute('data-outlines', 'drawn');
  await expectNoSerious(alerts.page, '/alerts');
  expect(alerts.problems).toEqual([]);

  for (const page of pages) await page.context().close();
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { xsdProblems } from '../helpers/cap';
import { count, openWall, shot, signInContext, unique, watchConsole } from './helpers';

/**
 * The alert desk (/alerts, issue 12): a 南明区 duty officer draws an alert with the
 * mouse (Leaflet-Geoman), sees the grids it reaches before sending, sends it; it
 * appears live in the desk's list and on another person's wall, where it pulses
 * until acknowledged; acknowledging changes both live. Then the chime, a circle,
 * and the roles that only read or may not use the desk. Screenshots at 1920×1080.
 */
const DESK = { width: 1920, height: 1080 };
/** The middle of 南明区 (README's CAP example area, a little wider): [lng, lat] corners. */
const NANMING_BOX: Array<[number, number]> = [
  [106.765, 26.535],
  [106.79, 26.535],
  [106.79, 26.555],
  [106.765, 26.555],
];

async function openDesk(page: Page): Promise<void> {
  await page.goto('/alerts');
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live');
  await expect(page.locator('[data-testid="map"] .leaflet-container')).toHaveAttribute('data-outlines', 'drawn');
}

/** Where a data position is on the page (the desk's map answers through its test probe). */
async function pagePoint(page: Page, [lng, lat]: [number, number]): Promise<[number, number]> {
  return page.evaluate(([a, b]) => window.__hcmDeskMap!.toPage(a!, b!), [lng, lat]);
}

/** Clicks each corner on the map, then the first one again to close the polygon (Geoman's way). */
async function drawPolygon(page: Page, corners: Array<[number, number]>): Promise<void> {
  await page.getByTestId('tool-polygon').click();
  await expect(page.locator('[data-testid="map"] .leaflet-container')).toHaveAttribute('data-draw-tool', 'polygon');
  const points = [];
  for (const corner of corners) points.push(await pagePoint(page, corner));
  for (const [x, y] of points) await page.mouse.click(x, y);
  await page.mouse.click(points[0]![0], points[0]![1]);
}

async function expectAccessible(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

async function signedInPage(browser: Browser, login: string, viewport = DESK): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await signInContext(page, login);
  return page;
}

test('a duty officer draws an alert, previews its grids, sends it; it shows live on the desk and on a wall, and is acknowledged live', async ({
  browser,
}) => {
  // Two browsers, three accessibility passes and a dozen live waits: on a busy two-core box this takes about a minute.
  test.setTimeout(180_000);
  const desk = await signedInPage(browser, 'nm-duty');
  const wall = await signedInPage(browser, 'admin');
  const deskProblems = watchConsole(desk);
  const wallProblems = watchConsole(wall);
  await openWall(wall);
  const activeBefore = await count(wall, 'count-active-alerts');
  const urgentBefore = await wall.locator('path.hcm-alert-urgent').count();
  await openDesk(desk);
  await expect(desk.getByTestId('link-wall')).toBeVisible();
  await expectAccessible(desk);
  await desk.screenshot({ path: shot('alerts-desk-1920x1080') });

  await drawPolygon(desk, NANMING_BOX);
  await expect(desk.getByTestId('draw-shape')).toHaveAttribute('data-kind', 'polygon');
  const preview = desk.getByTestId('preview');
  await expect(preview).toHaveAttribute('data-state', 'ready');
  const grids = Number(await desk.getByTestId('preview-grids').getAttribute('data-count'));
  expect(grids).toBeGreaterThan(0);
  await expect(desk.getByTestId('preview-grids')).toContainText(String(grids));
  // The map shades exactly the grids the preview lists.
  await expect(desk.locator('[data-testid="map"] .leaflet-container')).toHaveAttribute('data-preview-grids', String(grids));
  await expect(preview).toContainText('南明区');

  const headline = `南明区暴雨红色预警 ${unique()}`;
  await desk.getByTestId('field-type').selectOption('MET_RAINSTORM');
  await desk.getByTestId('field-severity').selectOption('Extreme');
  await desk.getByTestId('field-urgency').selectOption('Immediate');
  await desk.getByTestId('field-certainty').selectOption('Observed');
  await desk.getByTestId('field-headline').fill(headline);
  await desk.getByTestId('field-description').fill('请各网格员立即排查低洼地带和地下通道。');
  await expectAccessible(desk);
  await desk.screenshot({ path: shot('alerts-desk-drawn-1920x1080') });

  const sent = desk.waitForResponse((r) => r.url().endsWith('/api/alerts') && r.request().method() === 'POST');
  await desk.getByTestId('send-alert').click();
  const response = await sent;
  expect(response.status()).toBe(201);
  const body = (await response.json()) as { alert: { id: number; affectedGrids: number }; affectedGrids: Array<{ code: string }> };
  // What was sent stores exactly the grids the preview showed.
  expect(body.affectedGrids).toHaveLength(grids);
  expect(body.alert.affectedGrids).toBe(grids);
  await expect(desk.getByTestId('send-outcome')).toHaveAttribute('data-kind', 'sent');
  await expect(preview).toHaveAttribute('data-state', 'idle');

  // Live on the desk: waiting for this officer, first and prominent, with its impact and a CAP link.
  const card = desk.locator(`[data-testid="alert-card"][data-alert-id="${body.alert.id}"]`);
  await expect(card).toHaveAttribute('data-group', 'mine');
  await expect(card).toContainText(headline);
  await expect(card.getByTestId('impact-grids')).toHaveText(String(grids));
  await expect(card.getByTestId('ack-state')).toHaveAttribute('data-pending', '1');
  await expect(desk.getByTestId('alert-card').first()).toHaveAttribute('data-alert-id', String(body.alert.id));
  await expect(card.getByTestId('cap-link')).toHaveAttribute('href', `/api/cap/alerts/${body.alert.id}`);
  const cap = await desk.request.get(`/api/cap/alerts/${body.alert.id}`);
  expect(cap.status()).toBe(200);
  expect(await cap.text()).toContain(headline);

  // Live on the city wall in another browser: listed, counted, and pulsing while unacknowledged.
  await expect(wall.getByTestId('event-list').locator(`[data-alert-id="${body.alert.id}"]`)).toBeVisible();
  await expect(wall.getByTestId('count-active-alerts')).toHaveText(String(activeBefore + 1));
  await expect(wall.locator('path.hcm-alert-urgent')).toHaveCount(urgentBefore + 1);
  await expect(wall.getByTestId('link-alerts')).not.toHaveAttribute('data-waiting', '0');
  await wall.screenshot({ path: shot('alerts-wall-unacknowledged-1920x1080') });
  await desk.screenshot({ path: shot('alerts-desk-sent-1920x1080') });

  await card.getByRole('button', { name: '确认收到' }).click();
  await expect(card).toHaveAttribute('data-group', 'done');
  await expect(card.getByTestId('ack-state')).toHaveAttribute('data-pending', '0');
  await expect(card.getByRole('button', { name: '确认收到' })).toHaveCount(0);
  // Who and when, per district, on the card.
  const done = card.locator('[data-testid="ack-done"][data-area="520102"]');
  await expect(done.getByTestId('ack-who')).toContainText('南明区值班员');
  expect(Date.parse((await done.locator('time').getAttribute('datetime'))!)).toBeGreaterThan(Date.now() - 10 * 60_000);
  await expect(wall.locator('path.hcm-alert-urgent')).toHaveCount(urgentBefore);
  await expectAccessible(desk);
  await desk.screenshot({ path: shot('alerts-desk-acknowledged-1920x1080') });

  expect(deskProblems).toEqual([]);
  expect(wallProblems).toEqual([]);
  await desk.context().close();
  await wall.context().close();
});

test('a circle previews its grids; the chime is off by default, kept when turned on, and sounds for a new unacknowledged alert', async ({ browser }) => {
  const desk = await signedInPage(browser, 'nm-duty');
  const problems = watchConsole(desk);
  await openDesk(desk);

  await desk.getByTestId('tool-circle').click();
  await expect(desk.locator('[data-testid="map"] .leaflet-container')).toHaveAttribute('data-draw-tool', 'circle');
  const [cx, cy] = await pagePoint(desk, [106.7775, 26.545]);
  const [ex] = await pagePoint(desk, [106.7875, 26.545]);
  await desk.mouse.click(cx, cy);
  await desk.mouse.move((cx + ex) / 2, cy);
  await desk.mouse.click(ex, cy);
  await expect(desk.getByTestId('draw-shape')).toHaveAttribute('data-kind', 'circle');
  await expect(desk.getByTestId('preview')).toHaveAttribute('data-state', 'ready');
  expect(Number(await desk.getByTestId('preview-grids').getAttribute('data-count'))).toBeGreaterThan(0);
  await desk.getByTestId('tool-clear').click();
  await expect(desk.getByTestId('preview')).toHaveAttribute('data-state', 'idle');

  const chime = desk.getByTestId('chime-toggle');
  await expect(chime).toHaveAttribute('aria-pressed', 'false');
  await chime.click();
  await expect(chime).toHaveAttribute('aria-pressed', 'true');
  await openDesk(desk);
  await expect(desk.getByTestId('chime-toggle')).toHaveAttribute('aria-pressed', 'true');
  const chimesBefore = await desk.evaluate(() => window.__hcmDesk?.chimes ?? 0);

  // An alert from elsewhere (the API, as this officer) arrives live: a fresh card and one chime.
  const ring = NANMING_BOX.map(([lng, lat]) => [lng, lat]);
  const posted = await desk.request.post('/api/alerts', {
    data: {
      externalId: unique(),
      eventType: 'GEO_LANDSLIDE',
      headline: '南明区地质灾害预警 e2e',
      severity: 'Severe',
      urgency: 'Expected',
      certainty: 'Likely',
      geometry: { type: 'Polygon', coordinates: [[...ring, ring[0]]] },
    },
  });
  expect(posted.status()).toBe(201);
  const { alert } = (await posted.json()) as { alert: { id: number } };
  const card = desk.locator(`[data-testid="alert-card"][data-alert-id="${alert.id}"]`);
  await expect(card).toHaveAttribute('data-fresh', 'true');
  await expect(card).toHaveAttribute('data-group', 'mine');
  await expect.poll(() => desk.evaluate(() => window.__hcmDesk?.chimes ?? 0)).toBe(chimesBefore + 1);
  expect(problems).toEqual([]);
  await desk.context().close();
});

test('leaders read the desk without acting; a grid worker is told it is not for their role', async ({ browser }) => {
  const leader = await signedInPage(browser, 'leader');
  const problems = watchConsole(leader);
  await openDesk(leader);
  await expect(leader.getByTestId('read-only')).toBeVisible();
  await expect(leader.getByTestId('draw-panel')).toHaveCount(0);
  await expect(leader.getByRole('button', { name: '确认收到' })).toHaveCount(0);
  await leader.getByRole('button', { name: 'EN' }).click();
  await expect(leader.getByRole('heading', { name: 'Alerts' })).toBeVisible();
  await expectAccessible(leader);
  await leader.screenshot({ path: shot('alerts-desk-leader-en-1920x1080') });
  await leader.getByRole('button', { name: '中文' }).click();
  expect(problems).toEqual([]);
  await leader.context().close();

  const grid = await signedInPage(browser, 'nm-grid');
  const gridProblems = watchConsole(grid);
  await grid.goto('/alerts');
  await expect(grid.getByTestId('not-for-role')).toBeVisible();
  await expect(grid.getByRole('link', { name: '返回指挥大屏' })).toHaveAttribute('href', '/wall');
  expect(gridProblems).toEqual([]);
  await grid.context().close();
});

test('the README’s CAP walkthrough: its curl puts a polygon over 南明区 on the wall, 南明区’s officer acknowledges it, it comes back as CAP', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  // The README's own text: the message, the API key and the wall's display link, as a newcomer copies them.
  const readme = readFileSync(path.resolve('README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Public-safety alerts (CAP 1.2)'));
  const xml = /<<'XML'\n([\s\S]*?)\nXML\n/.exec(section)![1]!;
  const key = /^KEY=(\S+)$/m.exec(section)![1]!;
  const displayLink = /localhost:3000(\/wall\?display=[\w-]+)/.exec(section)![1]!;
  const auth = { authorization: `Bearer ${key}` };

  const wall = await (await browser.newContext({ viewport: DESK })).newPage();
  const wallProblems = watchConsole(wall);
  await openWall(wall, displayLink);

  const posted = await wall.request.post('/api/cap', { headers: { ...auth, 'content-type': 'application/cap+xml' }, data: xml });
  expect(posted.status()).toBe(201);
  const answer = (await posted.json()) as { stored: Array<{ id: number; affectedGrids: string[] }>; alert: { ack: { pending: string[] } } };
  const { id, affectedGrids } = answer.stored[0]!;
  expect(affectedGrids.length).toBeGreaterThan(0);
  expect(affectedGrids.every((code) => code.startsWith('520102'))).toBe(true);
  expect(answer.alert.ack.pending).toEqual(['520102']);

  // On the wall: in the event list, and in the ticker waiting for 南明区.
  await expect(wall.getByTestId('event-list').locator(`[data-alert-id="${id}"]`)).toBeVisible();
  const ticker = wall.getByTestId('alert-ticker').locator(`[data-alert-id="${id}"]`);
  await expect(ticker).toHaveAttribute('data-pending', 'true');
  await expect(ticker).toContainText('南明区');

  // On the console: 南明区's duty officer sees it waiting, with its grids, and acknowledges it.
  const desk = await signedInPage(browser, 'nm-duty');
  const deskProblems = watchConsole(desk);
  await openDesk(desk);
  const card = desk.locator(`[data-testid="alert-card"][data-alert-id="${id}"]`);
  await expect(card).toHaveAttribute('data-group', 'mine');
  await expect(card.getByTestId('impact-grids')).toHaveText(String(affectedGrids.length));
  await card.getByRole('button', { name: '确认收到' }).click();
  await expect(card.locator('[data-testid="ack-done"][data-area="520102"]').getByTestId('ack-who')).toContainText('南明区值班员');
  await expect(ticker).toHaveAttribute('data-pending', 'false');
  await desk.screenshot({ path: shot('alerts-readme-walkthrough-desk-1920x1080') });
  await wall.screenshot({ path: shot('alerts-readme-walkthrough-wall-1920x1080') });

  // Back as CAP 1.2, as it came in, valid against the OASIS schema; listed in the Atom index.
  const cap = await wall.request.get(`/api/cap/alerts/${id}`, { headers: auth });
  expect(cap.status()).toBe(200);
  const text = await cap.text();
  expect(xsdProblems(text)).toBe('');
  expect(text).toContain('<identifier>demo-rain-0001</identifier>');
  expect(text).toContain(/<polygon>([^<]+)<\/polygon>/.exec(xml)![1]!);
  const atom = await (await wall.request.get('/api/cap/feed.atom', { headers: auth })).text();
  expect(atom).toContain(`/api/cap/alerts/${id}"`);

  expect(wallProblems).toEqual([]);
  expect(deskProblems).toEqual([]);
  await desk.context().close();
  await wall.context().close();
});

import { expect, test } from '@playwright/test';
import { count, openWall, shot, signInContext, unique, watchConsole } from './helpers';

/**
 * The wall as the city-wide admin sees it: it loads on a seeded city, goes live, and a
 * case or alert posted by an intake client appears without a reload. Each test
 * posts its own data with unique external ids; screenshots land in
 * tests/artifacts/screenshots for people to look at.
 */
test.beforeEach(async ({ page }) => {
  // The city-wide demo admin: sees the whole city and may post cases through any channel.
  await signInContext(page, 'admin');
});

test('a posted case appears live on the wall without a reload', async ({ page }) => {
  const problems = watchConsole(page);
  await openWall(page);
  const before = await count(page, 'count-open-incidents');
  const todayBefore = await count(page, 'count-today');

  // Yunyan district's centroid: inside the seeded city, so PostGIS assigns it a grid.
  const response = await page.request.post('/api/cases', {
    data: {
      kind: 'incident',
      channel: 'grid_worker',
      externalId: unique(),
      category: '0502',
      severity: 'Severe',
      title: '路面塌陷 e2e',
      location: { type: 'Point', coordinates: [106.6856, 26.6056] },
    },
  });
  expect(response.status()).toBe(201);
  const { case: created } = (await response.json()) as { case: { id: number; grid: string | null } };
  expect(created.grid).toMatch(/^520103\d{9}$/);

  await expect(page.getByTestId('count-open-incidents')).toHaveText(String(before + 1));
  await expect(page.getByTestId('count-today')).toHaveText(String(todayBefore + 1));
  await expect(page.getByTestId('event-list').locator(`[data-case-id="${created.id}"]`)).toBeVisible();
  expect(problems).toEqual([]);
});

test('an alert area appears live and counts as active', async ({ page }) => {
  const problems = watchConsole(page);
  await openWall(page);
  const before = await count(page, 'count-active-alerts');
  const response = await page.request.post('/api/alerts', {
    data: {
      externalId: unique(),
      eventType: 'MET_RAINSTORM',
      headline: '暴雨橙色预警',
      severity: 'Severe',
      urgency: 'Immediate',
      certainty: 'Likely',
      geometry: { type: 'Polygon', coordinates: [[[106.66, 26.58], [106.72, 26.58], [106.72, 26.63], [106.66, 26.63], [106.66, 26.58]]] },
    },
  });
  expect(response.status()).toBe(201);
  const { alert } = (await response.json()) as { alert: { id: number; affectedGrids: number } };
  expect(alert.affectedGrids).toBeGreaterThan(0);
  await expect(page.getByTestId('count-active-alerts')).toHaveText(String(before + 1));
  await expect(page.getByTestId('event-list').locator(`[data-alert-id="${alert.id}"]`)).toBeVisible();
  expect(problems).toEqual([]);
});

test('switches between Chinese and English', async ({ page }) => {
  const problems = watchConsole(page);
  await openWall(page);
  await expect(page.getByText('和云指挥一张图').first()).toBeVisible();
  await page.getByRole('button', { name: 'EN' }).click();
  await expect(page.getByRole('button', { name: '中文' })).toBeVisible();
  await expect(page.getByText('Harmony Command Map').first()).toBeVisible();
  await page.getByRole('button', { name: '中文' }).click();
  await expect(page.getByRole('button', { name: 'EN' })).toBeVisible();
  expect(problems).toEqual([]);
});

test('is legible on a 4K wall and on a phone (screenshots)', async ({ page }) => {
  const problems = watchConsole(page);
  // Some live traffic first, so the screenshots show every layer.
  const cases = Array.from({ length: 200 }, (_, i) => ({
    kind: i % 3 === 0 ? 'appeal' : 'incident',
    channel: i % 3 === 0 ? 'hotline_12345' : 'grid_worker',
    externalId: `${unique()}-${i}`,
    category: i % 3 === 0 ? 'TS' : ['0102', '0401', '0503', '0702'][i % 4],
    ...(i % 3 === 0 ? { topic: '噪音扰民' } : {}),
    severity: ['Minor', 'Moderate', 'Severe', 'Extreme'][i % 4],
    location: { type: 'Point', coordinates: [106.62 + ((i * 37) % 100) / 800, 26.55 + ((i * 53) % 100) / 1000] },
  }));
  expect((await page.request.post('/api/cases/batch', { data: { cases } })).status()).toBe(200);

  await page.setViewportSize({ width: 3840, height: 2160 });
  await openWall(page);
  await expect(page.getByTestId('count-open-incidents')).not.toHaveText('0');
  await page.screenshot({ path: shot('wall-3840x2160') });

  await page.setViewportSize({ width: 390, height: 844 });
  await openWall(page);
  await expect(page.getByTestId('count-open-incidents')).toBeVisible();
  await page.screenshot({ path: shot('wall-390x844') });
  expect(problems).toEqual([]);
});

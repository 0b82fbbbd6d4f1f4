import { expect, test, type Page } from '@playwright/test';
import { TREND_COLOURS } from '../../app/lib/hotspot-trends';
import type { Snapshot } from '../../server/protocol/rest';
import { adminApi, expectLabelsClear, openWall, shot, signInContext, watchConsole } from './helpers';

/**
 * The appeal hotspot layer (issue 11) on the wall and the leader view. The e2e
 * servers start with two hotspots left as the detection run would
 * (tests/e2e/seed-hotspots.ts): an emerging one (9 appeals: 噪音扰民 6, 物业管理 3)
 * and a cooling one (4 appeals, 环境污染), both in 南明区.
 */
type Hotspot = Snapshot['hotspots'][number];

async function seeded(baseURL: string): Promise<{ emerging: Hotspot; cooling: Hotspot }> {
  const api = await adminApi(baseURL);
  const snapshot = (await (await api.get('/api/snapshot?layers=hotspots')).json()) as Snapshot;
  await api.dispose();
  const emerging = snapshot.hotspots.find((h) => h.trend === 'emerging');
  const cooling = snapshot.hotspots.find((h) => h.trend === 'cooling');
  if (!emerging || !cooling) throw new Error(`seeded hotspots missing: ${JSON.stringify(snapshot.hotspots.map((h) => h.trend))}`);
  return { emerging, cooling };
}

const badge = (page: Page, id: number) => page.locator(`.hcm-hotspot-badge[data-hotspot-id="${id}"]`);
const outline = (page: Page, id: number) => page.locator(`path.hcm-hotspot-${id}`);

test('the wall draws hotspot outlines in their trend colour with count badges; the emerging one pulses; the layer toggles', async ({ page, baseURL }) => {
  const problems = watchConsole(page);
  const { emerging, cooling } = await seeded(baseURL!);
  await signInContext(page, 'nm-duty');
  await page.setViewportSize({ width: 1920, height: 1080 });
  await openWall(page);

  await expect(badge(page, emerging.id)).toHaveText('9');
  await expect(badge(page, emerging.id)).toHaveAttribute('data-trend', 'emerging');
  await expect(badge(page, cooling.id)).toHaveText('4');
  await expect(outline(page, emerging.id)).toHaveAttribute('stroke', TREND_COLOURS.emerging);
  await expect(outline(page, cooling.id)).toHaveAttribute('stroke', TREND_COLOURS.cooling);
  // Only the emerging outline is animated (CSS), the cooling one is still.
  expect(await outline(page, emerging.id).evaluate((el) => getComputedStyle(el).animationName)).toBe('hcm-hotspot-pulse');
  expect(await outline(page, cooling.id).evaluate((el) => getComputedStyle(el).animationName)).toBe('none');

  // A wall tap shows its topics in short (a popup), without any appeal of its own.
  await badge(page, emerging.id).click();
  await expect(page.locator('.hcm-popup')).toContainText('噪音扰民 6');

  // The layer switch hides and shows it, like the other layers.
  const toggle = page.getByRole('checkbox', { name: '信访热点' });
  await toggle.uncheck();
  await expect(badge(page, emerging.id)).toHaveCount(0);
  await toggle.check();
  await expect(badge(page, emerging.id)).toBeVisible();
  expect(problems).toEqual([]);
});

test('the wall stays legible with hotspots on a 4K wall and on a phone (screenshots); reduced motion stops the pulse', async ({ page, baseURL }) => {
  const problems = watchConsole(page);
  const { emerging } = await seeded(baseURL!);
  await signInContext(page, 'nm-duty');
  await page.setViewportSize({ width: 3840, height: 2160 });
  await openWall(page);
  await expect(badge(page, emerging.id)).toBeVisible();
  // Street names give way to the badges (the 9 sat on 平溪街道) and to the district's own name (竹桥街道 touched
  // 南明区): in this small e2e city the district's name is what stays.
  await expectLabelsClear(page, '[data-testid="map"] .leaflet-container', '.hcm-label', 1);
  await page.screenshot({ path: shot('hotspots-wall-3840x2160') });
  await page.setViewportSize({ width: 390, height: 844 });
  await openWall(page);
  await expect(badge(page, emerging.id)).toBeVisible();
  await page.screenshot({ path: shot('hotspots-wall-390x844') });
  await page.emulateMedia({ reducedMotion: 'reduce' });
  expect(await outline(page, emerging.id).evaluate((el) => getComputedStyle(el).animationName)).toBe('none');
  expect(problems).toEqual([]);
});

test('leader: tapping a hotspot lists its topics and areas with their counts (zh and EN), on a phone', async ({ page, baseURL }) => {
  const problems = watchConsole(page);
  const { emerging } = await seeded(baseURL!);
  await signInContext(page, 'leader');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/leader');
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live');
  await expect(page.locator('.leader-main')).toHaveAttribute('data-loading', 'false');
  await expect(page.getByTestId('hotspot-hint')).toContainText('信访热点 2');
  await badge(page, emerging.id).click();
  const detail = page.getByTestId('hotspot-detail');
  await expect(detail).toHaveAttribute('data-hotspot-id', String(emerging.id));
  await expect(detail.getByTestId('hotspot-count')).toHaveText('9');
  await expect(detail.getByTestId('hotspot-topics').locator('li')).toHaveText([/噪音扰民\s*6/, /物业管理\s*3/]);
  const area = emerging.areas[0]!;
  await expect(detail.getByTestId('hotspot-areas').locator('li')).toHaveText([new RegExp(`${area.name}\\s*9`)]);
  await expect(detail).toContainText('新发');
  await detail.scrollIntoViewIfNeeded();
  await page.screenshot({ path: shot('hotspots-leader-390x844'), fullPage: true });

  await page.getByRole('button', { name: 'EN' }).click();
  await expect(detail.getByTestId('hotspot-topics').locator('li')).toHaveText([/Noise\s*6/, /Property management\s*3/]);
  await expect(detail).toContainText('Emerging');
  await detail.getByRole('button', { name: 'Close' }).click();
  await expect(detail).toHaveCount(0);
  expect(problems).toEqual([]);
});

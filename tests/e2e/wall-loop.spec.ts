import { expect, test, type Page } from '@playwright/test';
import { count, openWall, shot, signInContext, unique, watchConsole } from './helpers';

/**
 * The wall follows cases round the loop live: a case posted and then moved by
 * REST transitions changes on the wall as it goes, leaves it when closed, and the
 * open count comes back down — with no reload (a marker set on the page survives).
 */
test.beforeEach(async ({ page }) => {
  // The city-wide demo admin: may post cases and fire every transition.
  await signInContext(page, 'admin');
});

const YUNYAN: [number, number] = [106.6856, 26.6056];

async function postIncident(page: Page, extra: Record<string, unknown> = {}): Promise<{ id: number; version: number }> {
  const response = await page.request.post('/api/cases', {
    data: { kind: 'incident', channel: 'grid_worker', externalId: unique(), category: '0502', severity: 'Severe', title: '路面塌陷 e2e loop', location: { type: 'Point', coordinates: YUNYAN }, ...extra },
  });
  expect(response.status()).toBe(201);
  const { case: created } = (await response.json()) as { case: { id: number; version: number } };
  return created;
}

test('a case moved round the loop changes on the wall and leaves it when closed, without a reload', async ({ page }) => {
  const problems = watchConsole(page);
  await openWall(page);
  await page.evaluate(() => {
    (window as unknown as { __noReload: boolean }).__noReload = true;
  });
  const before = await count(page, 'count-open-incidents');
  const created = await postIncident(page);
  const item = page.getByTestId('event-list').locator(`[data-case-id="${created.id}"]`);
  await expect(item).toHaveAttribute('data-status', 'reported');
  await expect(page.getByTestId('count-open-incidents')).toHaveText(String(before + 1));
  const chip = item.getByTestId('event-status');
  const colourOf = () => chip.evaluate((el) => getComputedStyle(el).color);
  const reportedColour = await colourOf();

  let version = created.version;
  const fire = async (action: string, payload: Record<string, unknown> = {}) => {
    const response = await page.request.post(`/api/cases/${created.id}/transitions`, {
      data: { action, expectedVersion: version, commandId: unique(), ...payload },
    });
    expect(response.status(), `${action}: ${await response.text()}`).toBe(200);
    version = ((await response.json()) as { case: { version: number } }).case.version;
  };

  await fire('register');
  await expect(item).toHaveAttribute('data-status', 'registered');
  await expect(chip).toHaveText('已立案');
  await fire('dispatch', { department: 'city_management' });
  await expect(item).toHaveAttribute('data-status', 'dispatched');
  await fire('accept');
  await expect(item).toHaveAttribute('data-status', 'in_progress');
  expect(await colourOf()).not.toBe(reportedColour);
  await fire('handle', { note: '已现场处置完毕' });
  await expect(item).toHaveAttribute('data-status', 'handled');
  // Still open until verified: the count has not moved yet.
  expect(await count(page, 'count-open-incidents')).toBe(before + 1);
  await fire('close');
  await expect(item).toHaveCount(0);
  await expect(page.getByTestId('count-open-incidents')).toHaveText(String(before));
  expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  expect(problems).toEqual([]);
});

test('an overdue case stands out in the list, and a rejected one leaves', async ({ page }) => {
  const problems = watchConsole(page);
  await openWall(page);
  const before = await count(page, 'count-open-incidents');
  // Reported four days ago: its one working hour to be registered ran out long since.
  const late = await postIncident(page, { reportedAt: new Date(Date.now() - 4 * 86_400_000).toISOString() });
  const item = page.getByTestId('event-list').locator(`[data-case-id="${late.id}"]`);
  await expect(item).toHaveAttribute('data-sla', 'overdue');
  await expect(item.getByTestId('event-status')).toContainText('超期');
  await expect(page.locator('.hcm-pulse-canvas')).toHaveCount(1);
  await expect(page.getByTestId('count-open-incidents')).toHaveText(String(before + 1));
  await page.screenshot({ path: shot('wall-overdue') });

  const response = await page.request.post(`/api/cases/${late.id}/transitions`, {
    data: { action: 'reject', expectedVersion: late.version, commandId: unique(), reason: '重复上报，已另行受理' },
  });
  expect(response.status()).toBe(200);
  await expect(item).toHaveCount(0);
  await expect(page.getByTestId('count-open-incidents')).toHaveText(String(before));
  expect(problems).toEqual([]);
});

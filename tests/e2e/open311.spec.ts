import { expect, request as playwrightRequest, test } from '@playwright/test';
import { labelPoint } from '../../app/wall/map/geometry';
import { DEMO_OPEN311_KEY, NANMING } from '../../server/auth/demo-secrets';
import type { AreaCollection } from '../../server/protocol/rest';
import { adminApi, shot, signInContext, watchConsole } from './helpers';

/**
 * Open311 (issue 11): a request a 311 client posts the spec's way (form-encoded,
 * api_key in the body, the demo's Open311 key) appears live in 南明区's dispatch
 * queue (待立案) without a reload, and the partner reads it back as GeoReport v2.
 */
test('a request posted through Open311 appears live in the dispatch queue', async ({ page, baseURL }) => {
  const problems = watchConsole(page);
  const admin = await adminApi(baseURL!);
  const grids = (await (await admin.get(`/api/areas?level=grid&within=${NANMING}&limit=3`)).json()) as AreaCollection;
  await admin.dispose();
  const at = labelPoint(grids.features[0]!)!;

  await signInContext(page, 'nm-dispatcher');
  await page.goto('/dispatch');
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live');
  await expect(page.getByTestId('count-register')).toHaveText(/^\d+$/);
  const before = Number(await page.getByTestId('count-register').textContent());
  await page.evaluate(() => Object.assign(window, { __noReload: true }));

  const partner = await playwrightRequest.newContext({ baseURL });
  const posted = await partner.post('/open311/v2/requests.json', {
    form: {
      api_key: DEMO_OPEN311_KEY,
      service_code: '0102',
      lat: String(at[1]),
      long: String(at[0]),
      description: '小区门口垃圾堆积 Open311 e2e',
      'attribute[severity]': 'Severe',
      first_name: '伟',
      last_name: '李',
      phone: '13912345678',
    },
  });
  expect(posted.status(), await posted.text()).toBe(201);
  const id = ((await posted.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id;

  const row = page.getByTestId(`queue-row-${id}`);
  await expect(row).toBeVisible();
  await expect(row).toContainText('暴露垃圾');
  await expect(page.getByTestId('count-register')).toHaveText(String(before + 1));
  await page.screenshot({ path: shot('open311-dispatch-queue') });

  const back = await partner.get(`/open311/v2/requests/${id}.xml?api_key=${DEMO_OPEN311_KEY}`);
  expect(back.status()).toBe(200);
  const xml = await back.text();
  expect(xml).toContain(`<service_request_id>${id}</service_request_id>`);
  expect(xml).toContain('<status>open</status>');
  expect(xml).not.toContain('13912345678');
  await partner.dispose();

  expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  expect(problems).toEqual([]);
});

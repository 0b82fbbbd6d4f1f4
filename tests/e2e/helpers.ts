import { expect, request as playwrightRequest, test, type APIRequestContext, type Page } from '@playwright/test';
import { DEMO_USERS, type DemoUser } from '../../server/auth/demo-secrets';

/**
 * Shared e2e helpers. The e2e servers run with DEMO=1 and SEED_IF_EMPTY=1, so the
 * demo accounts, display token and API key of server/auth/demo-secrets.ts exist.
 */
export const SHOTS = 'tests/artifacts/screenshots';
export const shot = (name: string) => `${SHOTS}/${test.info().project.name}-${name}.png`;
export const unique = () => `e2e-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

export function demoUser(login: string): DemoUser {
  const user = DEMO_USERS.find((u) => u.login === login);
  if (!user) throw new Error(`no demo user ${login}`);
  return user;
}

/** Collects console errors/warnings and page errors; tests end with `expect(problems).toEqual([])`. */
export function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  return problems;
}

/** Signs the page's browser context in over the API (the context's cookie jar gets the session). */
export async function signInContext(page: Page, login: string): Promise<void> {
  const response = await page.request.post('/api/auth/login', { data: { login, password: demoUser(login).password } });
  expect(response.status()).toBe(200);
}

/** A separate API client signed in as the city-wide demo admin, for posting cases and reading references. */
export async function adminApi(baseURL: string): Promise<APIRequestContext> {
  const api = await playwrightRequest.newContext({ baseURL });
  const response = await api.post('/api/auth/login', { data: { login: 'admin', password: demoUser('admin').password } });
  expect(response.status()).toBe(200);
  return api;
}

/** Opens the wall (already signed in) and waits until it is live with its outlines drawn. */
export async function openWall(page: Page, path = '/wall'): Promise<void> {
  await page.goto(path);
  await expect(page.getByTestId('map')).toBeVisible();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'live');
  await expect(page.locator('[data-testid="map"] .leaflet-container')).toHaveAttribute('data-outlines', 'drawn');
}

export async function count(page: Page, testId: string): Promise<number> {
  const text = (await page.getByTestId(testId).textContent()) ?? '';
  return Number(text.replace(/[^\d]/g, ''));
}

/**
 * A map's text labels read clearly: no visible label (`labels`, a selector) overlaps another or a hotspot's
 * count badge, and at least `minShown` stay visible (app/wall/map/declutter.ts hides the rest). Polled:
 * labels settle after each zoom and each badge drawn.
 */
export async function expectLabelsClear(page: Page, map: string, labels: string, minShown: number): Promise<void> {
  await expect
    .poll(() =>
      page.evaluate(
        ({ map, labels, minShown }) => {
          const root = document.querySelector(map)!;
          const visible = (el: Element) => getComputedStyle(el).visibility !== 'hidden';
          const shown = [...root.querySelectorAll(labels)].filter(visible).map((el) => ({ name: el.textContent ?? '', box: el.getBoundingClientRect() }));
          const badges = [...root.querySelectorAll('.hcm-hotspot-badge')].map((el) => ({ name: `badge ${el.textContent}`, box: el.getBoundingClientRect() }));
          const hit = (a: DOMRect, b: DOMRect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
          const clashes: string[] = [];
          shown.forEach((label, i) => {
            for (const other of [...shown.slice(i + 1), ...badges]) if (hit(label.box, other.box)) clashes.push(`${label.name} × ${other.name}`);
          });
          return { clashes, enough: shown.length >= minShown };
        },
        { map, labels, minShown },
      ),
    )
    .toEqual({ clashes: [], enough: true });
  const container = page.locator(map);
  const shown = Number(await container.getAttribute('data-labels-shown'));
  expect(shown).toBeGreaterThanOrEqual(minShown);
  expect(await container.locator(`${labels}:not(.hcm-label-hidden)`).count()).toBe(shown);
}

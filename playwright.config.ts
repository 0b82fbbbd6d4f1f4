import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

/**
 * E2E against the real custom server in production mode (run `next build` first;
 * `npm run test:e2e` does), on a fresh embedded PGlite database seeded with a small
 * demo city. Debian's Chromium is used where it exists (CI, this machine);
 * elsewhere Playwright's own browser.
 */
const PORT = Number(process.env.E2E_PORT ?? 3197);
// Playwright loads this file in its runner and again in every worker: only the
// runner (where the variable is not yet set) clears old databases and picks a
// fresh folder; the workers inherit it, so nobody deletes the live server's files.
if (!process.env.E2E_DATA_DIR) {
  rmSync(path.resolve('tests/artifacts/e2e-db'), { recursive: true, force: true });
  process.env.E2E_DATA_DIR = path.resolve('tests/artifacts/e2e-db', `run-${Date.now()}`);
}
const DATA_DIR = process.env.E2E_DATA_DIR;

const systemChromium = '/usr/bin/chromium';
const launchOptions = existsSync(systemChromium)
  ? {
      executablePath: systemChromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    }
  : {};

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'tests/artifacts/e2e-results',
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    ...devices['Desktop Chrome'],
    launchOptions,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: 'npx tsx server/index.ts',
    url: `http://127.0.0.1:${PORT}/api/health`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    env: {
      NODE_ENV: 'production',
      DATABASE_URL: '',
      PORT: String(PORT),
      HOST: '127.0.0.1',
      DATA_DIR,
      SEED_IF_EMPTY: '1',
      SEED_SCALE: '0.1',
      SIMULATE: '0',
      LOG_LEVEL: 'warn',
    },
  },
});

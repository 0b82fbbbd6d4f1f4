import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

/**
 * E2E against the real custom server in production mode (run `next build` first;
 * `npm run test:e2e` does), once per database: embedded PGlite in a fresh folder,
 * and PostgreSQL + PostGIS in a fresh database (E2E_PG_URL). Each server seeds a
 * small demo city on start. Debian's Chromium is used where it exists (CI, this
 * machine); elsewhere Playwright's own browser.
 */
const PGLITE_PORT = Number(process.env.E2E_PORT ?? 3197);
const POSTGRES_PORT = PGLITE_PORT + 1;
const PG_ADMIN = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PG_URL = process.env.E2E_PG_URL ?? PG_ADMIN.replace(/\/[^/]*$/, '/hcm_e2e');

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

const serverEnv = {
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  SEED_IF_EMPTY: '1',
  // Demo accounts, display token and API key (server/auth/demo-secrets.ts): production refuses them without DEMO=1.
  DEMO: '1',
  SEED_SCALE: '0.1',
  SIMULATE: '0',
  // No hotspot detection runs: the e2e seed's hotspots have no appeals under them, so a run would end them
  // (detection itself is tested in tests/integration/hotspots.test.ts).
  HOTSPOT_EVERY_MS: '0',
  LOG_LEVEL: 'warn',
};

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'tests/artifacts/e2e-results',
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    ...devices['Desktop Chrome'],
    launchOptions,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'pglite', use: { baseURL: `http://127.0.0.1:${PGLITE_PORT}` } },
    { name: 'postgres', use: { baseURL: `http://127.0.0.1:${POSTGRES_PORT}` } },
  ],
  webServer: [
    {
      // Two appeal hotspots first (tests/e2e/seed-hotspots.ts: detection is not what e2e tests).
      command: 'npx tsx tests/e2e/seed-hotspots.ts && npx tsx server/index.ts',
      url: `http://127.0.0.1:${PGLITE_PORT}/api/health`,
      timeout: 240_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      env: { ...serverEnv, PORT: String(PGLITE_PORT), DATABASE_URL: '', DATA_DIR },
    },
    {
      // A fresh database each run; the first migration enables PostGIS in it.
      command: 'npx tsx tests/e2e/fresh-database.ts && npx tsx tests/e2e/seed-hotspots.ts && npx tsx server/index.ts',
      url: `http://127.0.0.1:${POSTGRES_PORT}/api/health`,
      timeout: 240_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      env: { ...serverEnv, PORT: String(POSTGRES_PORT), DATABASE_URL: PG_URL, TEST_PG_ADMIN_URL: PG_ADMIN },
    },
  ],
});

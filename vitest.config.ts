import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    // PGlite boots a WASM Postgres with PostGIS (~10 s); PostGIS seeds take longer still.
    testTimeout: 120_000,
    hookTimeout: 240_000,
    // Two cores: run files two at a time, each with its own databases.
    maxWorkers: 2,
    // The migrated template databases every file copies (tests/helpers/db-templates.ts).
    globalSetup: ['tests/helpers/global-setup.ts'],
    pool: 'forks',
  },
});

import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import e2e from './playwright.config';
import { baseUrlFor, builtServer, portFromEnv } from './e2e/web-server';

/*
 * Web performance measurement (not a test suite): `pnpm bench:web`. Runs e2e/perf/*.perf.ts
 * against its own server on port 3167 (PERF_PORT) with a fresh temporary database, in the
 * same Chromium with the same launch options as the e2e suite. Build first, as for e2e:
 *   pnpm --filter @parley/web build && pnpm --filter @parley/server build
 * The measurement prints a JSON line and a markdown table and writes bench/results/web.json.
 */

const PORT = portFromEnv('PERF_PORT', 3167);
const BASE_URL = baseUrlFor(PORT);

// Chosen once in the runner; workers inherit it. Removed by e2e/perf/teardown.ts.
if (!process.env.PERF_DATA_DIR) {
  process.env.PERF_DATA_DIR = join(
    tmpdir(),
    `parley-perf-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`,
  );
  process.env.PERF_DATA_DIR_CREATED = '1';
}

export default defineConfig({
  testDir: './e2e/perf',
  testMatch: '**/*.perf.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  timeout: 10 * 60_000,
  expect: { timeout: 20_000 },
  globalSetup: './e2e/global-setup.ts',
  globalTeardown: './e2e/perf/teardown.ts',
  outputDir: 'test-results/perf-artifacts',
  reporter: [['list']],
  // The e2e suite's browser settings (Chromium binary, launch arguments, headless, timeouts).
  use: { ...e2e.use, baseURL: BASE_URL, trace: 'off', screenshot: 'off' },
  projects: [{ name: 'chromium' }],
  webServer: builtServer({ port: PORT, dataDir: process.env.PERF_DATA_DIR, presenceGraceMs: 1000 }),
});

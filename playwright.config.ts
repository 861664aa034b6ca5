import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { PRESENCE_GRACE_MS } from './e2e/constants';
import { baseUrlFor, builtServer, portFromEnv } from './e2e/web-server';

/*
 * End-to-end tests of the built app: the server serves apps/web/dist, Chromium drives it.
 * Building is NOT done here (see e2e/README.md): run
 *   pnpm --filter @parley/web build && pnpm --filter @parley/server build
 * first. The config starts `node apps/server/dist/server.js` itself and stops it after.
 *
 * This file is loaded by the runner process and again by every worker process; values
 * that must be the same everywhere (the port, the data folder) go through process.env,
 * which the workers inherit from the runner.
 */

const PORT = portFromEnv('E2E_PORT', 3123);
const BASE_URL = baseUrlFor(PORT);

// A fresh, empty database per run so accounts never collide with an earlier run's: a
// new folder name, chosen once in the runner (the server creates the folder). Removed by
// e2e/global-teardown.ts unless E2E_KEEP_DATA=1; a folder given through E2E_DATA_DIR is
// never removed.
if (!process.env.E2E_DATA_DIR) {
  const unique = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  process.env.E2E_DATA_DIR = join(tmpdir(), `parley-e2e-${unique}`);
  process.env.E2E_DATA_DIR_CREATED = '1';
}

const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  // Needs several nodes: playwright.cluster.config.ts runs it.
  testIgnore: ['**/cluster.spec.ts'],
  // Tests open several browser contexts each and share one server: one at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  globalSetup: './e2e/global-setup.ts',
  globalTeardown: './e2e/global-teardown.ts',
  outputDir: 'test-results/e2e-artifacts',
  // The test command points E2E_JSON_REPORT at its own report folder.
  reporter: [['list'], ['json', { outputFile: process.env.E2E_JSON_REPORT || 'test-results/e2e.json' }]],
  use: {
    baseURL: BASE_URL,
    browserName: 'chromium',
    headless: true,
    actionTimeout: 10_000,
    navigationTimeout: 15_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [{ name: 'chromium' }],
  webServer: builtServer({ port: PORT, dataDir: process.env.E2E_DATA_DIR, presenceGraceMs: PRESENCE_GRACE_MS }),
});

import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { PRESENCE_GRACE_MS } from './e2e/constants';

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

const PORT = Number(process.env.E2E_PORT || 3123);
if (!Number.isInteger(PORT) || PORT < 1 || PORT > 65535) {
  throw new Error(`E2E_PORT must be a TCP port, got "${process.env.E2E_PORT}"`);
}

// 127.0.0.1, not localhost: socket.io-client closes its transport on the page's
// `offline` event only when the host is not `localhost` (see e2e/README.md),
// and the offline tests rely on that.
const BASE_URL = `http://127.0.0.1:${PORT}`;

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
  webServer: {
    // Runs in this file's folder (the repository root).
    command: 'node apps/server/dist/server.js',
    url: `${BASE_URL}/healthz`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
    env: {
      PORT: String(PORT),
      HOST: '127.0.0.1',
      DATA_DIR: process.env.E2E_DATA_DIR,
      PRESENCE_GRACE_MS: String(PRESENCE_GRACE_MS),
      LOG_LEVEL: 'warn',
      // Every test account comes from 127.0.0.1; the per-address sign-up budget is for the real world.
      REGISTRATIONS_PER_IP_PER_HOUR: '100000',
    },
  },
});

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FullConfig } from '@playwright/test';

/**
 * Runs after the webServer is up. Fails the run early, with a sentence that says what to
 * do, when the SPA was not built: without apps/web/dist the server serves the API only
 * and every test would fail on a blank page.
 */
export default async function globalSetup(config: FullConfig): Promise<void> {
  const index = fileURLToPath(new URL('../apps/web/dist/index.html', import.meta.url));
  if (!existsSync(index)) {
    throw new Error(
      `${index} is missing: build first with ` +
        '`pnpm --filter @parley/web build && pnpm --filter @parley/server build` (see e2e/README.md).',
    );
  }
  const baseURL = config.projects[0]?.use.baseURL;
  if (!baseURL) throw new Error('playwright.config.ts sets no baseURL');
  const response = await fetch(new URL('/', baseURL), { headers: { accept: 'text/html' } });
  const type = response.headers.get('content-type') ?? '';
  if (!response.ok || !type.includes('text/html')) {
    throw new Error(`GET ${baseURL}/ answered ${response.status} ${type}, not the web app's page`);
  }
}

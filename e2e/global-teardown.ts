import { rmSync } from 'node:fs';

/**
 * Removes the run's temporary data folder (created in playwright.config.ts). Kept when
 * E2E_KEEP_DATA=1, or when the folder came from E2E_DATA_DIR rather than from the config.
 */
export default async function globalTeardown(): Promise<void> {
  const dir = process.env.E2E_DATA_DIR;
  if (!dir || process.env.E2E_DATA_DIR_CREATED !== '1' || process.env.E2E_KEEP_DATA === '1') return;
  rmSync(dir, { recursive: true, force: true });
}

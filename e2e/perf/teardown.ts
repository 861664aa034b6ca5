import { rmSync } from 'node:fs';

/** Removes the measurement's temporary data folder (playwright.perf.config.ts made it). */
export default async function perfTeardown(): Promise<void> {
  const dir = process.env.PERF_DATA_DIR;
  if (!dir || process.env.PERF_DATA_DIR_CREATED !== '1' || process.env.PERF_KEEP_DATA === '1') return;
  rmSync(dir, { recursive: true, force: true });
}

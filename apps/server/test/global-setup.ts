import { readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { alive } from './services/processes.js';

/*
 * Test processes bundle the server into .test-build/<pid>/ (test/process/server-process.ts).
 * Before a run, the folders of processes that no longer exist are removed, so bundles do
 * not pile up run after run (a folder of a test run still going is left alone).
 */
const BUILDS = fileURLToPath(new URL('../.test-build/', import.meta.url));

export default function setup(): void {
  let names: string[];
  try {
    names = readdirSync(BUILDS);
  } catch {
    return; // nothing built yet
  }
  for (const name of names) {
    if (/^\d+$/.test(name) && !alive(Number(name))) rmSync(`${BUILDS}${name}`, { recursive: true, force: true });
  }
}

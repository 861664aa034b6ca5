import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildBundle } from './process/server-process.js';

/**
 * The SQLite writer thread as production runs it: bundled by build.mjs next to the
 * server (a worker thread cannot load TypeScript source). Built once per test process.
 */
export async function builtWriterThread(): Promise<URL> {
  return pathToFileURL(join(dirname(await buildBundle()), 'sqlite.writer.js'));
}

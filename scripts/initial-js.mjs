// The web app's initial JavaScript: the scripts and module preloads that
// apps/web/dist/index.html loads before the first screen, gzipped. Shared by the CI
// budget check (check-bundle-size.mjs) and the benchmark report (bench/src/report.mjs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const INITIAL_JS_LIMIT_BYTES = 150 * 1024;

/** Each initial script with its gzipped size, and the total; throws if index.html names none. */
export function initialJs(distDir) {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const refs = [
    ...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g),
  ].map((m) => m[1]);
  if (refs.length === 0) throw new Error(`no script found in ${join(distDir, 'index.html')}`);
  const files = [...new Set(refs)].map((ref) => ({
    ref,
    gzipBytes: gzipSync(readFileSync(join(distDir, ref.replace(/^\//, '')))).length,
  }));
  return { files, totalGzipBytes: files.reduce((n, f) => n + f.gzipBytes, 0) };
}

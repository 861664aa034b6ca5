// The web app's initial JavaScript must stay at most 150 KB gzipped: the scripts and
// module preloads that apps/web/dist/index.html loads before the first screen.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const LIMIT_BYTES = 150 * 1024;
const dist = new URL('../apps/web/dist/', import.meta.url).pathname;
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const refs = [
  ...html.matchAll(/<script[^>]+src="([^"]+\.js)"/g),
  ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g),
].map((m) => m[1]);
if (refs.length === 0) {
  console.error('no script found in apps/web/dist/index.html');
  process.exit(1);
}
let total = 0;
for (const ref of new Set(refs)) {
  const bytes = gzipSync(readFileSync(join(dist, ref.replace(/^\//, '')))).length;
  total += bytes;
  console.log(`  ${ref}: ${(bytes / 1024).toFixed(1)} KB gzipped`);
}
const ok = total <= LIMIT_BYTES;
console.log(`initial JS: ${(total / 1024).toFixed(1)} KB gzipped (limit ${LIMIT_BYTES / 1024} KB): ${ok ? 'ok' : 'TOO BIG'}`);
process.exit(ok ? 0 : 1);

// The web app's initial JavaScript must stay at most 150 KB gzipped: the scripts and
// module preloads that apps/web/dist/index.html loads before the first screen.
import { INITIAL_JS_LIMIT_BYTES, initialJs } from './initial-js.mjs';

const dist = new URL('../apps/web/dist/', import.meta.url).pathname;
let measured;
try {
  measured = initialJs(dist);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
for (const f of measured.files) console.log(`  ${f.ref}: ${(f.gzipBytes / 1024).toFixed(1)} KB gzipped`);
const ok = measured.totalGzipBytes <= INITIAL_JS_LIMIT_BYTES;
console.log(
  `initial JS: ${(measured.totalGzipBytes / 1024).toFixed(1)} KB gzipped (limit ${INITIAL_JS_LIMIT_BYTES / 1024} KB): ${ok ? 'ok' : 'TOO BIG'}`,
);
process.exit(ok ? 0 : 1);

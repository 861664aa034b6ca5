// The web app's initial JavaScript must stay at most 150 KB gzipped: the scripts and
// module preloads that apps/web/dist/index.html loads before the first screen; each must
// have the precompressed copy the server sends (apps/web/scripts/precompress.mjs).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { INITIAL_JS_LIMIT_BYTES, initialJs } from './initial-js.mjs';

const dist = new URL('../apps/web/dist/', import.meta.url).pathname;
let measured;
try {
  measured = initialJs(dist);
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
// W8: what is sent is the build's own precompressed copy: each initial script has one.
let sent = 0;
let missing = 0;
for (const f of measured.files) {
  const br = join(dist, `${f.ref.replace(/^\//, '')}.br`);
  const brBytes = existsSync(br) ? statSync(br).size : null;
  if (brBytes === null) missing++;
  else sent += brBytes;
  console.log(
    `  ${f.ref}: ${(f.gzipBytes / 1024).toFixed(1)} KB gzipped, ` +
      (brBytes === null ? 'NO precompressed .br copy' : `${(brBytes / 1024).toFixed(1)} KB as sent (brotli)`),
  );
}
if (missing === 0) console.log(`initial JS as sent to a browser accepting br: ${(sent / 1024).toFixed(1)} KB`);
const ok = measured.totalGzipBytes <= INITIAL_JS_LIMIT_BYTES && missing === 0;
console.log(
  `initial JS: ${(measured.totalGzipBytes / 1024).toFixed(1)} KB gzipped (limit ${INITIAL_JS_LIMIT_BYTES / 1024} KB): ${ok ? 'ok' : 'TOO BIG'}`,
);
process.exit(ok ? 0 : 1);

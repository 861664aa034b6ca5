// Bundles the TypeScript seeder (which imports the server's storage and auth code) with
// esbuild, as apps/server/bench/run.mjs does for its benchmark, and runs it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { NODE_BUNDLE } from '../../apps/server/build.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const buildDir = join(here, '..', '.build');

let built;
export async function buildSeeder() {
  built ??= (async () => {
    mkdirSync(buildDir, { recursive: true });
    const outfile = join(buildDir, 'seed.js');
    await build({
      entryPoints: [join(here, 'seed', 'seed.ts')],
      outfile,
      ...NODE_BUNDLE,
      // The native module loads from node_modules at run time; everything else is bundled.
      // pg's optional native binding and its Cloudflare socket are never loaded here.
      external: ['better-sqlite3', 'pg-native', 'pg-cloudflare', 'cloudflare:sockets'],
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    return outfile;
  })();
  return built;
}

/** Seeds `spec.dataDir`; returns the tokens and ids the load clients need. */
export async function seed(spec) {
  const seeder = await buildSeeder();
  mkdirSync(spec.dataDir, { recursive: true });
  const specPath = join(spec.dataDir, 'seed-spec.json');
  const outPath = join(spec.dataDir, 'seed-out.json');
  writeFileSync(specPath, JSON.stringify(spec));
  execFileSync(process.execPath, [seeder, specPath, outPath], { stdio: ['ignore', 'inherit', 'inherit'] });
  return JSON.parse(readFileSync(outPath, 'utf8'));
}

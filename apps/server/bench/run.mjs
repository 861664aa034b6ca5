// Runs a TypeScript benchmark of the server package: bundles it with esbuild (as the
// server itself is built) into .test-build/ and imports it. Usage: node bench/run.mjs <name>
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const name = process.argv[2];
if (!name) throw new Error('usage: node bench/run.mjs <bench name, e.g. durability>');
const here = new URL('.', import.meta.url);
const outfile = fileURLToPath(new URL(`../.test-build/${name}.bench.js`, here));
await build({
  entryPoints: [fileURLToPath(new URL(`${name}.bench.ts`, here))],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['source'],
  packages: 'external',
  alias: { '@parley/shared-types': fileURLToPath(new URL('../../../packages/shared-types/src/index.ts', here)) },
  logLevel: 'warning',
});
await import(pathToFileURL(outfile).href);

// Runs a TypeScript benchmark of the server package: bundles it with esbuild (as the
// server itself is built) into .test-build/ and imports it. Usage: node bench/run.mjs <name>
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { NODE_BUNDLE, buildServer } from '../build.mjs';

const name = process.argv[2];
if (!name) throw new Error('usage: node bench/run.mjs <bench name, e.g. durability>');
const here = new URL('.', import.meta.url);
const outfile = fileURLToPath(new URL(`../.test-build/${name}.bench.js`, here));
await build({
  entryPoints: [fileURLToPath(new URL(`${name}.bench.ts`, here))],
  outfile,
  ...NODE_BUNDLE,
  packages: 'external',
  alias: { '@parley/shared-types': fileURLToPath(new URL('../../../packages/shared-types/src/index.ts', here)) },
});
// The SQLite writer thread, built as production ships it, for variants that use it.
const server = await buildServer(fileURLToPath(new URL(`../.test-build/bench-${name}/server.js`, here)));
process.env.PARLEY_BENCH_WRITER_THREAD = pathToFileURL(join(dirname(server), 'sqlite.writer.js')).href;
await import(pathToFileURL(outfile).href);

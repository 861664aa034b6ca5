// Bundles the server into dist/server.js, its SQLite writer thread into
// dist/sqlite.writer.js (found next to the server at run time) and the backup tool into
// dist/backup.js. Workspace packages (shared-types, shipped as
// TypeScript source) are bundled in; npm dependencies stay external and load from
// node_modules at run time (better-sqlite3 and argon2 are native).
// Also used by the process-level tests, which build their own copy (see test/process/).
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = new URL('.', import.meta.url);

/**
 * How every Node bundle of the server's TypeScript is made (the server, its benchmarks,
 * the bench's seeder): ESM for Node 20, workspace packages taken from their source.
 */
export const NODE_BUNDLE = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['source'],
  logLevel: 'warning',
};

export async function buildServer(outfile = fileURLToPath(new URL('dist/server.js', here))) {
  const pkg = JSON.parse(readFileSync(new URL('package.json', here), 'utf8'));
  const external = Object.keys(pkg.dependencies).filter((name) => !name.startsWith('@parley/'));
  await build({
    entryPoints: {
      [basename(outfile, '.js')]: fileURLToPath(new URL('src/server.ts', here)),
      'sqlite.writer': fileURLToPath(new URL('src/storage/sqlite/sqlite.writer.ts', here)),
      // `pnpm backup <file>`: an online backup of the running server's database.
      backup: fileURLToPath(new URL('src/backup.ts', here)),
    },
    outdir: dirname(outfile),
    ...NODE_BUNDLE,
    external: [...external, ...external.map((name) => `${name}/*`)],
    sourcemap: true,
  });
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildServer();

import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig } from './config.js';
import { PARLEY_APPLICATION_ID } from './storage/sqlite/sqlite.identity.js';

/*
 * `pnpm backup <file>` (or `npm run backup -- <file>`): a consistent copy of the SQLite
 * database under DATA_DIR, taken while the server runs, through SQLite's online backup API.
 * It opens the database read-only and never touches the server's lock (parley.lock): a
 * WAL reader blocks no writer, so the server keeps storing while the copy is made. The
 * copy is one read transaction (all pages in one step) so it is one moment of the
 * database, even under write load: copied in small steps, every write by the server would
 * restart the copy. It is written as `<file>.partial` and renamed into place once checked.
 */

async function backup(target: string): Promise<void> {
  const config = loadConfig();
  if (config.databaseUrl !== null) {
    throw new Error('DATABASE_URL is set: back PostgreSQL up with its own tools (pg_dump, pg_basebackup).');
  }
  const source = join(config.dataDir, 'parley.sqlite');
  if (!existsSync(source)) throw new Error(`no database at ${source}: is DATA_DIR right?`);
  const out = resolve(target);
  if (existsSync(out)) throw new Error(`${out} exists already: name a new file.`);
  const partial = `${out}.partial`;
  await rm(partial, { force: true });

  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    if (db.pragma('application_id', { simple: true }) !== PARLEY_APPLICATION_ID) {
      throw new Error(`${source} is not marked as Parley's database (start the server once to adopt it).`);
    }
    const started = performance.now();
    const { totalPages } = await db.backup(partial, { progress: () => 0x7fffffff });
    // The copy must be a sound Parley database, as the server checks it at start. Read
    // here through a connection of its own, which leaves no -wal or -shm behind on close.
    const copy = new Database(partial, { fileMustExist: true });
    let messages: number;
    try {
      const problems = (copy.pragma('quick_check(5)') as Array<{ quick_check: string }>).filter(
        (r) => r.quick_check !== 'ok',
      );
      if (problems.length > 0) throw new Error(`the copy fails quick_check: ${problems[0]!.quick_check}`);
      messages = copy.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM messages').get()?.n ?? 0;
    } finally {
      copy.close();
    }
    await rename(partial, out);
    const ms = Math.round(performance.now() - started);
    console.log(`backup of ${source} written to ${out}: ${totalPages} pages, ${messages} messages, ${ms} ms`);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  } finally {
    db.close();
  }
}

// `pnpm backup -- <file>` passes the `--` on; `npm run backup -- <file>` does not.
const args = process.argv.slice(2);
if (args[0] === '--') args.shift();
const target = args[0];
if (target === undefined || target === '' || args.length > 1) {
  console.error('usage: pnpm backup <file>   (DATA_DIR names the data directory, as for the server)');
  process.exit(2);
}
if (!existsSync(dirname(resolve(target)))) {
  console.error(`backup failed: the folder ${dirname(resolve(target))} does not exist`);
  process.exit(1);
}
backup(target).catch((error: unknown) => {
  console.error(`backup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

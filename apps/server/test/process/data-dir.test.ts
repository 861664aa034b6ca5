import { createHash } from 'node:crypto';
import { copyFileSync, openSync, readFileSync, statSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { API_ROUTES } from '@parley/shared-types';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../../src/storage/sqlite/sqlite.storage.js';
import { PARLEY_APPLICATION_ID, SCHEMA_VERSION } from '../../src/storage/sqlite/sqlite.identity.js';
import { message, room, user } from '../storage.builders.js';
import {
  freePort,
  registerUser,
  runRefusedServer,
  startServerProcess,
  tempDataDir,
  type ServerProcess,
} from './server-process.js';

/*
 * S9: the data directory is Parley's and one server's. A file that is not Parley's, a
 * schema from a newer Parley and a damaged file are refused at start and left byte for
 * byte as they were; a second server on a data directory in use is refused; a server
 * killed with SIGKILL never leaves a lock that blocks its restart.
 */

const DB = 'parley.sqlite';
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A real Parley database of a few hundred messages, written through the store and closed. */
async function realDatabase(file: string): Promise<void> {
  const storage = openSqliteStorage({ filename: file });
  const alice = user('alice');
  const general = room('general');
  await storage.rooms.create(general, null);
  await storage.users.create(alice, [general.id]);
  for (let i = 0; i < 400; i++) {
    await storage.messages.append(message(general.id, alice.id, `c${i}`, `message number ${i} `.repeat(4)));
  }
  await storage.close();
}

describe('the data directory (S9)', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  async function dataDir() {
    const data = await tempDataDir();
    cleanups.push(data.remove);
    return data.dir;
  }
  function killAtEnd(server: ServerProcess) {
    cleanups.push(() => {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    });
    return server;
  }

  it("S9: a new database carries Parley's application_id and its schema version", async () => {
    const dir = await dataDir();
    const server = killAtEnd(await startServerProcess({ dataDir: dir, port: await freePort() }));
    await registerUser(server.url, 'alice');
    const db = new Database(join(dir, DB), { readonly: true });
    expect(db.pragma('application_id', { simple: true })).toBe(PARLEY_APPLICATION_ID);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  }, 60_000);

  it('S9: a Parley database from before application ids is adopted, with its data', async () => {
    const dir = await dataDir();
    const file = join(dir, DB);
    await realDatabase(file);
    const old = new Database(file);
    old.pragma('application_id = 0');
    old.pragma('user_version = 0');
    old.close();
    const reopened = openSqliteStorage({ filename: file });
    const general = await reopened.rooms.findByName('general');
    expect((await reopened.messages.history(general!.id, { limit: 5 })).lastSeq).toBe(400);
    await reopened.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('application_id', { simple: true })).toBe(PARLEY_APPLICATION_ID);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it("S9: another application's SQLite file is refused, untouched, with what to do", async () => {
    for (const make of [
      (db: Database.Database) =>
        db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes VALUES (1, 1)'),
      (db: Database.Database) => db.pragma('application_id = 1234'),
    ]) {
      const dir = await dataDir();
      const file = join(dir, DB);
      const foreign = new Database(file);
      make(foreign);
      foreign.close();
      const before = sha(file);
      const { code, output } = await runRefusedServer({ dataDir: dir, port: await freePort() });
      expect(code).toBe(1);
      expect(output).toMatch(/not a Parley database|belongs to another application/);
      expect(output).toContain('Point DATA_DIR at a folder of its own');
      expect(sha(file)).toBe(before);
    }
  }, 60_000);

  it('S9: a schema newer than this build is refused and never written into', async () => {
    const dir = await dataDir();
    const file = join(dir, DB);
    await realDatabase(file);
    const newer = new Database(file);
    newer
      .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
      .run(SCHEMA_VERSION + 1, 'from a newer Parley', Date.now());
    newer.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    newer.close();
    const before = sha(file);
    const { code, output } = await runRefusedServer({ dataDir: dir, port: await freePort() });
    expect(code).toBe(1);
    expect(output).toContain(`schema version ${SCHEMA_VERSION + 1}, newer than this Parley knows`);
    expect(sha(file)).toBe(before);
  }, 60_000);

  it('S9: a copy of a real database with one page overwritten fails quick_check and is refused, untouched', async () => {
    const source = await dataDir();
    await realDatabase(join(source, DB));
    const dir = await dataDir();
    const file = join(dir, DB);
    copyFileSync(join(source, DB), file);
    const pageSize = 4096;
    const pages = statSync(file).size / pageSize;
    expect(pages).toBeGreaterThan(8);
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, Math.floor(pages / 2) * pageSize);
    closeSync(fd);
    const before = sha(file);
    const { code, output } = await runRefusedServer({ dataDir: dir, port: await freePort() });
    expect(code).toBe(1);
    expect(output).toContain('is damaged');
    expect(output).toContain('restore the newest backup');
    expect(sha(file)).toBe(before);
  }, 60_000);

  it('S9: a second server on a data directory in use is refused; the first goes on; SIGKILL leaves no lock behind', async () => {
    const dir = await dataDir();
    const port = await freePort();
    const first = killAtEnd(await startServerProcess({ dataDir: dir, port }));
    await registerUser(first.url, 'alice');
    const second = await runRefusedServer({ dataDir: dir, port: await freePort() });
    expect(second.code).toBe(1);
    expect(second.output).toContain('is in use by another running Parley server');
    expect((await fetch(`${first.url}${API_ROUTES.health}`)).status).toBe(200);
    await registerUser(first.url, 'bob');

    first.child.kill('SIGKILL');
    await first.exited;
    const restarted = killAtEnd(await startServerProcess({ dataDir: dir, port }));
    await registerUser(restarted.url, 'carol');
  }, 60_000);
});

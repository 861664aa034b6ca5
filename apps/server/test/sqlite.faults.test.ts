import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../src/storage/sqlite/sqlite.storage.js';
import { StorageRefusedError, type Storage } from '../src/storage/storage.js';
import type { StateChange } from '../src/storage/sqlite/write.guard.js';
import { message, room, user } from './storage.builders.js';
import { builtWriterThread } from './writer-thread.js';

/*
 * S9 at run time: a database found damaged by a write turns writes off (read_only) for
 * good, instead of writing on into it; reads of what is sound go on.
 */

describe('a database damaged while in use (S9)', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  for (const where of ['main', 'thread'] as const) {
    it(`S9: SQLITE_CORRUPT from a write turns the store read_only, refuses every later write, reads go on (writer: ${where})`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'parley-faults-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const filename = join(dir, 'parley.sqlite');
      const seeded = openSqliteStorage({ filename });
      const alice = user('alice');
      const general = room('general');
      await seeded.rooms.create(general, null);
      await seeded.users.create(alice, [general.id]);
      await seeded.messages.append(message(general.id, alice.id, 'c0'));
      await seeded.close();

      // The messages table's root page overwritten: any write into it meets the damage.
      const probe = new Database(filename, { readonly: true });
      const rootPage = probe
        .prepare<[], { rootpage: number }>("SELECT rootpage FROM sqlite_schema WHERE name = 'messages'")
        .get()!.rootpage;
      const pageSize = probe.pragma('page_size', { simple: true }) as number;
      probe.close();
      const fd = openSync(filename, 'r+');
      writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (rootPage - 1) * pageSize);
      closeSync(fd);

      const changes: StateChange[] = [];
      const storage: Storage = openSqliteStorage({
        filename,
        quickCheck: false,
        onStateChange: (change) => changes.push(change),
        ...(where === 'thread' ? { writerThread: await builtWriterThread() } : {}),
      });
      cleanups.push(() => storage.close());
      expect(storage.state()).toBe('ok');
      const refused = await storage.messages.append(message(general.id, alice.id, 'c1')).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(StorageRefusedError);
      expect(storage.state()).toBe('read_only');
      // Every later write is refused before it reaches SQLite, even one that would not touch the damage.
      const later = await storage.rooms.create(room('other'), null).catch((e: unknown) => e);
      expect(later).toMatchObject({ state: 'read_only' });
      expect((await storage.users.findByUsername('alice'))?.id).toBe(alice.id);
      expect(changes.map((c) => c.state)).toEqual(['read_only']);
      expect(changes[0]!.reason).toMatch(/SQLITE_CORRUPT/);
    });
  }
});

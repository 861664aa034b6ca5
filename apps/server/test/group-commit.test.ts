import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../src/storage/sqlite/sqlite.storage.js';
import type { Storage } from '../src/storage/storage.js';
import { numberedMessage, seedAliceInRoom } from './append-fixtures.js';

describe('SQLite group commit', () => {
  let storage: Storage;
  afterEach(() => storage.close());

  async function seed(groupCommit: boolean) {
    storage = await seedAliceInRoom(openSqliteStorage({ filename: ':memory:', groupCommit }));
  }

  const message = numberedMessage;

  for (const groupCommit of [true, false]) {
    it(`S5 (groupCommit=${groupCommit}): one failing append in a batch fails alone; the others take gapless seqs`, async () => {
      await seed(groupCommit);
      const results = await Promise.allSettled([
        storage.messages.append(message(1)),
        storage.messages.append(message(2, null)), // violates NOT NULL
        storage.messages.append(message(3)),
        storage.messages.append(message(1)), // a retry inside the same batch
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      const values = results.map((r) => (r.status === 'fulfilled' ? r.value : null));
      expect(values[0]).toMatchObject({ status: 'created', message: { seq: 1 } });
      expect(values[2]).toMatchObject({ status: 'created', message: { seq: 2 } });
      expect(values[3]).toMatchObject({ status: 'duplicate', message: { id: 'id-1', seq: 1 } });
      expect((await storage.messages.history('r1', { limit: 10 })).messages.map((m) => m.seq)).toEqual([1, 2]);
    });
  }

  it('S5: appends queued when the store closes are written before it closes', async () => {
    const filename = `/tmp/parley-gc-${process.pid}-${Date.now()}.sqlite`;
    storage = await seedAliceInRoom(openSqliteStorage({ filename }));
    const pending = [storage.messages.append(message(1)), storage.messages.append(message(2))];
    await storage.close();
    expect((await Promise.all(pending)).map((r) => r.status)).toEqual(['created', 'created']);
    storage = openSqliteStorage({ filename });
    expect((await storage.messages.history('r1', { limit: 10 })).messages.map((m) => m.text)).toEqual(['m1', 'm2']);
    const { rm } = await import('node:fs/promises');
    await storage.close();
    await rm(filename, { force: true });
    await rm(`${filename}-wal`, { force: true });
    await rm(`${filename}-shm`, { force: true });
    storage = openSqliteStorage({ filename: ':memory:' });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../src/storage/sqlite/sqlite.storage.js';
import type { Storage } from '../src/storage/storage.js';

describe('SQLite group commit', () => {
  let storage: Storage;
  afterEach(() => storage.close());

  async function seed(groupCommit: boolean) {
    storage = openSqliteStorage({ filename: ':memory:', groupCommit });
    await storage.users.create({ id: 'u1', username: 'alice', passwordHash: 'x', createdAt: 1 }, []);
    await storage.rooms.create({ id: 'r1', kind: 'public', name: 'one', ownerId: 'u1', lastSeq: 0, createdAt: 1 }, 'u1');
  }

  const message = (n: number, text: unknown = `m${n}`) => ({
    id: `id-${n}`,
    roomId: 'r1',
    authorId: 'u1',
    clientMessageId: `client-${n}`,
    text: text as string,
    createdAt: n,
  });

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
      expect((await storage.messages.history('r1', { limit: 10 })).map((m) => m.seq)).toEqual([1, 2]);
    });
  }

  it('S5: appends queued when the store closes are written before it closes', async () => {
    const filename = `/tmp/parley-gc-${process.pid}-${Date.now()}.sqlite`;
    storage = openSqliteStorage({ filename });
    await storage.users.create({ id: 'u1', username: 'alice', passwordHash: 'x', createdAt: 1 }, []);
    await storage.rooms.create({ id: 'r1', kind: 'public', name: 'one', ownerId: 'u1', lastSeq: 0, createdAt: 1 }, 'u1');
    const pending = [storage.messages.append(message(1)), storage.messages.append(message(2))];
    await storage.close();
    expect((await Promise.all(pending)).map((r) => r.status)).toEqual(['created', 'created']);
    storage = openSqliteStorage({ filename });
    expect((await storage.messages.history('r1', { limit: 10 })).map((m) => m.text)).toEqual(['m1', 'm2']);
    const { rm } = await import('node:fs/promises');
    await storage.close();
    await rm(filename, { force: true });
    await rm(`${filename}-wal`, { force: true });
    await rm(`${filename}-shm`, { force: true });
    storage = openSqliteStorage({ filename: ':memory:' });
  });
});

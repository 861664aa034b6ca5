import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../src/storage/sqlite/sqlite.storage.js';
import type { Storage } from '../src/storage/storage.js';
import { numberedMessage, seedAliceInRoom } from './append-fixtures.js';
import { describeStorageContract } from './storage.contract.js';
import { builtWriterThread } from './writer-thread.js';

let tempRoot: string;
let writerThread: URL;
beforeAll(async () => {
  tempRoot = await mkdtemp(join(tmpdir(), 'parley-writer-'));
  writerThread = await builtWriterThread();
}, 60_000);
afterAll(async () => {
  await rm(tempRoot, { recursive: true, force: true });
});

const fileName = () => join(tempRoot, randomUUID(), 'parley.sqlite');

describeStorageContract('SQLite on a file, writes on the writer thread', async () =>
  openSqliteStorage({ filename: fileName(), writerThread }),
);

describe('SQLite writer thread', () => {
  let storage: Storage | undefined;
  afterEach(async () => {
    await storage?.close();
    storage = undefined;
  });

  const message = numberedMessage;
  const seed = (filename: string) => seedAliceInRoom(openSqliteStorage({ filename, writerThread }));

  it('S5: 500 concurrent appends get gapless seqs in call order; a failing one fails alone', async () => {
    storage = await seed(fileName());
    const sends = Array.from({ length: 500 }, (_, i) =>
      storage!.messages.append(message(i, i === 250 ? null : `m${i}`)),
    );
    const results = await Promise.allSettled(sends);
    expect(results[250]!.status).toBe('rejected');
    const seqs = results.flatMap((r) =>
      r.status === 'fulfilled' && r.value.status === 'created' ? [r.value.message.seq] : [],
    );
    expect(seqs).toEqual(Array.from({ length: 499 }, (_, i) => i + 1));
    const first = results[0]!;
    expect(first.status === 'fulfilled' && first.value.status === 'created' && first.value.message).toMatchObject({
      authorName: 'alice',
      text: 'm0',
      roomId: 'r1',
    });
    // Acked means readable: the reading connection sees every committed message.
    const newest = (await storage.messages.history('r1', { limit: 1000 })).messages;
    expect(newest.map((m) => m.seq)).toEqual(seqs);
  });

  it.each(['writer thread', 'main thread'])(
    'O2: every committed group reports its writes and its commit time (%s)',
    async (where) => {
      const commits: Array<{ writes: number; ms: number }> = [];
      storage = await seedAliceInRoom(
        openSqliteStorage({
          filename: fileName(),
          ...(where === 'writer thread' ? { writerThread } : {}),
          onCommit: (writes, ms) => commits.push({ writes, ms }),
        }),
      );
      commits.length = 0;
      await Promise.all(Array.from({ length: 300 }, (_, i) => storage!.messages.append(message(i))));
      expect(commits.reduce((n, c) => n + c.writes, 0)).toBe(300);
      // Group commit under load: some commits carry several writes.
      expect(Math.max(...commits.map((c) => c.writes))).toBeGreaterThan(1);
      for (const { ms } of commits) expect(ms).toBeGreaterThan(0);
    },
  );

  it('O2: an observer that throws fails no write', async () => {
    storage = await seedAliceInRoom(
      openSqliteStorage({
        filename: fileName(),
        writerThread,
        onCommit: () => {
          throw new Error('metrics broke');
        },
      }),
    );
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => storage!.messages.append(message(i))));
    expect(results.every((r) => r.status === 'created')).toBe(true);
  });

  it('S5: a retry racing its original in the same batch is stored once', async () => {
    storage = await seed(fileName());
    const [a, b] = await Promise.all([storage.messages.append(message(1)), storage.messages.append(message(1))]);
    expect([a.status, b.status]).toEqual(['created', 'duplicate']);
    expect((await storage.messages.history('r1', { limit: 10 })).messages.length).toBe(1);
  });

  it('S5: writes accepted before close are committed, and survive a reopen', async () => {
    const filename = fileName();
    storage = await seed(filename);
    const pending = Array.from({ length: 50 }, (_, i) => storage!.messages.append(message(i)));
    await storage.close();
    expect((await Promise.all(pending)).every((r) => r.status === 'created')).toBe(true);
    storage = openSqliteStorage({ filename, writerThread });
    expect((await storage.messages.history('r1', { limit: 100 })).messages.length).toBe(50);
  });

  it('a write after close fails with an error instead of waiting forever', async () => {
    const s = await seed(fileName());
    await s.close();
    await expect(s.messages.append(message(1))).rejects.toThrow(/closed/);
  });

  it('a writer thread that dies fails every write with an error and reports it once', async () => {
    const failures: Error[] = [];
    storage = openSqliteStorage({
      filename: fileName(),
      writerThread: new URL('./fixtures/failing-writer.mjs', import.meta.url),
      onWriterFailure: (error) => failures.push(error),
    });
    const user = { id: 'u1', username: 'alice', passwordHash: 'x', createdAt: 1 };
    await expect(storage.users.create(user, [])).rejects.toThrow(/could not start/);
    await expect(storage.users.create(user, [])).rejects.toThrow(/could not start/);
    expect(failures.map((e) => e.message)).toEqual(['the writer thread could not start']);
    // Reads still work on the main connection.
    expect(await storage.users.findByUsername('alice')).toBeNull();
  });
});

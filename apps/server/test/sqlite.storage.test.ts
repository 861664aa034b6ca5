import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SQLITE_MIGRATIONS } from '../src/storage/sqlite/migrations.js';
import { openSqliteStorage } from '../src/storage/sqlite/sqlite.storage.js';
import type { Storage } from '../src/storage/storage.js';
import { until } from './harness.js';
import { describeStorageContract } from './storage.contract.js';
import { describeAccountContract } from './storage.contract.accounts.js';
import { describeConversationContract } from './storage.contract.conversations.js';
import { describeGroupContract } from './storage.contract.groups.js';
import { describeSearchContract } from './storage.contract.search.js';
import { describeFileContract } from './storage.contract.files.js';
import { builtWriterThread } from './writer-thread.js';

let tempRoot: string;
beforeAll(async () => {
  tempRoot = await mkdtemp(join(tmpdir(), 'parley-sqlite-'));
});
afterAll(async () => {
  await rm(tempRoot, { recursive: true, force: true });
});

describeStorageContract('SQLite in memory', async () => openSqliteStorage({ filename: ':memory:' }));

describeStorageContract('SQLite on a file', async () =>
  // A fresh file per test; a missing parent directory is created.
  openSqliteStorage({ filename: join(tempRoot, randomUUID(), 'parley.sqlite'), synchronous: 'NORMAL' }),
);

describeConversationContract('SQLite in memory', async () => openSqliteStorage({ filename: ':memory:' }));

describeConversationContract('SQLite on a file, newest-page cache off', async () =>
  openSqliteStorage({
    filename: join(tempRoot, randomUUID(), 'parley.sqlite'),
    synchronous: 'NORMAL',
    newestPagesMaxChars: 0,
  }),
);

describeAccountContract('SQLite in memory', async () => openSqliteStorage({ filename: ':memory:' }));

describeGroupContract('SQLite in memory', async () => openSqliteStorage({ filename: ':memory:' }));

describeGroupContract('SQLite on a file, through the writer thread', async () =>
  openSqliteStorage({
    filename: join(tempRoot, randomUUID(), 'parley.sqlite'),
    synchronous: 'NORMAL',
    writerThread: await builtWriterThread(),
  }),
);

describeSearchContract('SQLite in memory', async () => openSqliteStorage({ filename: ':memory:' }));

describeSearchContract('SQLite on a file, through the writer thread', async () =>
  openSqliteStorage({
    filename: join(tempRoot, randomUUID(), 'parley.sqlite'),
    synchronous: 'NORMAL',
    writerThread: await builtWriterThread(),
  }),
);

describeAccountContract('SQLite on a file, through the writer thread', async () =>
  openSqliteStorage({
    filename: join(tempRoot, randomUUID(), 'parley.sqlite'),
    synchronous: 'NORMAL',
    writerThread: await builtWriterThread(),
  }),
);

describeFileContract('SQLite in memory', async () => openSqliteStorage({ filename: ':memory:' }));

describeFileContract('SQLite on a file, through the writer thread', async () =>
  openSqliteStorage({
    filename: join(tempRoot, randomUUID(), 'parley.sqlite'),
    synchronous: 'NORMAL',
    writerThread: await builtWriterThread(),
  }),
);

describe('SQLite storage on a file', () => {
  let filename: string;
  let storage: Storage | undefined;

  beforeEach(() => {
    filename = join(tempRoot, randomUUID(), 'parley.sqlite');
  });
  afterEach(async () => {
    await storage?.close();
    storage = undefined;
  });

  it('E2: a deleted message’s text is gone from the database file, not just hidden (the writer thread too)', async () => {
    storage = openSqliteStorage({ filename, writerThread: await builtWriterThread() });
    const user = { id: randomUUID(), username: 'alice', passwordHash: 'h', createdAt: 1 };
    const room = {
      id: randomUUID(),
      kind: 'public' as const,
      name: 'Lobby',
      ownerId: user.id,
      lastSeq: 0,
      createdAt: 1,
    };
    await storage.users.create(user, []);
    await storage.rooms.create(room, user.id);
    const secret = `secret-${randomUUID()}`;
    const kept = `kept-${randomUUID()}`;
    const sent = await storage.messages.append({
      id: randomUUID(),
      roomId: room.id,
      authorId: user.id,
      clientMessageId: 'cmid-0001',
      text: secret,
      createdAt: 2,
    });
    await storage.messages.append({
      id: randomUUID(),
      roomId: room.id,
      authorId: user.id,
      clientMessageId: 'cmid-0002',
      text: kept,
      createdAt: 3,
    });
    if (sent.status !== 'created') throw new Error('append');
    const deleted = await storage.messages.change({
      kind: 'delete',
      messageId: sent.message.id,
      actorId: user.id,
      at: 4,
    });
    expect(deleted.status).toBe('changed');
    await storage.close();
    storage = undefined;
    // Closing checkpoints the WAL into the file and removes it: the file is all there is.
    const bytes = await readFile(filename);
    expect(bytes.includes(Buffer.from(kept)), 'the kept message is in the file').toBe(true);
    expect(bytes.includes(Buffer.from(secret)), 'the deleted text is in the file').toBe(false);
  });

  it('M1: data survives closing and reopening the file', async () => {
    storage = openSqliteStorage({ filename });
    const user = { id: randomUUID(), username: 'alice', passwordHash: 'h', createdAt: 1 };
    const room = {
      id: randomUUID(),
      kind: 'public' as const,
      name: 'Lobby',
      ownerId: user.id,
      lastSeq: 0,
      createdAt: 1,
    };
    expect(await storage.users.create(user, [])).toBe('created');
    expect(await storage.rooms.create(room, user.id)).toBe('created');
    const appended = await storage.messages.append({
      id: randomUUID(),
      roomId: room.id,
      authorId: user.id,
      clientMessageId: 'cmid-0001',
      text: 'kept',
      createdAt: 2,
    });
    expect(appended.status).toBe('created');
    await storage.close();

    storage = openSqliteStorage({ filename });
    expect(await storage.users.findByUsername('ALICE')).toEqual(user);
    expect(await storage.rooms.findById(room.id)).toEqual({ ...room, lastSeq: 1 });
    expect((await storage.messages.history(room.id, { limit: 10 })).messages.map((m) => m.text)).toEqual(['kept']);
    // Seq continues where it stopped, and the unique constraints still hold.
    const next = await storage.messages.append({
      id: randomUUID(),
      roomId: room.id,
      authorId: user.id,
      clientMessageId: 'cmid-0002',
      text: 'next',
      createdAt: 3,
    });
    expect(next.status === 'created' && next.message.seq).toBe(2);
    expect(await storage.users.create({ ...user, id: randomUUID() }, [])).toBe('username_taken');
  });

  it('M1: reopening does not re-apply migrations', async () => {
    storage = openSqliteStorage({ filename });
    await storage.close();
    storage = openSqliteStorage({ filename });
    await storage.close();
    storage = undefined;

    const db = new Database(filename, { readonly: true });
    try {
      const rows = db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as {
        version: number;
        name: string;
        applied_at: number;
      }[];
      expect(rows.map((r) => r.version)).toEqual(SQLITE_MIGRATIONS.map((m) => m.version));
      expect(rows.map((r) => r.name)).toEqual(SQLITE_MIGRATIONS.map((m) => m.name));
      // The file is in WAL mode, as configured.
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  });

  it('M1: a reopen leaves the migration records untouched (applied once, at first open)', async () => {
    storage = openSqliteStorage({ filename });
    await storage.close();
    storage = undefined;
    const read = () => {
      const db = new Database(filename, { readonly: true });
      try {
        return db.prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all();
      } finally {
        db.close();
      }
    };
    const before = read();
    expect(before).toHaveLength(SQLITE_MIGRATIONS.length);
    // Let the clock tick, so a re-application would record a different applied_at.
    const firstOpen = Date.now();
    await until(() => Date.now() > firstOpen, 'the clock has ticked');
    storage = openSqliteStorage({ filename });
    await storage.close();
    storage = undefined;
    expect(read()).toEqual(before);
  });

  it('M1: close is idempotent', async () => {
    const s = openSqliteStorage({ filename });
    await s.close();
    await expect(s.close()).resolves.toBeUndefined();
  });
});

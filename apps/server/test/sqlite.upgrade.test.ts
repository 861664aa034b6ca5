import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DELETED_USER_NAME } from '@parley/shared-types';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SQLITE_MIGRATIONS } from '../src/storage/sqlite/migrations.js';
import { openSqliteStorage } from '../src/storage/sqlite/sqlite.storage.js';
import { parseSearchQuery } from '../src/storage/search.query.js';
import type { Storage } from '../src/storage/storage.js';
import { T0, message } from './storage.builders.js';

/*
 * A database as the first release left it (migrations 1–2 only, with people, rooms and
 * messages in it), opened by the current code: every later migration must carry the data
 * over, and what the data is used for next (read markers, edits, replies, the next seq,
 * deleting an account) must work on it.
 */

let tempRoot: string;
beforeAll(async () => {
  tempRoot = await mkdtemp(join(tmpdir(), 'parley-upgrade-'));
});
afterAll(async () => {
  await rm(tempRoot, { recursive: true, force: true });
});

const alice = { id: 'user-alice', username: 'Alice' };
const bob = { id: 'user-bob', username: 'bob' };
const lobbyId = 'room-lobby';
const dmId = 'room-dm';
const LOBBY_MESSAGES = 5;

/** Writes a version-2 database the way that release did, migrations recorded as it recorded them. */
function createVersion2Database(filename: string): void {
  createDatabaseAt(filename, 2);
}

/**
 * A database of migrations 1–`version` (but those in `without`) with the same people,
 * rooms and messages in it.
 */
function createDatabaseAt(filename: string, version: number, without: readonly number[] = []): void {
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.exec(
    'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  for (const migration of SQLITE_MIGRATIONS.filter((m) => m.version <= version && !without.includes(m.version))) {
    db.exec(migration.sql);
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
      migration.version,
      migration.name,
      T0,
    );
  }
  const insertUser = db.prepare(
    'INSERT INTO users (id, username, username_key, password_hash, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  for (const u of [alice, bob]) insertUser.run(u.id, u.username, u.username.toLowerCase(), `hash-${u.id}`, T0);
  const insertRoom = db.prepare(
    'INSERT INTO rooms (id, kind, name, name_key, dm_key, owner_id, last_seq, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  insertRoom.run(lobbyId, 'public', 'Lobby', 'lobby', null, alice.id, LOBBY_MESSAGES, T0);
  insertRoom.run(dmId, 'dm', null, null, `${alice.id}:${bob.id}`, null, 1, T0);
  const join = db.prepare('INSERT INTO memberships (room_id, user_id, joined_at) VALUES (?, ?, ?)');
  join.run(lobbyId, alice.id, T0);
  join.run(lobbyId, bob.id, T0 + 1);
  join.run(dmId, alice.id, T0);
  join.run(dmId, bob.id, T0);
  const insertMessage = db.prepare(
    'INSERT INTO messages (id, room_id, seq, author_id, client_message_id, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  for (let seq = 1; seq <= LOBBY_MESSAGES; seq++) {
    const author = seq % 2 === 1 ? alice : bob;
    insertMessage.run(`msg-${seq}`, lobbyId, seq, author.id, `cmid-old-${seq}`, `old message ${seq}`, T0 + seq);
  }
  insertMessage.run('msg-dm-1', dmId, 1, bob.id, 'cmid-old-dm-1', 'a secret', T0 + 10);
  db.close();
}

describe('SQLite: a database of migrations 1–2 opened by the current code', () => {
  let storage: Storage | undefined;
  afterEach(async () => {
    await storage?.close();
    storage = undefined;
  });

  async function upgraded(): Promise<{ filename: string; storage: Storage }> {
    const filename = join(tempRoot, `${randomUUID()}.sqlite`);
    createVersion2Database(filename);
    storage = openSqliteStorage({ filename, synchronous: 'NORMAL' });
    return { filename, storage };
  }

  it('M6, U1: every message is kept in order, and what was there counts as read (lastReadSeq = the newest seq)', async () => {
    const { storage } = await upgraded();
    const page = await storage.messages.history(lobbyId, { limit: 50 });
    expect(page.lastSeq).toBe(LOBBY_MESSAGES);
    expect(page.messages.map((m) => [m.seq, m.text, m.authorName])).toEqual(
      Array.from({ length: LOBBY_MESSAGES }, (_, i) => [i + 1, `old message ${i + 1}`, i % 2 === 0 ? 'Alice' : 'bob']),
    );
    const views = await storage.rooms.listForUser(bob.id);
    expect(views.map((v) => [v.id, v.lastReadSeq, v.unreadCount])).toEqual([
      [lobbyId, LOBBY_MESSAGES, 0],
      [dmId, 1, 0],
    ]);
    expect(await storage.reads.get(alice.id, dmId)).toMatchObject({ lastReadSeq: 1, unreadCount: 0 });
  });

  it('F1, F3: migration 5 indexes the messages already stored; an old one edited is found by its new text only', async () => {
    const { storage } = await upgraded();
    const search = async (userId: string, text: string) =>
      (await storage.messages.search(userId, parseSearchQuery(text)!, { limit: 50 })).hits.map((h) => h.messageId);
    expect(await search(bob.id, '"old message 3"')).toEqual(['msg-3']);
    expect(await search(alice.id, 'secret')).toEqual(['msg-dm-1']);
    await storage.messages.change({
      kind: 'edit',
      messageId: 'msg-3',
      actorId: alice.id,
      text: 'renamed',
      mentionKeys: [],
      at: T0,
    });
    expect(await search(bob.id, '"old message 3"')).toEqual([]);
    expect(await search(bob.id, 'renamed')).toEqual(['msg-3']);
  });

  it('S1, E1, E4: an old message can be edited and answered; new changes take the next seqs', async () => {
    const { storage } = await upgraded();
    const edited = await storage.messages.change({
      kind: 'edit',
      messageId: 'msg-1',
      actorId: alice.id,
      text: 'old message 1, edited',
      mentionKeys: [],
      at: T0 + 100,
    });
    expect(edited).toMatchObject({ status: 'changed', change: { seq: LOBBY_MESSAGES + 1, kind: 'message:edited' } });
    const reply = await storage.messages.append(
      message(lobbyId, bob.id, 'cmid-new-0001', 'an answer', { replyToId: 'msg-1' }),
    );
    expect(reply).toMatchObject({
      status: 'created',
      message: {
        seq: LOBBY_MESSAGES + 2,
        replyTo: { id: 'msg-1', seq: 1, authorName: 'Alice', excerpt: 'old message 1, edited' },
      },
    });
    const changes = await storage.messages.changesSince(lobbyId, LOBBY_MESSAGES, 100);
    expect(changes.changes.map((c) => [c.seq, c.kind])).toEqual([
      [LOBBY_MESSAGES + 1, 'message:edited'],
      [LOBBY_MESSAGES + 2, 'message:created'],
    ]);
    // A retried old send is still recognised (M3): the (author, clientMessageId) key survived.
    const retried = await storage.messages.append(message(lobbyId, alice.id, 'cmid-old-1', 'old message 1'));
    expect(retried).toMatchObject({ status: 'duplicate', message: { id: 'msg-1' } });
  });

  it('A13: migration 4 upgrades it too: an old account can be deleted, its messages then by Deleted user', async () => {
    const { filename, storage: store } = await upgraded();
    const deleted = await store.users.delete(alice.id, T0 + 200);
    expect(deleted).toMatchObject({
      leftRoomIds: [dmId, lobbyId].sort(),
      ownerChanges: [{ roomId: lobbyId, ownerId: bob.id }],
    });
    const page = await store.messages.history(lobbyId, { limit: 50 });
    expect(page.messages.filter((m) => m.authorId === alice.id).map((m) => m.authorName)).toEqual([
      DELETED_USER_NAME,
      DELETED_USER_NAME,
      DELETED_USER_NAME,
    ]);
    expect(await store.users.findByUsername('alice')).toBeNull();
    await store.close();
    storage = undefined;

    const db = new Database(filename, { readonly: true });
    try {
      const versions = db
        .prepare<[], { version: number }>('SELECT version FROM schema_migrations ORDER BY version')
        .all();
      expect(versions.map((v) => v.version)).toEqual(SQLITE_MIGRATIONS.map((m) => m.version));
      const columns = db.prepare<[], { name: string }>('PRAGMA table_info(users)').all();
      expect(columns.map((c) => c.name)).toContain('deleted_at');
      const row = db
        .prepare<[string], { deleted_at: number; password_hash: string }>(
          'SELECT deleted_at, password_hash FROM users WHERE id = ?',
        )
        .get(alice.id);
      expect(row).toEqual({ deleted_at: T0 + 200, password_hash: '' });
    } finally {
      db.close();
    }
  });
});

describe('SQLite: a database of migrations 1–6 opened by the current code (migration 7 rebuilds rooms)', () => {
  let storage: Storage | undefined;
  afterEach(async () => {
    await storage?.close();
    storage = undefined;
  });

  it('G1: the rebuilt rooms table keeps every room, membership, message and foreign key, and takes groups', async () => {
    const filename = join(tempRoot, `${randomUUID()}.sqlite`);
    createDatabaseAt(filename, 6);
    storage = openSqliteStorage({ filename, synchronous: 'NORMAL' });
    expect((await storage.rooms.listForUser(bob.id)).map((v) => [v.id, v.kind, v.name, v.lastSeq])).toEqual([
      [lobbyId, 'public', 'Lobby', LOBBY_MESSAGES],
      [dmId, 'dm', null, 1],
    ]);
    expect(await storage.rooms.findById(lobbyId)).toMatchObject({ ownerId: alice.id });
    expect((await storage.messages.history(lobbyId, { limit: 50 })).messages).toHaveLength(LOBBY_MESSAGES);
    const carol = { id: 'user-carol', username: 'carol', passwordHash: 'h', createdAt: T0 };
    expect(await storage.users.create(carol, [])).toBe('created');
    const group = { id: 'room-group', kind: 'group' as const, name: null, ownerId: null, lastSeq: 0, createdAt: T0 };
    expect(await storage.rooms.createGroup(group, [alice.id, bob.id, carol.id])).toBe('created');
    expect((await storage.rooms.viewForUser(group.id, carol.id))?.memberNames).toBe('Alice, bob');
    // Deleting an account still cascades and passes rooms on through the new table.
    expect(await storage.users.delete(alice.id, T0 + 300)).toMatchObject({
      ownerChanges: [{ roomId: lobbyId, ownerId: bob.id }],
    });
    await storage.close();
    storage = undefined;

    const db = new Database(filename);
    try {
      db.pragma('foreign_keys = ON');
      expect(db.pragma('foreign_key_check')).toEqual([]);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const indexes = db.prepare<[], { name: string }>("PRAGMA index_list('rooms')").all();
      expect(indexes.map((i) => i.name)).toContain('rooms_owner');
      // Memberships still point at rooms: an unknown room is refused, a room's deletion cascades.
      expect(() =>
        db.prepare('INSERT INTO memberships (room_id, user_id, joined_at) VALUES (?, ?, ?)').run('nope', bob.id, T0),
      ).toThrow(/FOREIGN KEY/);
      // The checks hold: a group has no name and no dm_key; a dm still needs its key.
      const insertRoom = db.prepare(
        'INSERT INTO rooms (id, kind, name, name_key, dm_key, owner_id, last_seq, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      );
      expect(() => insertRoom.run('g2', 'group', 'named', 'named', null, null, 0, T0)).toThrow(/CHECK/);
      expect(() => insertRoom.run('g3', 'group', null, null, 'a:b', null, 0, T0)).toThrow(/CHECK/);
      expect(() => insertRoom.run('d2', 'dm', null, null, null, null, 0, T0)).toThrow(/CHECK/);
      expect(() => insertRoom.run('x1', 'other', 'x', 'x', null, null, 0, T0)).toThrow(/CHECK/);
      db.prepare('DELETE FROM rooms WHERE id = ?').run(group.id);
      expect(db.prepare('SELECT count(*) AS n FROM memberships WHERE room_id = ?').get(group.id)).toEqual({ n: 0 });
      const versions = db.prepare<[], { version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(versions.all().map((v) => v.version)).toEqual(SQLITE_MIGRATIONS.map((m) => m.version));
    } finally {
      db.close();
    }
  });
});

describe('SQLite: a database of the last landed release (migrations 1–4 and 6) opened by the current code', () => {
  it('F1, G1, B1: the missing migration 5 and the new 7 and 8 are applied; old messages are found, groups and files work', async () => {
    const filename = join(tempRoot, `${randomUUID()}.sqlite`);
    createDatabaseAt(filename, 6, [5]);
    const storage = openSqliteStorage({ filename, synchronous: 'NORMAL' });
    try {
      const found = await storage.messages.search(bob.id, parseSearchQuery('old message 3 ')!, { limit: 50 });
      expect(found.hits.map((h) => h.messageId)).toEqual(['msg-3']);
      const carol = { id: 'user-carol', username: 'carol', passwordHash: 'h', createdAt: T0 };
      expect(await storage.users.create(carol, [])).toBe('created');
      const group = { id: 'room-group', kind: 'group' as const, name: null, ownerId: null, lastSeq: 0, createdAt: T0 };
      expect(await storage.rooms.createGroup(group, [alice.id, bob.id, carol.id])).toBe('created');
    } finally {
      await storage.close();
    }
    const db = new Database(filename);
    try {
      const versions = db.prepare<[], { version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(versions.all().map((v) => v.version)).toEqual(SQLITE_MIGRATIONS.map((m) => m.version));
      expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'files'").get()).toEqual({ n: 1 });
      expect(db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      db.close();
    }
  });
});

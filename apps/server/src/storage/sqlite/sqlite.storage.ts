import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Message, RoomKind } from '@parley/shared-types';
import { caseKey, dmKey } from '../keys.js';
import type {
  AppendResult,
  MemberRecord,
  MessageStore,
  NewMessage,
  RoomRecord,
  RoomStore,
  RoomView,
  SessionRecord,
  SessionStore,
  Storage,
  UserRecord,
  UserStore,
} from '../storage.js';
import { SQLITE_MIGRATIONS } from './migrations.js';

export type SqliteOptions = {
  /** A file path, or ':memory:' for a throwaway database. */
  filename: string;
  /** FULL fsyncs every commit, so an acked write survives power loss. */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * Group commit: appends that arrive in the same turn of the event loop share one
   * transaction, hence one fsync. On by default; off only to measure what it saves.
   */
  groupCommit?: boolean;
};

type UserRow = { id: string; username: string; password_hash: string; created_at: number };
type SessionRow = {
  key: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
};
type RoomRow = {
  id: string;
  kind: RoomKind;
  name: string | null;
  owner_id: string | null;
  last_seq: number;
  created_at: number;
};
type RoomViewRow = RoomRow & { peer_id: string | null; peer_username: string | null };
type MessageRow = {
  id: string;
  room_id: string;
  seq: number;
  author_id: string;
  author_name: string;
  client_message_id: string;
  text: string;
  created_at: number;
};

const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  username: r.username,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
});
const toSession = (r: SessionRow): SessionRecord => ({
  key: r.key,
  userId: r.user_id,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  expiresAt: r.expires_at,
});
const toRoom = (r: RoomRow): RoomRecord => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  ownerId: r.owner_id,
  lastSeq: r.last_seq,
  createdAt: r.created_at,
});
const toRoomView = (r: RoomViewRow): RoomView => ({
  ...toRoom(r),
  peer: r.peer_id && r.peer_username ? { id: r.peer_id, username: r.peer_username } : null,
});
const toMessage = (r: MessageRow): Message => ({
  id: r.id,
  roomId: r.room_id,
  seq: r.seq,
  authorId: r.author_id,
  authorName: r.author_name,
  clientMessageId: r.client_message_id,
  text: r.text,
  createdAt: r.created_at,
});

function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}

function migrate(db: Database.Database): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  const applied = new Set(
    db
      .prepare<[], { version: number }>('SELECT version FROM schema_migrations')
      .all()
      .map((r) => r.version),
  );
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of SQLITE_MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
    }).immediate();
  }
}

/** Views of a user's rooms with, for DMs, the other member. */
const ROOM_VIEW_SELECT = `
  SELECT r.id, r.kind, r.name, r.owner_id, r.last_seq, r.created_at,
         pu.id AS peer_id, pu.username AS peer_username
  FROM memberships m
  JOIN rooms r ON r.id = m.room_id
  LEFT JOIN memberships pm ON r.kind = 'dm' AND pm.room_id = r.id AND pm.user_id <> m.user_id
  LEFT JOIN users pu ON pu.id = pm.user_id
  WHERE m.user_id = ?`;

const MESSAGE_SELECT = `
  SELECT m.id, m.room_id, m.seq, m.author_id, u.username AS author_name,
         m.client_message_id, m.text, m.created_at
  FROM messages m JOIN users u ON u.id = m.author_id`;

export function openSqliteStorage(options: SqliteOptions): Storage {
  if (options.filename !== ':memory:') mkdirSync(dirname(options.filename), { recursive: true });
  const db = new Database(options.filename);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);

  const q = {
    insertUser: db.prepare(
      'INSERT INTO users (id, username, username_key, password_hash, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    userByKey: db.prepare<[string], UserRow>('SELECT * FROM users WHERE username_key = ?'),
    userById: db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
    insertSession: db.prepare(
      'INSERT INTO sessions (key, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    ),
    sessionByKey: db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE key = ?'),
    touchSession: db.prepare('UPDATE sessions SET last_seen_at = ? WHERE key = ? AND last_seen_at < ?'),
    deleteSession: db.prepare('DELETE FROM sessions WHERE key = ?'),
    deleteExpiredSessions: db.prepare('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?'),
    insertRoom: db.prepare(
      'INSERT INTO rooms (id, kind, name, name_key, dm_key, owner_id, last_seq, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    roomById: db.prepare<[string], RoomRow>('SELECT * FROM rooms WHERE id = ?'),
    roomByNameKey: db.prepare<[string], RoomRow>('SELECT * FROM rooms WHERE name_key = ?'),
    roomByDmKey: db.prepare<[string], RoomRow>('SELECT * FROM rooms WHERE dm_key = ?'),
    publicNotJoined: db.prepare<[string], RoomRow>(
      `SELECT r.* FROM rooms r WHERE r.kind = 'public'
         AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.room_id = r.id AND m.user_id = ?)
       ORDER BY r.name_key`,
    ),
    roomsForUser: db.prepare<[string], RoomViewRow>(`${ROOM_VIEW_SELECT} ORDER BY r.kind = 'dm', COALESCE(r.name, pu.username) COLLATE NOCASE`),
    roomViewForUser: db.prepare<[string, string], RoomViewRow>(`${ROOM_VIEW_SELECT} AND r.id = ?`),
    roomIdsForUser: db.prepare<[string], { room_id: string }>('SELECT room_id FROM memberships WHERE user_id = ?'),
    cursorsForUser: db.prepare<[string], { room_id: string; last_seq: number }>(
      'SELECT m.room_id, r.last_seq FROM memberships m JOIN rooms r ON r.id = m.room_id WHERE m.user_id = ?',
    ),
    addMember: db.prepare(
      'INSERT INTO memberships (room_id, user_id, joined_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    removeMember: db.prepare('DELETE FROM memberships WHERE room_id = ? AND user_id = ?'),
    insertInvitation: db.prepare(
      'INSERT INTO invitations (room_id, user_id, invited_by, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    deleteInvitation: db.prepare('DELETE FROM invitations WHERE room_id = ? AND user_id = ?'),
    isInvited: db.prepare<[string, string], { one: number }>(
      'SELECT 1 AS one FROM invitations WHERE room_id = ? AND user_id = ?',
    ),
    invitedRooms: db.prepare<[string], RoomRow>(
      `SELECT r.* FROM invitations i JOIN rooms r ON r.id = i.room_id WHERE i.user_id = ?
         AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.room_id = r.id AND m.user_id = i.user_id)
       ORDER BY r.name_key`,
    ),
    isMember: db.prepare<[string, string], { one: number }>(
      'SELECT 1 AS one FROM memberships WHERE room_id = ? AND user_id = ?',
    ),
    members: db.prepare<[string], { user_id: string; username: string }>(
      `SELECT m.user_id, u.username FROM memberships m JOIN users u ON u.id = m.user_id
       WHERE m.room_id = ? ORDER BY u.username_key`,
    ),
    nextSeq: db.prepare<[string], { last_seq: number }>(
      'UPDATE rooms SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq',
    ),
    insertMessage: db.prepare(
      'INSERT INTO messages (id, room_id, seq, author_id, client_message_id, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    messageByClientId: db.prepare<[string, string], MessageRow>(
      `${MESSAGE_SELECT} WHERE m.author_id = ? AND m.client_message_id = ?`,
    ),
    messageById: db.prepare<[string], MessageRow>(`${MESSAGE_SELECT} WHERE m.id = ?`),
    history: db.prepare<[string, number, number], MessageRow>(
      `${MESSAGE_SELECT} WHERE m.room_id = ? AND m.seq < ? ORDER BY m.seq DESC LIMIT ?`,
    ),
    since: db.prepare<[string, number, number], MessageRow>(
      `${MESSAGE_SELECT} WHERE m.room_id = ? AND m.seq > ? ORDER BY m.seq ASC LIMIT ?`,
    ),
  };

  const createUser = db.transaction((user: UserRecord, roomIds: readonly string[]) => {
    q.insertUser.run(user.id, user.username, caseKey(user.username), user.passwordHash, user.createdAt);
    for (const roomId of roomIds) q.addMember.run(roomId, user.id, user.createdAt);
  });

  const createRoom = db.transaction((room: RoomRecord, creatorId: string | null) => {
    q.insertRoom.run(
      room.id,
      room.kind,
      room.name,
      room.name === null ? null : caseKey(room.name),
      null,
      room.ownerId,
      room.lastSeq,
      room.createdAt,
    );
    if (creatorId) q.addMember.run(room.id, creatorId, room.createdAt);
  });

  const addMember = db.transaction((roomId: string, userId: string, joinedAt: number) => {
    q.deleteInvitation.run(roomId, userId);
    return q.addMember.run(roomId, userId, joinedAt).changes > 0;
  });

  const removeMember = db.transaction((roomId: string, userId: string) => {
    q.deleteInvitation.run(roomId, userId);
    return q.removeMember.run(roomId, userId).changes > 0;
  });

  const openDm = db.transaction((room: RoomRecord, userA: string, userB: string) => {
    const key = dmKey(userA, userB);
    const existing = q.roomByDmKey.get(key);
    if (existing) return { room: toRoom(existing), created: false };
    q.insertRoom.run(room.id, 'dm', null, null, key, null, 0, room.createdAt);
    q.addMember.run(room.id, userA, room.createdAt);
    q.addMember.run(room.id, userB, room.createdAt);
    return { room: { ...room, kind: 'dm' as const, name: null, ownerId: null, lastSeq: 0 }, created: true };
  });

  const append = db.transaction((m: NewMessage): AppendResult => {
    const existing = q.messageByClientId.get(m.authorId, m.clientMessageId);
    if (existing) return { status: 'duplicate', message: toMessage(existing) };
    if (!q.roomById.get(m.roomId)) return { status: 'room_not_found' };
    if (!q.isMember.get(m.roomId, m.authorId)) return { status: 'not_member' };
    const seq = q.nextSeq.get(m.roomId)!.last_seq;
    q.insertMessage.run(m.id, m.roomId, seq, m.authorId, m.clientMessageId, m.text, m.createdAt);
    return { status: 'created', message: toMessage(q.messageById.get(m.id)!) };
  });

  /*
   * Group commit. With synchronous=FULL every commit waits for an fsync; appends queued
   * in one turn of the event loop are written in one transaction instead, each in its own
   * savepoint (a nested transaction) so one failing append does not sink the others.
   * Nobody is answered before the shared commit has returned.
   */
  type PendingAppend = {
    message: NewMessage;
    resolve: (result: AppendResult) => void;
    reject: (error: unknown) => void;
  };
  let queue: PendingAppend[] = [];
  let flushScheduled = false;
  const appendBatch = db.transaction((batch: PendingAppend[]) =>
    batch.map((item) => {
      try {
        return { ok: true as const, result: append(item.message) };
      } catch (error) {
        return { ok: false as const, error };
      }
    }),
  );
  const flush = () => {
    flushScheduled = false;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    let outcomes: ReturnType<typeof appendBatch>;
    try {
      outcomes = appendBatch.immediate(batch);
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    outcomes.forEach((outcome, i) => {
      const item = batch[i]!;
      if (outcome.ok) item.resolve(outcome.result);
      else item.reject(outcome.error);
    });
  };
  const groupCommit = options.groupCommit ?? true;

  /*
   * Session touches are batched the same way: a reconnect storm or the periodic session
   * re-check touches thousands of sessions in one turn, and one commit (one fsync) each
   * blocked the event loop for about 0.2 s per 1,000 sessions (bench/RESULTS.md).
   * A touch resolves once the shared commit has returned.
   */
  type PendingTouch = { key: string; at: number; resolve: () => void; reject: (error: unknown) => void };
  let touches: PendingTouch[] = [];
  let touchFlushScheduled = false;
  const touchBatch = db.transaction((batch: PendingTouch[]) => {
    for (const t of batch) q.touchSession.run(t.at, t.key, t.at);
  });
  const flushTouches = () => {
    touchFlushScheduled = false;
    const batch = touches;
    touches = [];
    if (batch.length === 0) return;
    try {
      touchBatch.immediate(batch);
    } catch (error) {
      for (const t of batch) t.reject(error);
      return;
    }
    for (const t of batch) t.resolve();
  };

  const users: UserStore = {
    async create(user, autoJoinRoomIds) {
      try {
        createUser.immediate(user, autoJoinRoomIds);
        return 'created';
      } catch (error) {
        if (isUniqueViolation(error)) return 'username_taken';
        throw error;
      }
    },
    async findByUsername(username) {
      const row = q.userByKey.get(caseKey(username));
      return row ? toUser(row) : null;
    },
    async findById(id) {
      const row = q.userById.get(id);
      return row ? toUser(row) : null;
    },
  };

  const sessions: SessionStore = {
    async create(s) {
      q.insertSession.run(s.key, s.userId, s.createdAt, s.lastSeenAt, s.expiresAt);
    },
    async find(key) {
      const row = q.sessionByKey.get(key);
      return row ? toSession(row) : null;
    },
    touch(key, lastSeenAt) {
      return new Promise<void>((resolve, reject) => {
        touches.push({ key, at: lastSeenAt, resolve, reject });
        if (!touchFlushScheduled) {
          touchFlushScheduled = true;
          setImmediate(flushTouches);
        }
      });
    },
    async delete(key) {
      return q.deleteSession.run(key).changes > 0;
    },
    async deleteExpired(now, idleCutoff) {
      return q.deleteExpiredSessions.run(now, idleCutoff).changes;
    },
  };

  const rooms: RoomStore = {
    async create(room, creatorId) {
      try {
        createRoom.immediate(room, creatorId);
        return 'created';
      } catch (error) {
        if (isUniqueViolation(error)) return 'name_taken';
        throw error;
      }
    },
    async findById(id) {
      const row = q.roomById.get(id);
      return row ? toRoom(row) : null;
    },
    async findByName(name) {
      const row = q.roomByNameKey.get(caseKey(name));
      return row ? toRoom(row) : null;
    },
    async listPublicNotJoined(userId) {
      return q.publicNotJoined.all(userId).map(toRoom);
    },
    async listForUser(userId) {
      return q.roomsForUser.all(userId).map(toRoomView);
    },
    async viewForUser(roomId, userId) {
      const row = q.roomViewForUser.get(userId, roomId);
      return row ? toRoomView(row) : null;
    },
    async roomIdsForUser(userId) {
      return q.roomIdsForUser.all(userId).map((r) => r.room_id);
    },
    async cursorsForUser(userId) {
      return q.cursorsForUser.all(userId).map((r) => ({ roomId: r.room_id, lastSeq: r.last_seq }));
    },
    async addMember(roomId, userId, joinedAt) {
      return addMember.immediate(roomId, userId, joinedAt);
    },
    async removeMember(roomId, userId) {
      return removeMember.immediate(roomId, userId);
    },
    async invite(roomId, userId, invitedBy, at) {
      return q.insertInvitation.run(roomId, userId, invitedBy, at).changes > 0 ? 'created' : 'exists';
    },
    async isInvited(roomId, userId) {
      return q.isInvited.get(roomId, userId) !== undefined;
    },
    async listInvitedRooms(userId) {
      return q.invitedRooms.all(userId).map(toRoom);
    },
    async isMember(roomId, userId) {
      return q.isMember.get(roomId, userId) !== undefined;
    },
    async listMembers(roomId): Promise<MemberRecord[] | null> {
      if (!q.roomById.get(roomId)) return null;
      return q.members.all(roomId).map((r) => ({ userId: r.user_id, username: r.username }));
    },
    async openDm(room, userA, userB) {
      return openDm.immediate(room, userA, userB);
    },
  };

  const messages: MessageStore = {
    append(message) {
      if (!groupCommit) return Promise.resolve().then(() => append.immediate(message));
      return new Promise<AppendResult>((resolve, reject) => {
        queue.push({ message, resolve, reject });
        if (!flushScheduled) {
          flushScheduled = true;
          setImmediate(flush);
        }
      });
    },
    async history(roomId, { before, limit }) {
      return q.history
        .all(roomId, before ?? Number.MAX_SAFE_INTEGER, limit)
        .map(toMessage)
        .reverse();
    },
    async since(roomId, afterSeq, limit) {
      return q.since.all(roomId, afterSeq, limit).map(toMessage);
    },
  };

  return {
    users,
    sessions,
    rooms,
    messages,
    async close() {
      // Appends and touches already accepted are written before the database closes.
      flush();
      flushTouches();
      if (db.open) db.close();
    },
  };
}

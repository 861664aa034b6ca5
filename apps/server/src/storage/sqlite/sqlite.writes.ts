import type Database from 'better-sqlite3';
import { caseKey, dmKey } from '../keys.js';
import type { AppendResult, NewMessage, RemovedMember, RoomRecord, SessionRecord, UserRecord } from '../storage.js';
import { MESSAGE_SELECT, toMessage, toRoom, type MessageRow, type RoomRow } from './sqlite.rows.js';

/*
 * Every write of the SQLite store, in one place, so the same code runs on the reading
 * connection (':memory:' databases, tools) or on the writer thread (sqlite.writer.ts).
 * Each operation is one unit of work; `runBatch` commits many of them in one
 * transaction (one fsync), each in its own savepoint so one failure does not sink the
 * others. Results are plain data: they cross a thread boundary.
 */

export type WriteOps = {
  createUser(user: UserRecord, autoJoinRoomIds: readonly string[]): 'created' | 'username_taken';
  createSession(session: SessionRecord): null;
  touchSession(key: string, lastSeenAt: number): null;
  deleteSession(key: string): boolean;
  deleteExpiredSessions(now: number, idleCutoff: number): number;
  createRoom(room: RoomRecord, creatorId: string | null): 'created' | 'name_taken';
  addMember(roomId: string, userId: string, joinedAt: number): boolean;
  removeMember(roomId: string, userId: string): RemovedMember;
  withdrawInvitation(roomId: string, userId: string): boolean;
  invite(roomId: string, userId: string, invitedBy: string, at: number): 'created' | 'exists';
  openDm(room: RoomRecord, userA: string, userB: string): { room: RoomRecord; created: boolean };
  append(message: NewMessage): AppendOutcome;
};

/** What an append returns across the thread boundary: the caller already has the rest of a new message. */
export type AppendOutcome =
  | { status: 'created'; seq: number; authorName: string }
  | Exclude<AppendResult, { status: 'created' }>;

export type WriteOp = keyof WriteOps;
export type WriteRequest = { [K in WriteOp]: { op: K; args: Parameters<WriteOps[K]> } }[WriteOp];
/** An error as it crosses threads: structured clone keeps name and message, not `code`. */
export type WriteFailure = { name: string; message: string; code?: string };
export type WriteOutcome = { ok: true; value: unknown } | { ok: false; error: WriteFailure };

export type SqliteWriter = {
  ops: WriteOps;
  /** Runs the requests in one transaction; each outcome answers the request at its index. */
  runBatch(batch: readonly WriteRequest[]): WriteOutcome[];
};

function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  );
}

export function toFailure(error: unknown): WriteFailure {
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
    return { name: error.name, message: error.message, ...(code ? { code } : {}) };
  }
  return { name: 'Error', message: String(error) };
}

export function prepareWrites(db: Database.Database): SqliteWriter {
  const q = {
    insertUser: db.prepare(
      'INSERT INTO users (id, username, username_key, password_hash, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    insertSession: db.prepare(
      'INSERT INTO sessions (key, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    ),
    touchSession: db.prepare('UPDATE sessions SET last_seen_at = ? WHERE key = ? AND last_seen_at < ?'),
    deleteSession: db.prepare('DELETE FROM sessions WHERE key = ?'),
    deleteExpiredSessions: db.prepare('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?'),
    insertRoom: db.prepare(
      'INSERT INTO rooms (id, kind, name, name_key, dm_key, owner_id, last_seq, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    roomExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM rooms WHERE id = ?'),
    roomByDmKey: db.prepare<[string], RoomRow>('SELECT * FROM rooms WHERE dm_key = ?'),
    addMember: db.prepare(
      'INSERT INTO memberships (room_id, user_id, joined_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    removeMember: db.prepare('DELETE FROM memberships WHERE room_id = ? AND user_id = ?'),
    insertInvitation: db.prepare(
      'INSERT INTO invitations (room_id, user_id, invited_by, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    deleteInvitation: db.prepare('DELETE FROM invitations WHERE room_id = ? AND user_id = ?'),
    withdrawSentInvitations: db.prepare<[string, string], { user_id: string }>(
      'DELETE FROM invitations WHERE room_id = ? AND invited_by = ? RETURNING user_id',
    ),
    isMember: db.prepare<[string, string], { one: number }>(
      'SELECT 1 AS one FROM memberships WHERE room_id = ? AND user_id = ?',
    ),
    username: db.prepare<[string], { username: string }>('SELECT username FROM users WHERE id = ?'),
    nextSeq: db.prepare<[string], { last_seq: number }>(
      'UPDATE rooms SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq',
    ),
    insertMessage: db.prepare(
      'INSERT INTO messages (id, room_id, seq, author_id, client_message_id, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    messageByClientId: db.prepare<[string, string], MessageRow>(
      `${MESSAGE_SELECT} WHERE m.author_id = ? AND m.client_message_id = ?`,
    ),
  };

  // Each operation is a transaction of its own; inside runBatch's transaction it nests
  // as a savepoint.
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
  const removeMember = db.transaction((roomId: string, userId: string): RemovedMember => {
    q.deleteInvitation.run(roomId, userId);
    const withdrawnInvitees = q.withdrawSentInvitations.all(roomId, userId).map((r) => r.user_id);
    return { wasMember: q.removeMember.run(roomId, userId).changes > 0, withdrawnInvitees };
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
  const append = db.transaction((m: NewMessage): AppendOutcome => {
    const existing = q.messageByClientId.get(m.authorId, m.clientMessageId);
    if (existing) return { status: 'duplicate', message: toMessage(existing) };
    if (!q.roomExists.get(m.roomId)) return { status: 'room_not_found' };
    if (!q.isMember.get(m.roomId, m.authorId)) return { status: 'not_member' };
    const seq = q.nextSeq.get(m.roomId)!.last_seq;
    q.insertMessage.run(m.id, m.roomId, seq, m.authorId, m.clientMessageId, m.text, m.createdAt);
    // The caller builds the message from what it sent: no read-back, and a small reply.
    return { status: 'created', seq, authorName: q.username.get(m.authorId)!.username };
  });
  const single = <A extends unknown[], R>(fn: (...args: A) => R) => db.transaction(fn);

  const ops: WriteOps = {
    createUser(user, autoJoinRoomIds) {
      try {
        createUser(user, autoJoinRoomIds);
        return 'created';
      } catch (error) {
        if (isUniqueViolation(error)) return 'username_taken';
        throw error;
      }
    },
    createSession: single((s: SessionRecord) => {
      q.insertSession.run(s.key, s.userId, s.createdAt, s.lastSeenAt, s.expiresAt);
      return null;
    }),
    touchSession: single((key: string, at: number) => {
      q.touchSession.run(at, key, at);
      return null;
    }),
    deleteSession: single((key: string) => q.deleteSession.run(key).changes > 0),
    deleteExpiredSessions: single((now: number, idleCutoff: number) => q.deleteExpiredSessions.run(now, idleCutoff).changes),
    createRoom(room, creatorId) {
      try {
        createRoom(room, creatorId);
        return 'created';
      } catch (error) {
        if (isUniqueViolation(error)) return 'name_taken';
        throw error;
      }
    },
    addMember: (roomId, userId, joinedAt) => addMember(roomId, userId, joinedAt),
    removeMember: (roomId, userId) => removeMember(roomId, userId),
    withdrawInvitation: single((roomId: string, userId: string) => q.deleteInvitation.run(roomId, userId).changes > 0),
    invite: single((roomId: string, userId: string, invitedBy: string, at: number) =>
      q.insertInvitation.run(roomId, userId, invitedBy, at).changes > 0 ? ('created' as const) : ('exists' as const),
    ),
    openDm: (room, userA, userB) => openDm(room, userA, userB),
    append: (message) => append(message),
  };

  const dispatch = (request: WriteRequest): unknown =>
    (ops[request.op] as (...args: readonly unknown[]) => unknown)(...request.args);

  const batchTransaction = db.transaction((batch: readonly WriteRequest[]) =>
    batch.map((request): WriteOutcome => {
      try {
        return { ok: true, value: dispatch(request) };
      } catch (error) {
        return { ok: false, error: toFailure(error) };
      }
    }),
  );

  return {
    ops,
    runBatch(batch) {
      try {
        // BEGIN IMMEDIATE: take the write lock up front rather than upgrade mid-way.
        return batchTransaction.immediate(batch);
      } catch (error) {
        // The commit itself failed (disk full, I/O error): nothing of the batch is stored.
        const failure = toFailure(error);
        return batch.map(() => ({ ok: false as const, error: failure }));
      }
    },
  };
}

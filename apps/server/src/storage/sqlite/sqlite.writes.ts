import type Database from 'better-sqlite3';
import {
  DELETED_USER_NAME,
  type Attachment,
  type ChangeKind,
  type NotifyLevel,
  type ReadState,
  type ReplyRef,
} from '@parley/shared-types';
import { caseKey, dmKey } from '../keys.js';
import type {
  AppendResult,
  ChangeResult,
  GroupAddResult,
  DeletedAccount,
  FileRecord,
  MessageChange,
  NewMessage,
  RemovedMember,
  RoomRecord,
  SessionRecord,
  UserRecord,
} from '../storage.js';
import { toRoom, type RoomRow } from '../rows.js';
import { prepareReadStates } from './sqlite.reads.js';
import { excerptOf, toAttachment } from '../message-views.js';
import { prepareViews } from './sqlite.views.js';
import { isCorruption, isSpaceFailure } from './write.guard.js';

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
  createGroup(room: RoomRecord, memberIds: readonly string[]): 'created' | 'unknown_user';
  addToGroup(
    roomId: string,
    actorId: string,
    userIds: readonly string[],
    maxMembers: number,
    at: number,
  ): GroupAddResult;
  append(message: NewMessage): AppendOutcome;
  change(change: MessageChange): ChangeResult;
  markRead(userId: string, roomId: string, seq: number): ReadState | 'not_member' | 'beyond';
  setNotify(userId: string, roomId: string, level: NotifyLevel): boolean;
  changePassword(userId: string, passwordHash: string, keepSessionKey: string): string[] | null;
  deleteSessionsOf(userId: string): string[];
  deleteUser(userId: string, at: number): DeletedAccount | null;
  setLastSeen(userId: string, at: number): void;
  setAppearOffline(userId: string, appearOffline: boolean, at: number): boolean;
  /** B1: the row of a file whose bytes are already on disk. */
  createFile(file: FileRecord): null;
  /** B8: pending files created before `cutoff`: their rows go, their ids come back. */
  sweepPendingFiles(cutoff: number): string[];
};

/**
 * What an append returns across the thread boundary: the caller already has the rest of
 * a new message (a small reply on the hot path: no read-back of the row).
 */
export type AppendOutcome =
  | {
      status: 'created';
      seq: number;
      authorName: string;
      mentions: string[];
      replyTo: ReplyRef | null;
      attachments: Attachment[];
    }
  | Exclude<AppendResult, { status: 'created' }>;

export type WriteOp = keyof WriteOps;
export type WriteRequest = { [K in WriteOp]: { op: K; args: Parameters<WriteOps[K]> } }[WriteOp];
/** An error as it crosses threads: structured clone keeps name and message, not `code`. */
export type WriteFailure = {
  name: string;
  message: string;
  code?: string;
  /** The batch as a whole failed (its commit, the disk, the database): nothing of it is stored. */
  whole?: boolean;
};
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
    insertFile: db.prepare(
      `INSERT INTO files (id, room_id, uploader_id, name, size, content_type, width, height, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    pendingFile: db.prepare<
      [string],
      {
        room_id: string;
        uploader_id: string;
        message_id: string | null;
        name: string;
        size: number;
        content_type: string;
        width: number | null;
        height: number | null;
        id: string;
      }
    >('SELECT id, room_id, uploader_id, message_id, name, size, content_type, width, height FROM files WHERE id = ?'),
    linkFile: db.prepare('UPDATE files SET message_id = ?, position = ? WHERE id = ?'),
    filesOfMessage: db.prepare<[string], { id: string }>('SELECT id FROM files WHERE message_id = ?'),
    deleteFilesOfMessage: db.prepare('DELETE FROM files WHERE message_id = ?'),
    stalePending: db.prepare<[number], { id: string }>(
      'SELECT id FROM files WHERE message_id IS NULL AND created_at < ?',
    ),
    deleteFile: db.prepare('DELETE FROM files WHERE id = ?'),
    deleteExpiredSessions: db.prepare('DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?'),
    insertRoom: db.prepare(
      'INSERT INTO rooms (id, kind, name, name_key, dm_key, owner_id, last_seq, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    roomExists: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM rooms WHERE id = ?'),
    roomByDmKey: db.prepare<[string], RoomRow>('SELECT * FROM rooms WHERE dm_key = ?'),
    // U1: a newcomer's marker starts at the room's newest seq: what came before is not unread.
    addMember: db.prepare(
      `INSERT INTO memberships (room_id, user_id, joined_at, last_read_seq)
       VALUES (?, ?, ?, (SELECT last_seq FROM rooms WHERE id = ?)) ON CONFLICT DO NOTHING`,
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
      'INSERT INTO messages (id, room_id, seq, author_id, client_message_id, text, created_at, reply_to_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    messageIdByClientId: db.prepare<[string, string], { id: string }>(
      'SELECT id FROM messages WHERE author_id = ? AND client_message_id = ?',
    ),
    replyTarget: db.prepare<
      [string],
      { room_id: string; seq: number; author_id: string; author_name: string; text: string; deleted_at: number | null }
    >(
      `SELECT m.room_id, m.seq, m.author_id, u.username AS author_name, m.text, m.deleted_at
       FROM messages m JOIN users u ON u.id = m.author_id WHERE m.id = ?`,
    ),
    mentionable: db.prepare<[string, string], { id: string }>(
      `SELECT u.id FROM users u JOIN memberships ms ON ms.user_id = u.id AND ms.room_id = ?
       WHERE u.username_key IN (SELECT value FROM json_each(?))`,
    ),
    insertMention: db.prepare('INSERT INTO mentions (message_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    deleteMentions: db.prepare('DELETE FROM mentions WHERE message_id = ?'),
    messageMeta: db.prepare<
      [string],
      {
        room_id: string;
        author_id: string;
        text: string;
        deleted_at: number | null;
        kind: string;
        owner_id: string | null;
      }
    >(
      `SELECT m.room_id, m.author_id, m.text, m.deleted_at, r.kind, r.owner_id
       FROM messages m JOIN rooms r ON r.id = m.room_id WHERE m.id = ?`,
    ),
    editMessage: db.prepare('UPDATE messages SET text = ?, edited_at = ?, version = ? WHERE id = ?'),
    // The text is overwritten (secure_delete zeroes the freed bytes): a tombstone keeps its place, not its words.
    deleteMessage: db.prepare("UPDATE messages SET text = '', deleted_at = ?, version = ? WHERE id = ?"),
    touchVersion: db.prepare('UPDATE messages SET version = ? WHERE id = ?'),
    addReaction: db.prepare(
      'INSERT INTO reactions (message_id, user_id, emoji, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    removeReaction: db.prepare('DELETE FROM reactions WHERE message_id = ? AND user_id = ? AND emoji = ?'),
    deleteReactions: db.prepare('DELETE FROM reactions WHERE message_id = ?'),
    insertChange: db.prepare(
      'INSERT INTO room_changes (room_id, seq, kind, message_id, actor_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    membership: db.prepare<[string, string], { last_read_seq: number; last_seq: number }>(
      `SELECT ms.last_read_seq, r.last_seq FROM memberships ms JOIN rooms r ON r.id = ms.room_id
       WHERE ms.room_id = ? AND ms.user_id = ?`,
    ),
    setLastRead: db.prepare(
      'UPDATE memberships SET last_read_seq = ? WHERE room_id = ? AND user_id = ? AND last_read_seq < ?',
    ),
    setNotify: db.prepare('UPDATE memberships SET notify = ? WHERE room_id = ? AND user_id = ?'),
    setLastSeen: db.prepare('UPDATE users SET last_seen_at = ? WHERE id = ? AND appear_offline = 0'),
    appearOffline: db.prepare('UPDATE users SET appear_offline = 1, last_seen_at = ? WHERE id = ?'),
    appearOnline: db.prepare('UPDATE users SET appear_offline = 0 WHERE id = ?'),
    setPasswordHash: db.prepare('UPDATE users SET password_hash = ? WHERE id = ? AND deleted_at IS NULL'),
    sessionKeysOf: db.prepare<[string], { key: string }>('SELECT key FROM sessions WHERE user_id = ? ORDER BY key'),
    deleteSessionsOf: db.prepare('DELETE FROM sessions WHERE user_id = ?'),
    liveUser: db.prepare<[string], { id: string }>('SELECT id FROM users WHERE id = ? AND deleted_at IS NULL'),
    liveUserCount: db.prepare<[string], { n: number }>(
      'SELECT count(*) AS n FROM users WHERE deleted_at IS NULL AND id IN (SELECT value FROM json_each(?))',
    ),
    roomKind: db.prepare<[string], { kind: string }>('SELECT kind FROM rooms WHERE id = ?'),
    memberCount: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM memberships WHERE room_id = ?'),
    memberRoomIds: db.prepare<[string], { room_id: string }>(
      'SELECT room_id FROM memberships WHERE user_id = ? ORDER BY room_id',
    ),
    // Served by the (author_id, client_message_id) unique index.
    authoredRoomIds: db.prepare<[string], { room_id: string }>(
      'SELECT DISTINCT room_id FROM messages WHERE author_id = ? ORDER BY room_id',
    ),
    sentInvitations: db.prepare<[string], { room_id: string; user_id: string }>(
      'SELECT room_id, user_id FROM invitations WHERE invited_by = ? ORDER BY room_id, user_id',
    ),
    deleteInvitationsOf: db.prepare('DELETE FROM invitations WHERE user_id = ? OR invited_by = ?'),
    deleteMembershipsOf: db.prepare('DELETE FROM memberships WHERE user_id = ?'),
    ownedRoomIds: db.prepare<[string], { id: string }>('SELECT id FROM rooms WHERE owner_id = ? ORDER BY id'),
    // A14: the longest-standing member takes the room (ties: the smaller user id).
    longestMember: db.prepare<[string], { user_id: string }>(
      'SELECT user_id FROM memberships WHERE room_id = ? ORDER BY joined_at, user_id LIMIT 1',
    ),
    setOwner: db.prepare('UPDATE rooms SET owner_id = ? WHERE id = ?'),
    // '#' is no username character (A2): the key can never match a sign-in, mention or invitation.
    markUserDeleted: db.prepare(
      "UPDATE users SET username = ?, username_key = '#deleted:' || id, password_hash = '', deleted_at = ? WHERE id = ?",
    ),
  };
  const views = prepareViews(db);
  const readStates = prepareReadStates(db);

  /** E6: records the mentions of members among `keys`; returns their ids. */
  const recordMentions = (messageId: string, roomId: string, keys: readonly string[] | undefined): string[] => {
    if (!keys || keys.length === 0) return [];
    const ids = q.mentionable.all(roomId, JSON.stringify(keys)).map((r) => r.id);
    for (const id of ids) q.insertMention.run(messageId, id);
    return ids;
  };

  // Each operation is a transaction of its own; inside runBatch's transaction it nests
  // as a savepoint.
  const createUser = db.transaction((user: UserRecord, roomIds: readonly string[]) => {
    q.insertUser.run(user.id, user.username, caseKey(user.username), user.passwordHash, user.createdAt);
    for (const roomId of roomIds) q.addMember.run(roomId, user.id, user.createdAt, roomId);
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
    if (creatorId) q.addMember.run(room.id, creatorId, room.createdAt, room.id);
  });
  const addMember = db.transaction((roomId: string, userId: string, joinedAt: number) => {
    q.deleteInvitation.run(roomId, userId);
    return q.addMember.run(roomId, userId, joinedAt, roomId).changes > 0;
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
    q.addMember.run(room.id, userA, room.createdAt, room.id);
    q.addMember.run(room.id, userB, room.createdAt, room.id);
    return { room: { ...room, kind: 'dm' as const, name: null, ownerId: null, lastSeq: 0 }, created: true };
  });
  /** G1, G3: whether every id (no repeats) is a live account. */
  const allLive = (ids: readonly string[]) => q.liveUserCount.get(JSON.stringify(ids))?.n === new Set(ids).size;
  const createGroup = db.transaction((room: RoomRecord, memberIds: readonly string[]) => {
    if (!allLive(memberIds)) return 'unknown_user' as const;
    q.insertRoom.run(room.id, 'group', null, null, null, null, 0, room.createdAt);
    for (const id of memberIds) q.addMember.run(room.id, id, room.createdAt, room.id);
    return 'created' as const;
  });
  const addToGroup = db.transaction(
    (roomId: string, actorId: string, userIds: readonly string[], max: number, at: number): GroupAddResult => {
      const room = q.roomKind.get(roomId);
      if (!room || !q.isMember.get(roomId, actorId)) return { status: 'not_member' };
      if (room.kind !== 'group') return { status: 'not_group' };
      if (!allLive(userIds)) return { status: 'unknown_user' };
      if (userIds.some((id) => q.isMember.get(roomId, id))) return { status: 'already_member' };
      // The single writer makes the count and the inserts one step: two adds cannot both pass.
      if ((q.memberCount.get(roomId)?.n ?? 0) + userIds.length > max) return { status: 'full' };
      for (const id of userIds) q.addMember.run(roomId, id, at, roomId);
      return { status: 'added' };
    },
  );
  const append = db.transaction((m: NewMessage): AppendOutcome => {
    const existing = q.messageIdByClientId.get(m.authorId, m.clientMessageId);
    if (existing) return { status: 'duplicate', message: views.one(existing.id)! };
    if (!q.roomExists.get(m.roomId)) return { status: 'room_not_found' };
    if (!q.isMember.get(m.roomId, m.authorId)) return { status: 'not_member' };
    let replyTo: ReplyRef | null = null;
    if (m.replyToId !== undefined) {
      const original = q.replyTarget.get(m.replyToId);
      if (!original || original.room_id !== m.roomId) return { status: 'invalid_reply' };
      if (original.deleted_at !== null) return { status: 'reply_deleted' };
      replyTo = {
        id: m.replyToId,
        seq: original.seq,
        authorId: original.author_id,
        authorName: original.author_name,
        excerpt: excerptOf(original.text),
        deleted: false,
      };
    }
    // B4: every attachment checked before anything is written.
    const files = (m.attachmentIds ?? []).map((id) => q.pendingFile.get(id));
    const usable = files.every(
      (f) => f !== undefined && f.message_id === null && f.uploader_id === m.authorId && f.room_id === m.roomId,
    );
    if (!usable || new Set(m.attachmentIds).size !== files.length) return { status: 'invalid_attachment' };
    const seq = q.nextSeq.get(m.roomId)!.last_seq;
    q.insertMessage.run(m.id, m.roomId, seq, m.authorId, m.clientMessageId, m.text, m.createdAt, m.replyToId ?? null);
    files.forEach((f, position) => q.linkFile.run(m.id, position, f!.id));
    const mentions = recordMentions(m.id, m.roomId, m.mentionKeys);
    // The caller builds the message from what it sent: no read-back, and a small reply.
    return {
      status: 'created',
      seq,
      authorName: q.username.get(m.authorId)!.username,
      mentions,
      replyTo,
      attachments: files.map((f) => toAttachment(f!)),
    };
  });

  /** Takes the room's next seq for a change of `messageId` and logs it (S1). */
  const logChange = (roomId: string, messageId: string, kind: ChangeKind, actorId: string, at: number) => {
    const seq = q.nextSeq.get(roomId)!.last_seq;
    q.insertChange.run(roomId, seq, kind, messageId, actorId, at);
    return seq;
  };

  const change = db.transaction((c: MessageChange): ChangeResult => {
    let removedFileIds: string[] = [];
    const meta = q.messageMeta.get(c.messageId);
    // E7: unknown and foreign messages look the same.
    if (!meta || !q.isMember.get(meta.room_id, c.actorId)) return { status: 'not_visible' };
    const current = () => ({ status: 'unchanged' as const, message: views.one(c.messageId)! });
    let kind: ChangeKind;
    let seq: number;
    switch (c.kind) {
      case 'edit': {
        if (meta.author_id !== c.actorId) return { status: 'forbidden' };
        if (meta.deleted_at !== null) return { status: 'deleted' };
        if (meta.text === c.text) return current();
        kind = 'message:edited';
        seq = logChange(meta.room_id, c.messageId, kind, c.actorId, c.at);
        q.editMessage.run(c.text, c.at, seq, c.messageId);
        q.deleteMentions.run(c.messageId);
        recordMentions(c.messageId, meta.room_id, c.mentionKeys);
        break;
      }
      case 'delete': {
        const moderates = meta.kind !== 'dm' && meta.owner_id === c.actorId;
        if (meta.author_id !== c.actorId && !moderates) return { status: 'forbidden' };
        if (meta.deleted_at !== null) return current();
        kind = 'message:deleted';
        seq = logChange(meta.room_id, c.messageId, kind, c.actorId, c.at);
        q.deleteMessage.run(c.at, seq, c.messageId);
        q.deleteReactions.run(c.messageId);
        q.deleteMentions.run(c.messageId);
        // B7: its files go with it; the store removes their bytes once this commits.
        removedFileIds = q.filesOfMessage.all(c.messageId).map((f) => f.id);
        q.deleteFilesOfMessage.run(c.messageId);
        break;
      }
      case 'react': {
        if (meta.deleted_at !== null) return { status: 'deleted' };
        const changed = c.on
          ? q.addReaction.run(c.messageId, c.actorId, c.emoji, c.at).changes > 0
          : q.removeReaction.run(c.messageId, c.actorId, c.emoji).changes > 0;
        if (!changed) return current();
        kind = c.on ? 'reaction:added' : 'reaction:removed';
        seq = logChange(meta.room_id, c.messageId, kind, c.actorId, c.at);
        q.touchVersion.run(seq, c.messageId);
        break;
      }
    }
    return {
      status: 'changed',
      change: { seq, kind, messageId: c.messageId },
      message: views.one(c.messageId)!,
      ...(removedFileIds.length > 0 ? { removedFileIds } : {}),
    };
  });

  const markRead = db.transaction(
    (userId: string, roomId: string, seq: number): ReadState | 'not_member' | 'beyond' => {
      const membership = q.membership.get(roomId, userId);
      if (!membership) return 'not_member';
      if (seq > membership.last_seq) return 'beyond';
      q.setLastRead.run(seq, roomId, userId, seq);
      return readStates.get(userId, roomId)!;
    },
  );
  const single = <A extends unknown[], R>(fn: (...args: A) => R) => db.transaction(fn);

  const endSessionsOf = (userId: string, keep: string | null): string[] => {
    const keys = q.sessionKeysOf
      .all(userId)
      .map((r) => r.key)
      .filter((key) => key !== keep);
    for (const key of keys) q.deleteSession.run(key);
    return keys;
  };

  const deleteUser = db.transaction((userId: string, at: number): DeletedAccount | null => {
    if (!q.liveUser.get(userId)) return null;
    const leftRoomIds = q.memberRoomIds.all(userId).map((r) => r.room_id);
    const authoredRoomIds = q.authoredRoomIds.all(userId).map((r) => r.room_id);
    const withdrawnInvitations = q.sentInvitations.all(userId).map((r) => ({ roomId: r.room_id, userId: r.user_id }));
    q.deleteInvitationsOf.run(userId, userId);
    q.deleteMembershipsOf.run(userId);
    const ownerChanges = q.ownedRoomIds.all(userId).map((r) => {
      const ownerId = q.longestMember.get(r.id)?.user_id ?? null;
      q.setOwner.run(ownerId, r.id);
      return { roomId: r.id, ownerId };
    });
    const sessionKeys = endSessionsOf(userId, null);
    q.markUserDeleted.run(DELETED_USER_NAME, at, userId);
    return { leftRoomIds, authoredRoomIds, withdrawnInvitations, ownerChanges, sessionKeys };
  });

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
    deleteExpiredSessions: single(
      (now: number, idleCutoff: number) => q.deleteExpiredSessions.run(now, idleCutoff).changes,
    ),
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
    createGroup: (room, memberIds) => createGroup(room, memberIds),
    addToGroup: (roomId, actorId, userIds, max, at) => addToGroup(roomId, actorId, userIds, max, at),
    append: (message) => append(message),
    change: (c) => change(c),
    markRead: (userId, roomId, seq) => markRead(userId, roomId, seq),
    setNotify: single(
      (userId: string, roomId: string, level: NotifyLevel) => q.setNotify.run(level, roomId, userId).changes > 0,
    ),
    changePassword: single((userId: string, passwordHash: string, keepSessionKey: string) =>
      q.setPasswordHash.run(passwordHash, userId).changes > 0 ? endSessionsOf(userId, keepSessionKey) : null,
    ),
    deleteSessionsOf: single((userId: string) => endSessionsOf(userId, null)),
    deleteUser: (userId, at) => deleteUser(userId, at),
    setLastSeen: single((userId: string, at: number) => {
      q.setLastSeen.run(at, userId);
    }),
    setAppearOffline: single(
      (userId: string, appearOffline: boolean, at: number) =>
        (appearOffline ? q.appearOffline.run(at, userId) : q.appearOnline.run(userId)).changes > 0,
    ),
    createFile: single((f: FileRecord) => {
      q.insertFile.run(
        f.id,
        f.roomId,
        f.uploaderId,
        f.name,
        f.size,
        f.contentType,
        f.width ?? null,
        f.height ?? null,
        f.createdAt,
      );
      return null;
    }),
    sweepPendingFiles: single((cutoff: number) => {
      const ids = q.stalePending.all(cutoff).map((f) => f.id);
      for (const id of ids) q.deleteFile.run(id);
      return ids;
    }),
  };

  const dispatch = (request: WriteRequest): unknown =>
    (ops[request.op] as (...args: readonly unknown[]) => unknown)(...request.args);

  const batchTransaction = db.transaction((batch: readonly WriteRequest[]) =>
    batch.map((request): WriteOutcome => {
      try {
        return { ok: true, value: dispatch(request) };
      } catch (error) {
        // S8: a full disk or a damaged file is no refusal of this one write: SQLite may
        // already have rolled the whole transaction back, so the batch stops here, whole.
        const failure = toFailure(error);
        if (isSpaceFailure(failure.code) || isCorruption(failure.code)) throw error;
        return { ok: false, error: failure };
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
        const failure = { ...toFailure(error), whole: true };
        return batch.map(() => ({ ok: false as const, error: failure }));
      }
    },
  };
}

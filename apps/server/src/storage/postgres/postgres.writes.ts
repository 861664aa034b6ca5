import type { Pool } from 'pg';
import {
  DELETED_USER_NAME,
  type Attachment,
  type ChangeKind,
  type Message,
  type ReadState,
  type ReplyRef,
} from '@parley/shared-types';
import { caseKey, dmKey } from '../keys.js';
import { excerptOf, toAttachment, type AttachmentRow } from '../message-views.js';
import { toRoom, type RoomRow } from '../rows.js';
import type {
  AppendResult,
  ChangeResult,
  GroupAddResult,
  DeletedAccount,
  MessageChange,
  NewMessage,
  RemovedMember,
  RoomRecord,
  UserRecord,
} from '../storage.js';
import { readState } from './postgres.reads.js';
import { asTx, inTransaction, violatedUnique, type Tx } from './postgres.transactions.js';
import { textBytes, viewByClientMessageId, viewOne } from './postgres.views.js';

/*
 * The writes of the PostgreSQL store that take several statements, each one transaction
 * (READ COMMITTED). Several nodes write at once, so what SQLite gets from its single
 * writer comes from row locks here:
 * - a room's seq is taken with UPDATE rooms … RETURNING in the transaction that uses it:
 *   the row lock orders the room's writers, commits happen in seq order, and a rollback
 *   gives the seq back (a SEQUENCE would leave a gap);
 * - a change locks its message (FOR NO KEY UPDATE) and a reply the message it answers
 *   (FOR SHARE), both before the room, so a deletion and a reply to it do not interleave;
 * - sends and changes lock the actor's membership (FOR KEY SHARE), so a removal waits for
 *   them or they see it. Those locks only conflict with the removal, which holds no lock
 *   a send or change wants, so no cycle of waits forms (deadlocks are retried anyway).
 */

export type PostgresWrites = {
  createUser(user: UserRecord, autoJoinRoomIds: readonly string[]): Promise<'created' | 'username_taken'>;
  createRoom(room: RoomRecord, creatorId: string | null): Promise<'created' | 'name_taken'>;
  addMember(roomId: string, userId: string, joinedAt: number): Promise<boolean>;
  removeMember(roomId: string, userId: string): Promise<RemovedMember>;
  openDm(room: RoomRecord, userA: string, userB: string): Promise<{ room: RoomRecord; created: boolean }>;
  createGroup(room: RoomRecord, memberIds: readonly string[]): Promise<'created' | 'unknown_user'>;
  addToGroup(
    roomId: string,
    actorId: string,
    userIds: readonly string[],
    maxMembers: number,
    at: number,
  ): Promise<GroupAddResult>;
  append(message: NewMessage): Promise<AppendResult>;
  /**
   * Several sends in one transaction (group commit, postgres.batch.ts), answered in the
   * order given. Throws, storing nothing, when any of them fails (a duplicate committed
   * elsewhere meanwhile): the caller runs them one by one then.
   */
  appendBatch(messages: readonly NewMessage[]): Promise<AppendResult[]>;
  change(change: MessageChange): Promise<ChangeResult>;
  markRead(userId: string, roomId: string, seq: number): Promise<ReadState | 'not_member' | 'beyond'>;
  changePassword(userId: string, passwordHash: string, keepSessionKey: string): Promise<string[] | null>;
  deleteSessionsOf(userId: string): Promise<string[]>;
  deleteUser(userId: string, at: number): Promise<DeletedAccount | null>;
};

/** Ends the user's sessions but `keep`; their keys, sorted as SQLite sorts them. */
async function endSessionsOf(tx: Tx, userId: string, keep: string | null): Promise<string[]> {
  const { rows } = await tx.query<{ key: string }>(
    `WITH gone AS (DELETE FROM sessions WHERE user_id = $1 AND key IS DISTINCT FROM $2 RETURNING key)
     SELECT key FROM gone ORDER BY key COLLATE "C"`,
    [userId, keep],
  );
  return rows.map((r) => r.key);
}

async function deleteUserIn(tx: Tx, userId: string, at: number): Promise<DeletedAccount | null> {
  // The row lock orders this against another deletion or password change of the account.
  const live = await tx.query('SELECT 1 FROM users WHERE id = $1 AND deleted_at IS NULL FOR UPDATE', [userId]);
  if (live.rowCount === 0) return null;
  const ids = async (text: string) => (await tx.query<{ id: string }>(text, [userId])).rows.map((r) => r.id);
  const leftRoomIds = await ids(
    'SELECT room_id AS id FROM memberships WHERE user_id = $1 ORDER BY room_id COLLATE "C"',
  );
  // Served by the (author_id, client_message_id) unique index.
  const authoredRoomIds = await ids(
    'SELECT DISTINCT room_id COLLATE "C" AS id FROM messages WHERE author_id = $1 ORDER BY 1',
  );
  const sent = await tx.query<{ room_id: string; user_id: string }>(
    `WITH gone AS (DELETE FROM invitations WHERE invited_by = $1 RETURNING room_id, user_id)
     SELECT room_id, user_id FROM gone ORDER BY room_id COLLATE "C", user_id COLLATE "C"`,
    [userId],
  );
  await tx.query('DELETE FROM invitations WHERE user_id = $1', [userId]);
  await tx.query('DELETE FROM memberships WHERE user_id = $1', [userId]);
  const ownerChanges: DeletedAccount['ownerChanges'] = [];
  for (const roomId of await ids('SELECT id FROM rooms WHERE owner_id = $1 ORDER BY id COLLATE "C" FOR UPDATE')) {
    // A14: the longest-standing member takes the room (ties: the smaller user id).
    const { rows } = await tx.query<{ user_id: string }>(
      `SELECT user_id FROM memberships WHERE room_id = $1 ORDER BY joined_at, user_id COLLATE "C" LIMIT 1`,
      [roomId],
    );
    const ownerId = rows[0]?.user_id ?? null;
    await tx.query('UPDATE rooms SET owner_id = $1 WHERE id = $2', [ownerId, roomId]);
    ownerChanges.push({ roomId, ownerId });
  }
  const sessionKeys = await endSessionsOf(tx, userId, null);
  // '#' is no username character (A2): the key can never match a sign-in, mention or invitation.
  await tx.query(
    `UPDATE users SET username = $1, username_key = '#deleted:' || id, password_hash = '', deleted_at = $2
     WHERE id = $3`,
    [DELETED_USER_NAME, at, userId],
  );
  return {
    leftRoomIds,
    authoredRoomIds,
    withdrawnInvitations: sent.rows.map((r) => ({ roomId: r.room_id, userId: r.user_id })),
    ownerChanges,
    sessionKeys,
  };
}

// U1: a newcomer's marker starts at the room's newest seq: what came before is not unread.
// An unknown room leaves last_read_seq NULL, which fails the insert, as in SQLite.
const ADD_MEMBER = `
  INSERT INTO memberships (room_id, user_id, joined_at, last_read_seq)
  VALUES ($1, $2, $3, (SELECT last_seq FROM rooms WHERE id = $1)) ON CONFLICT DO NOTHING`;

const INSERT_ROOM =
  'INSERT INTO rooms (id, kind, name, name_key, dm_key, owner_id, last_seq, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)';

/** Takes the room's next seq and stores the message with it, in one statement. */
const INSERT_MESSAGE = `
  WITH next AS (UPDATE rooms SET last_seq = last_seq + 1 WHERE id = $2 RETURNING last_seq)
  INSERT INTO messages (id, room_id, seq, author_id, client_message_id, text, created_at, reply_to_id)
  SELECT $1, $2, next.last_seq, $3, $4, $5, $6, $7 FROM next
  RETURNING seq`;

/** Takes the room's next seq for a change of a message and logs it (S1), in one statement. */
const LOG_CHANGE = `
  WITH next AS (UPDATE rooms SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq)
  INSERT INTO room_changes (room_id, seq, kind, message_id, actor_id, created_at)
  SELECT $1, next.last_seq, $2, $3, $4, $5 FROM next
  RETURNING seq`;

/** E6: records the mentions of members among `keys`; their ids in id order. */
async function recordMentions(
  tx: Tx,
  messageId: string,
  roomId: string,
  keys: readonly string[] | undefined,
): Promise<string[]> {
  if (!keys || keys.length === 0) return [];
  const { rows } = await tx.query<{ user_id: string }>(
    `WITH added AS (
       INSERT INTO mentions (message_id, user_id)
       SELECT $1, u.id FROM users u JOIN memberships ms ON ms.user_id = u.id AND ms.room_id = $2
       WHERE u.username_key = ANY($3::text[])
       ON CONFLICT DO NOTHING RETURNING user_id
     )
     SELECT user_id FROM added ORDER BY user_id COLLATE "C"`,
    [messageId, roomId, keys],
  );
  return rows.map((r) => r.user_id);
}

/** The author's name if they are a member, locking the membership until commit. */
async function memberName(tx: Tx, roomId: string, userId: string): Promise<string | null> {
  const { rows } = await tx.query<{ username: string }>(
    `SELECT u.username FROM memberships ms JOIN users u ON u.id = ms.user_id
     WHERE ms.room_id = $1 AND ms.user_id = $2 FOR KEY SHARE OF ms`,
    [roomId, userId],
  );
  return rows[0]?.username ?? null;
}

/** B4: each id a distinct pending file of the author in the message's room (rows locked). */
async function pendingFilesUsable(tx: Tx, m: NewMessage, fileIds: readonly string[]): Promise<boolean> {
  if (fileIds.length === 0) return true;
  if (new Set(fileIds).size !== fileIds.length) return false;
  const { rows } = await tx.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (
       SELECT 1 FROM files WHERE id = ANY($1::text[]) AND message_id IS NULL AND uploader_id = $2 AND room_id = $3
       ORDER BY id COLLATE "C" FOR UPDATE
     ) AS usable`,
    [fileIds, m.authorId, m.roomId],
  );
  return rows[0]!.n === fileIds.length;
}

/** B4: the files become the message's, in the order given. */
async function linkFiles(tx: Tx, messageId: string, fileIds: readonly string[]): Promise<Attachment[]> {
  if (fileIds.length === 0) return [];
  const { rows } = await tx.query<Omit<AttachmentRow, 'message_id'> & { position: number }>(
    `UPDATE files f SET message_id = $1, position = given.position - 1
     FROM unnest($2::text[]) WITH ORDINALITY AS given(id, position)
     WHERE f.id = given.id
     RETURNING f.id, f.name, f.size, f.content_type, f.width, f.height, f.position`,
    [messageId, fileIds],
  );
  return rows.sort((a, b) => a.position - b.position).map(toAttachment);
}

async function appendIn(tx: Tx, m: NewMessage): Promise<AppendResult> {
  // Every check of a send in one round trip (sends are the hot path); the membership is
  // locked as in memberName.
  const { rows: checks } = await tx.query<{
    existing_id: string | null;
    author_name: string | null;
    room_exists: boolean;
  }>(
    `SELECT (SELECT id FROM messages WHERE author_id = $2 AND client_message_id = $3) AS existing_id,
            (SELECT u.username FROM memberships ms JOIN users u ON u.id = ms.user_id
              WHERE ms.room_id = $1 AND ms.user_id = $2 FOR KEY SHARE OF ms) AS author_name,
            EXISTS (SELECT 1 FROM rooms WHERE id = $1) AS room_exists`,
    [m.roomId, m.authorId, m.clientMessageId],
  );
  const { existing_id: existingId, author_name: authorName, room_exists: roomExists } = checks[0]!;
  if (existingId !== null) return { status: 'duplicate', message: (await viewOne(tx, existingId))! };
  if (!roomExists) return { status: 'room_not_found' };
  if (authorName === null) return { status: 'not_member' };
  let replyTo: ReplyRef | null = null;
  if (m.replyToId !== undefined) {
    const { rows } = await tx.query<{
      room_id: string;
      seq: number;
      author_id: string;
      author_name: string;
      text: Buffer;
      deleted_at: number | null;
    }>(
      `SELECT m.room_id, m.seq, m.author_id, u.username AS author_name, m.text, m.deleted_at
       FROM messages m JOIN users u ON u.id = m.author_id WHERE m.id = $1 FOR SHARE OF m`,
      [m.replyToId],
    );
    const target = rows[0];
    if (!target || target.room_id !== m.roomId) return { status: 'invalid_reply' };
    if (target.deleted_at !== null) return { status: 'reply_deleted' };
    replyTo = {
      id: m.replyToId,
      seq: target.seq,
      authorId: target.author_id,
      authorName: target.author_name,
      excerpt: excerptOf(target.text.toString('utf8')),
      deleted: false,
    };
  }
  // B4: every attachment checked (and locked) before anything is written.
  const fileIds = m.attachmentIds ?? [];
  if (!(await pendingFilesUsable(tx, m, fileIds))) return { status: 'invalid_attachment' };
  const { rows: inserted } = await tx.query<{ seq: number }>(INSERT_MESSAGE, [
    m.id,
    m.roomId,
    m.authorId,
    m.clientMessageId,
    textBytes(m.text),
    m.createdAt,
    m.replyToId ?? null,
  ]);
  const seq = inserted[0]!.seq;
  const attachments = await linkFiles(tx, m.id, fileIds);
  const mentions = await recordMentions(tx, m.id, m.roomId, m.mentionKeys);
  // Built from what was sent: no read-back of the row.
  const message: Message = {
    id: m.id,
    roomId: m.roomId,
    seq,
    authorId: m.authorId,
    authorName,
    clientMessageId: m.clientMessageId,
    text: m.text,
    createdAt: m.createdAt,
  };
  if (replyTo) message.replyTo = replyTo;
  if (mentions.length > 0) message.mentions = mentions;
  if (attachments.length > 0) message.attachments = attachments;
  return { status: 'created', message };
}

async function changeIn(tx: Tx, c: MessageChange): Promise<ChangeResult> {
  const { rows } = await tx.query<{
    room_id: string;
    author_id: string;
    text: Buffer;
    deleted_at: number | null;
    kind: string;
    owner_id: string | null;
  }>(
    `SELECT m.room_id, m.author_id, m.text, m.deleted_at, r.kind, r.owner_id
     FROM messages m JOIN rooms r ON r.id = m.room_id WHERE m.id = $1 FOR NO KEY UPDATE OF m`,
    [c.messageId],
  );
  const meta = rows[0];
  // E7: unknown and foreign messages look the same.
  if (!meta || (await memberName(tx, meta.room_id, c.actorId)) === null) return { status: 'not_visible' };
  const current = async () => ({ status: 'unchanged' as const, message: (await viewOne(tx, c.messageId))! });
  const logChange = async (kind: ChangeKind) => {
    const logged = await tx.query<{ seq: number }>(LOG_CHANGE, [meta.room_id, kind, c.messageId, c.actorId, c.at]);
    return logged.rows[0]!.seq;
  };
  let kind: ChangeKind;
  let seq: number;
  let removedFileIds: string[] = [];
  switch (c.kind) {
    case 'edit': {
      if (meta.author_id !== c.actorId) return { status: 'forbidden' };
      if (meta.deleted_at !== null) return { status: 'deleted' };
      if (meta.text.toString('utf8') === c.text) return current();
      kind = 'message:edited';
      seq = await logChange(kind);
      await tx.query('UPDATE messages SET text = $1, edited_at = $2, version = $3 WHERE id = $4', [
        textBytes(c.text),
        c.at,
        seq,
        c.messageId,
      ]);
      await tx.query('DELETE FROM mentions WHERE message_id = $1', [c.messageId]);
      await recordMentions(tx, c.messageId, meta.room_id, c.mentionKeys);
      break;
    }
    case 'delete': {
      const moderates = meta.kind !== 'dm' && meta.owner_id === c.actorId;
      if (meta.author_id !== c.actorId && !moderates) return { status: 'forbidden' };
      if (meta.deleted_at !== null) return current();
      kind = 'message:deleted';
      seq = await logChange(kind);
      // E2: the words go; the tombstone keeps the message's place. (The old row version
      // stays on disk until vacuum reclaims it; no query can read it.)
      await tx.query("UPDATE messages SET text = ''::bytea, deleted_at = $1, version = $2 WHERE id = $3", [
        c.at,
        seq,
        c.messageId,
      ]);
      await tx.query('DELETE FROM reactions WHERE message_id = $1', [c.messageId]);
      await tx.query('DELETE FROM mentions WHERE message_id = $1', [c.messageId]);
      // B7: its files go with it, their chunks by the cascade, in this transaction.
      const gone = await tx.query<{ id: string }>('DELETE FROM files WHERE message_id = $1 RETURNING id', [
        c.messageId,
      ]);
      removedFileIds = gone.rows.map((f) => f.id).sort();
      break;
    }
    case 'react': {
      if (meta.deleted_at !== null) return { status: 'deleted' };
      const { rowCount } = c.on
        ? await tx.query(
            'INSERT INTO reactions (message_id, user_id, emoji, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
            [c.messageId, c.actorId, c.emoji, c.at],
          )
        : await tx.query('DELETE FROM reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3', [
            c.messageId,
            c.actorId,
            c.emoji,
          ]);
      if (rowCount === 0) return current();
      kind = c.on ? 'reaction:added' : 'reaction:removed';
      seq = await logChange(kind);
      await tx.query('UPDATE messages SET version = $1 WHERE id = $2', [seq, c.messageId]);
      break;
    }
  }
  return {
    status: 'changed',
    change: { seq, kind, messageId: c.messageId },
    message: (await viewOne(tx, c.messageId))!,
    ...(removedFileIds.length > 0 ? { removedFileIds } : {}),
  };
}

export function postgresWrites(pool: Pool): PostgresWrites {
  const tx = <T>(work: (tx: Tx) => Promise<T>) => inTransaction(pool, work);

  return {
    async createUser(user, roomIds) {
      try {
        await tx(async (t) => {
          await t.query(
            'INSERT INTO users (id, username, username_key, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)',
            [user.id, user.username, caseKey(user.username), user.passwordHash, user.createdAt],
          );
          for (const roomId of roomIds) await t.query(ADD_MEMBER, [roomId, user.id, user.createdAt]);
        });
        return 'created';
      } catch (error) {
        if (violatedUnique(error) !== undefined) return 'username_taken';
        throw error;
      }
    },

    async createRoom(room, creatorId) {
      try {
        await tx(async (t) => {
          await t.query(INSERT_ROOM, [
            room.id,
            room.kind,
            room.name,
            room.name === null ? null : caseKey(room.name),
            null,
            room.ownerId,
            room.lastSeq,
            room.createdAt,
          ]);
          if (creatorId) await t.query(ADD_MEMBER, [room.id, creatorId, room.createdAt]);
        });
        return 'created';
      } catch (error) {
        if (violatedUnique(error) !== undefined) return 'name_taken';
        throw error;
      }
    },

    addMember: (roomId, userId, joinedAt) =>
      tx(async (t) => {
        await t.query('DELETE FROM invitations WHERE room_id = $1 AND user_id = $2', [roomId, userId]);
        return (await t.query(ADD_MEMBER, [roomId, userId, joinedAt])).rowCount > 0;
      }),

    removeMember: (roomId, userId) =>
      tx(async (t) => {
        await t.query('DELETE FROM invitations WHERE room_id = $1 AND user_id = $2', [roomId, userId]);
        // In user id order, as SQLite deletes them along its primary key.
        const withdrawn = await t.query<{ user_id: string }>(
          `WITH gone AS (DELETE FROM invitations WHERE room_id = $1 AND invited_by = $2 RETURNING user_id)
           SELECT user_id FROM gone ORDER BY user_id COLLATE "C"`,
          [roomId, userId],
        );
        const removed = await t.query('DELETE FROM memberships WHERE room_id = $1 AND user_id = $2', [roomId, userId]);
        return { wasMember: removed.rowCount > 0, withdrawnInvitees: withdrawn.rows.map((r) => r.user_id) };
      }),

    openDm: (room, userA, userB) =>
      tx(async (t) => {
        const key = dmKey(userA, userB);
        const existing = () => t.query<RoomRow>('SELECT * FROM rooms WHERE dm_key = $1', [key]);
        const found = (await existing()).rows[0];
        if (found) return { room: toRoom(found), created: false };
        // Both people may open it at once, from two nodes: the loser's insert waits for the
        // winner's commit, then does nothing, and the next statement sees the winner's room.
        const inserted = await t.query(`${INSERT_ROOM} ON CONFLICT (dm_key) DO NOTHING`, [
          room.id,
          'dm',
          null,
          null,
          key,
          null,
          0,
          room.createdAt,
        ]);
        if (inserted.rowCount === 0) return { room: toRoom((await existing()).rows[0]!), created: false };
        await t.query(ADD_MEMBER, [room.id, userA, room.createdAt]);
        await t.query(ADD_MEMBER, [room.id, userB, room.createdAt]);
        return { room: { ...room, kind: 'dm' as const, name: null, ownerId: null, lastSeq: 0 }, created: true };
      }),

    createGroup: (room, memberIds) =>
      tx(async (t) => {
        // FOR KEY SHARE: an account deleted meanwhile waits for this, or is seen deleted.
        const live = await t.query(
          'SELECT 1 FROM users WHERE id = ANY($1::text[]) AND deleted_at IS NULL FOR KEY SHARE',
          [memberIds],
        );
        if (live.rowCount !== new Set(memberIds).size) return 'unknown_user' as const;
        await t.query(INSERT_ROOM, [room.id, 'group', null, null, null, null, 0, room.createdAt]);
        for (const id of memberIds) await t.query(ADD_MEMBER, [room.id, id, room.createdAt]);
        return 'created' as const;
      }),

    addToGroup: (roomId, actorId, userIds, max, at) =>
      tx(async (t): Promise<GroupAddResult> => {
        // The room row's lock orders the adds to one group across nodes, so the count
        // below holds until this commits: two adds cannot pass the cap together.
        const room = (await t.query<{ kind: string }>('SELECT kind FROM rooms WHERE id = $1 FOR UPDATE', [roomId]))
          .rows[0];
        const isMember = async (userId: string) =>
          (await t.query('SELECT 1 FROM memberships WHERE room_id = $1 AND user_id = $2', [roomId, userId])).rowCount >
          0;
        if (!room || !(await isMember(actorId))) return { status: 'not_member' };
        if (room.kind !== 'group') return { status: 'not_group' };
        const live = await t.query(
          'SELECT 1 FROM users WHERE id = ANY($1::text[]) AND deleted_at IS NULL FOR KEY SHARE',
          [userIds],
        );
        if (live.rowCount !== new Set(userIds).size) return { status: 'unknown_user' };
        const members = await t.query<{ user_id: string }>('SELECT user_id FROM memberships WHERE room_id = $1', [
          roomId,
        ]);
        const ids = new Set(members.rows.map((r) => r.user_id));
        if (userIds.some((id) => ids.has(id))) return { status: 'already_member' };
        if (ids.size + userIds.length > max) return { status: 'full' };
        for (const id of userIds) await t.query(ADD_MEMBER, [roomId, id, at]);
        return { status: 'added' };
      }),

    async append(m) {
      try {
        return await tx((t) => appendIn(t, m));
      } catch (error) {
        if (violatedUnique(error) !== 'messages_author_client_id') throw error;
      }
      // M3: the same send committed first on another connection or node. This one rolled
      // back whole, its seq with it; the original is committed, so a new read sees it.
      const original = await viewByClientMessageId(asTx(pool), m.authorId, m.clientMessageId);
      if (!original) throw new Error('append: a duplicate clientMessageId without its original');
      return { status: 'duplicate', message: original };
    },

    appendBatch: (batch) =>
      tx(async (t) => {
        // Locks in one order on every node, so two nodes' batches cannot wait on each
        // other: the messages answered first (as a lone send takes its reply's lock before
        // its room's), then the rooms, by id; each room's sends keep their order.
        const replies = [...new Set(batch.flatMap((m) => (m.replyToId === undefined ? [] : [m.replyToId])))];
        if (replies.length > 0)
          await t.query('SELECT 1 FROM messages WHERE id = ANY($1::text[]) ORDER BY id COLLATE "C" FOR SHARE', [
            replies,
          ]);
        const order = batch
          .map((m, i) => ({ m, i }))
          .sort((a, b) => (a.m.roomId < b.m.roomId ? -1 : a.m.roomId > b.m.roomId ? 1 : a.i - b.i));
        const results: AppendResult[] = new Array(batch.length);
        for (const { m, i } of order) results[i] = await appendIn(t, m);
        return results;
      }),

    change: (c) => tx((t) => changeIn(t, c)),

    markRead: (userId, roomId, seq) =>
      tx(async (t) => {
        const { rows } = await t.query<{ last_seq: number }>(
          `SELECT r.last_seq FROM memberships ms JOIN rooms r ON r.id = ms.room_id
           WHERE ms.room_id = $1 AND ms.user_id = $2`,
          [roomId, userId],
        );
        const membership = rows[0];
        if (!membership) return 'not_member' as const;
        if (seq > membership.last_seq) return 'beyond' as const;
        await t.query(
          'UPDATE memberships SET last_read_seq = $1 WHERE room_id = $2 AND user_id = $3 AND last_read_seq < $1',
          [seq, roomId, userId],
        );
        return (await readState(t, userId, roomId))!;
      }),

    changePassword: (userId, passwordHash, keepSessionKey) =>
      tx(async (t) => {
        const updated = await t.query('UPDATE users SET password_hash = $1 WHERE id = $2 AND deleted_at IS NULL', [
          passwordHash,
          userId,
        ]);
        return updated.rowCount === 0 ? null : endSessionsOf(t, userId, keepSessionKey);
      }),

    deleteSessionsOf: (userId) => tx((t) => endSessionsOf(t, userId, null)),

    deleteUser: (userId, at) => tx((t) => deleteUserIn(t, userId, at)),
  };
}

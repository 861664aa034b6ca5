import { Pool, types, type CustomTypesConfig } from 'pg';
import { caseKey } from '../keys.js';
import {
  toRoom,
  toRoomView,
  toSession,
  toUser,
  type RoomRow,
  type RoomViewRow,
  type SessionRow,
  type UserRow,
} from '../rows.js';
import type {
  InvitationRecord,
  ReceivedInvitationRecord,
  MessageStore,
  ReadStateStore,
  RoomStore,
  SessionStore,
  Storage,
  UserStore,
} from '../storage.js';
import { batchingAppender } from './postgres.batch.js';
import { migratePostgres } from './postgres.migrations.js';
import { ROOMS_FOR_USER, ROOM_VIEW_FOR_USER, readState } from './postgres.reads.js';
import { asTx, inTransaction } from './postgres.transactions.js';
import { postgresFiles } from './postgres.files.js';
import { changesBetween, historyPage, lastSeqOf, viewOne, viewsByIds } from './postgres.views.js';
import { postgresWrites } from './postgres.writes.js';
import { searchMessages } from './postgres.search.js';

/*
 * The Storage interface on PostgreSQL, for several nodes sharing one database (DESIGN §6).
 * Same contract suite as SQLite. Differences that come from having several writers:
 * - no newest-page cache: SQLite's is kept current by the writes of its own process, and
 *   here other nodes write too, so a process-local cache would serve stale pages;
 * - no group commit: every write is its own transaction on a pooled connection, and
 *   concurrency comes from the pool (per-room order from the room row's lock). Measured on
 *   2 cores, one send per transaction gives ~1,000–1,500 sends/s into one room and
 *   ~2,000–3,000/s across rooms. Sharing transactions between sends would spare commits
 *   but hold each room's lock longer and lock several rooms per transaction, in an order
 *   that differs between nodes (deadlocks): not done until a load needs it;
 * - commits are durable when acked: synchronous_commit is asked for on every connection.
 */

export type PostgresOptions = {
  /** A postgres:// or postgresql:// URL (user, password, host, port, database, sslmode…). */
  url: string;
  /** Connections this process keeps at most. Nodes × poolMax must stay below the server's max_connections. */
  poolMax: number;
  /** How long a query waits for a connection (pool exhausted, server unreachable) before failing. */
  connectionTimeoutMs?: number;
  /** An idle connection is closed after this long. */
  idleTimeoutMs?: number;
  /**
   * Tables in this schema (created if missing) rather than the connection's search_path,
   * e.g. for several stores in one database. Lower-case letters, digits and underscores.
   */
  schema?: string;
  /** Errors of idle pooled connections (server restart, network cut): reported here, never thrown. */
  onPoolError?: (error: Error) => void;
  /**
   * Group commit of sends (postgres.batch.ts): send transactions committing at once before
   * later sends are grouped (default: half the pool, at least 1), and sends per group (64).
   */
  sendBatching?: {
    maxInFlight?: number;
    maxBatch?: number;
    /** Every committed transaction of sends: how many, and how long it took (ms). */
    onCommitted?(size: number, durationMs: number): void;
  };
};

/** Sends committed together at most (group commit). */
const SEND_BATCH_MAX = 64;
/** pg's default is to wait for a connection forever. */
const CONNECTION_TIMEOUT_MS = 10_000;
const IDLE_TIMEOUT_MS = 30_000;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const INT8_OID = 20;

/**
 * BIGINT (times in ms, seqs, counts) as JS numbers rather than pg's strings: every such
 * value stays far below 2^53. Scoped to this pool, not pg's global parsers.
 */
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
} satisfies CustomTypesConfig;

/** Opens the pool and applies pending migrations before resolving. */
export async function openPostgresStorage(options: PostgresOptions): Promise<Storage> {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new Error(`PostgreSQL schema "${options.schema}": use lower-case letters, digits and underscores`);
  }
  const startup = ['-c synchronous_commit=on', ...(options.schema ? [`-c search_path=${options.schema}`] : [])];
  const pool = new Pool({
    connectionString: options.url,
    max: options.poolMax,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? CONNECTION_TIMEOUT_MS,
    idleTimeoutMillis: options.idleTimeoutMs ?? IDLE_TIMEOUT_MS,
    application_name: 'parley',
    options: startup.join(' '),
    types: typeParsers,
  });
  // Without a listener, an idle connection's error (the server restarting) would crash
  // the process; the pool drops that connection and opens a new one when needed.
  pool.on('error', (error) => options.onPoolError?.(error));
  try {
    await migratePostgres(pool, options.schema ?? null);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return postgresStorage(pool, options);
}

function postgresStorage(pool: Pool, options: PostgresOptions): Storage {
  const db = asTx(pool);
  const writes = postgresWrites(pool);
  const rowsOf = async <R extends object>(text: string, values: readonly unknown[]) =>
    (await db.query<R>(text, values)).rows;

  const users: UserStore = {
    create: (user, autoJoinRoomIds) => writes.createUser(user, autoJoinRoomIds),
    async findByUsername(username) {
      const [row] = await rowsOf<UserRow>('SELECT * FROM users WHERE username_key = $1 AND deleted_at IS NULL', [
        caseKey(username),
      ]);
      return row ? toUser(row) : null;
    },
    async findById(id) {
      const [row] = await rowsOf<UserRow>('SELECT * FROM users WHERE id = $1 AND deleted_at IS NULL', [id]);
      return row ? toUser(row) : null;
    },
    changePassword: (userId, passwordHash, keepSessionKey) =>
      writes.changePassword(userId, passwordHash, keepSessionKey),
    delete: (userId, at) => writes.deleteUser(userId, at),
    async presenceOf(userIds) {
      if (userIds.length === 0) return [];
      const rows = await rowsOf<{ id: string; last_seen_at: number | null; appear_offline: boolean }>(
        'SELECT id, last_seen_at, appear_offline FROM users WHERE id = ANY($1::text[])',
        [userIds],
      );
      return rows.map((r) => ({ userId: r.id, lastSeenAt: r.last_seen_at, appearOffline: r.appear_offline }));
    },
    async setLastSeen(userId, at) {
      await db.query('UPDATE users SET last_seen_at = $1 WHERE id = $2 AND NOT appear_offline', [at, userId]);
    },
    async setAppearOffline(userId, appearOffline, at) {
      const result = appearOffline
        ? await db.query('UPDATE users SET appear_offline = true, last_seen_at = $1 WHERE id = $2', [at, userId])
        : await db.query('UPDATE users SET appear_offline = false WHERE id = $1', [userId]);
      return result.rowCount > 0;
    },
  };

  const sessions: SessionStore = {
    async create(s) {
      await db.query(
        'INSERT INTO sessions (key, user_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
        [s.key, s.userId, s.createdAt, s.lastSeenAt, s.expiresAt],
      );
    },
    async find(key) {
      const [row] = await rowsOf<SessionRow>('SELECT * FROM sessions WHERE key = $1', [key]);
      return row ? toSession(row) : null;
    },
    async touch(key, lastSeenAt) {
      // Never backwards: two nodes may touch one session out of order.
      await db.query('UPDATE sessions SET last_seen_at = $1 WHERE key = $2 AND last_seen_at < $1', [lastSeenAt, key]);
    },
    async delete(key) {
      return (await db.query('DELETE FROM sessions WHERE key = $1', [key])).rowCount > 0;
    },
    async deleteExpired(now, idleCutoff) {
      return (await db.query('DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2', [now, idleCutoff]))
        .rowCount;
    },
    deleteForUser: (userId) => writes.deleteSessionsOf(userId),
  };

  const rooms: RoomStore = {
    create: (room, creatorId) => writes.createRoom(room, creatorId),
    async findById(id) {
      const [row] = await rowsOf<RoomRow>('SELECT * FROM rooms WHERE id = $1', [id]);
      return row ? toRoom(row) : null;
    },
    async findByName(name) {
      const [row] = await rowsOf<RoomRow>('SELECT * FROM rooms WHERE name_key = $1', [caseKey(name)]);
      return row ? toRoom(row) : null;
    },
    async listPublicNotJoined(userId) {
      const rows = await rowsOf<RoomRow>(
        `SELECT r.* FROM rooms r WHERE r.kind = 'public'
           AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.room_id = r.id AND m.user_id = $1)
         ORDER BY r.name_key`,
        [userId],
      );
      return rows.map(toRoom);
    },
    async listForUser(userId) {
      return (await rowsOf<RoomViewRow>(ROOMS_FOR_USER, [userId])).map(toRoomView);
    },
    async viewForUser(roomId, userId) {
      const [row] = await rowsOf<RoomViewRow>(ROOM_VIEW_FOR_USER, [userId, roomId]);
      return row ? toRoomView(row) : null;
    },
    async roomIdsForUser(userId) {
      const rows = await rowsOf<{ room_id: string }>(
        'SELECT room_id FROM memberships WHERE user_id = $1 ORDER BY ord',
        [userId],
      );
      return rows.map((r) => r.room_id);
    },
    async cursorsForUser(userId) {
      const rows = await rowsOf<{ room_id: string; last_seq: number }>(
        'SELECT m.room_id, r.last_seq FROM memberships m JOIN rooms r ON r.id = m.room_id WHERE m.user_id = $1 ORDER BY m.ord',
        [userId],
      );
      return rows.map((r) => ({ roomId: r.room_id, lastSeq: r.last_seq }));
    },
    addMember: (roomId, userId, joinedAt) => writes.addMember(roomId, userId, joinedAt),
    removeMember: (roomId, userId) => writes.removeMember(roomId, userId),
    async invite(roomId, userId, invitedBy, at) {
      const { rowCount } = await db.query(
        'INSERT INTO invitations (room_id, user_id, invited_by, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
        [roomId, userId, invitedBy, at],
      );
      return rowCount > 0 ? 'created' : 'exists';
    },
    async isInvited(roomId, userId) {
      return (
        (await db.query('SELECT 1 FROM invitations WHERE room_id = $1 AND user_id = $2', [roomId, userId])).rowCount > 0
      );
    },
    async listInvitedRooms(userId) {
      const rows = await rowsOf<RoomRow>(
        `SELECT r.* FROM invitations i JOIN rooms r ON r.id = i.room_id WHERE i.user_id = $1
           AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.room_id = r.id AND m.user_id = i.user_id)
         ORDER BY r.name_key`,
        [userId],
      );
      return rows.map(toRoom);
    },
    async listInvitationsForUser(userId): Promise<ReceivedInvitationRecord[]> {
      const rows = await rowsOf<RoomRow & { by_id: string | null; by_username: string | null; invited_at: number }>(
        `SELECT r.*, b.id AS by_id, b.username AS by_username, i.created_at AS invited_at
         FROM invitations i JOIN rooms r ON r.id = i.room_id LEFT JOIN users b ON b.id = i.invited_by
         WHERE i.user_id = $1
           AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.room_id = r.id AND m.user_id = i.user_id)
         ORDER BY i.created_at, r.name_key`,
        [userId],
      );
      return rows.map((r) => ({
        room: toRoom(r),
        invitedBy: r.by_id && r.by_username ? { id: r.by_id, username: r.by_username } : null,
        createdAt: r.invited_at,
      }));
    },
    async listInvitations(roomId): Promise<InvitationRecord[]> {
      const rows = await rowsOf<{
        user_id: string;
        username: string;
        by_id: string | null;
        by_username: string | null;
        created_at: number;
      }>(
        `SELECT i.user_id, u.username, b.id AS by_id, b.username AS by_username, i.created_at
         FROM invitations i JOIN users u ON u.id = i.user_id LEFT JOIN users b ON b.id = i.invited_by
         WHERE i.room_id = $1 ORDER BY i.created_at, u.username_key`,
        [roomId],
      );
      return rows.map((r) => ({
        roomId,
        userId: r.user_id,
        username: r.username,
        invitedBy: r.by_id && r.by_username ? { id: r.by_id, username: r.by_username } : null,
        createdAt: r.created_at,
      }));
    },
    async withdrawInvitation(roomId, userId) {
      return (
        (await db.query('DELETE FROM invitations WHERE room_id = $1 AND user_id = $2', [roomId, userId])).rowCount > 0
      );
    },
    async isMember(roomId, userId) {
      return (
        (await db.query('SELECT 1 FROM memberships WHERE room_id = $1 AND user_id = $2', [roomId, userId])).rowCount > 0
      );
    },
    async listMembers(roomId) {
      // One statement: "no such room" and the member list from one snapshot.
      const rows = await rowsOf<{ user_id: string | null; username: string | null }>(
        `SELECT m.user_id, u.username FROM rooms r
         LEFT JOIN memberships m ON m.room_id = r.id LEFT JOIN users u ON u.id = m.user_id
         WHERE r.id = $1 ORDER BY u.username_key`,
        [roomId],
      );
      if (rows.length === 0) return null;
      return rows.flatMap((r) => (r.user_id && r.username ? [{ userId: r.user_id, username: r.username }] : []));
    },
    openDm: (room, userA, userB) => writes.openDm(room, userA, userB),
    createGroup: (room, memberIds) => writes.createGroup(room, memberIds),
    addToGroup: (roomId, actorId, userIds, maxMembers, at) =>
      writes.addToGroup(roomId, actorId, userIds, maxMembers, at),
    async listPeopleOf(userId, limit, prefix = '') {
      const rows = await rowsOf<{ user_id: string; username: string }>(
        `SELECT u.id AS user_id, u.username FROM users u
         WHERE u.deleted_at IS NULL AND u.id <> $1 AND starts_with(u.username_key, $3)
           AND EXISTS (SELECT 1 FROM memberships mine JOIN memberships theirs ON theirs.room_id = mine.room_id
                       WHERE mine.user_id = $1 AND theirs.user_id = u.id)
         ORDER BY u.username_key COLLATE "C" LIMIT $2`,
        [userId, limit, caseKey(prefix)],
      );
      return rows.map((r) => ({ userId: r.user_id, username: r.username }));
    },
  };

  const messages: MessageStore = {
    append: batchingAppender({
      maxInFlight: options.sendBatching?.maxInFlight ?? Math.max(1, Math.floor(options.poolMax / 2)),
      maxBatch: options.sendBatching?.maxBatch ?? SEND_BATCH_MAX,
      single: (m) => writes.append(m),
      batch: (ms) => writes.appendBatch(ms),
      ...(options.sendBatching?.onCommitted ? { onCommitted: options.sendBatching.onCommitted } : {}),
    }),
    change: (c) => writes.change(c),
    find: (messageId) => viewOne(db, messageId),
    history: (roomId, { before, limit }) => historyPage(db, roomId, before ?? Number.MAX_SAFE_INTEGER, limit),
    // The seq, the changes up to it and the views they name, from one snapshot (S2, S7).
    changesSince: (roomId, afterSeq, limit) =>
      inTransaction(
        pool,
        async (tx) => {
          const lastSeq = await lastSeqOf(tx, roomId);
          const changes = await changesBetween(tx, roomId, afterSeq, Math.min(lastSeq, afterSeq + limit));
          const views = await viewsByIds(tx, [...new Set(changes.map((c) => c.messageId))]);
          return { changes, messages: views, lastSeq };
        },
        'snapshot',
      ),
    search: (userId, query, options) => searchMessages(db, userId, query, options),
  };

  const reads: ReadStateStore = {
    mark: (userId, roomId, seq) => writes.markRead(userId, roomId, seq),
    get: (userId, roomId) => readState(db, userId, roomId),
    async setNotify(userId, roomId, level) {
      return (
        (
          await db.query('UPDATE memberships SET notify = $1 WHERE room_id = $2 AND user_id = $3', [
            level,
            roomId,
            userId,
          ])
        ).rowCount > 0
      );
    },
  };

  let closed: Promise<void> | null = null;
  return {
    users,
    sessions,
    rooms,
    messages,
    reads,
    files: postgresFiles(pool),
    // S8: PostgreSQL runs apart and says so itself (its own monitoring, its own disk); a
    // full disk there fails the write, which the transport answers as `internal`.
    state: () => 'ok',
    close() {
      // Queries already sent finish; their connections close as they come back.
      closed ??= pool.end();
      return closed;
    },
  };
}

import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { HISTORY_PAGE_DEFAULT } from '@parley/shared-types';
import { caseKey } from '../keys.js';
import { NewestPages } from '../newest-pages.js';
import type { Message, RoomChange } from '@parley/shared-types';
import type {
  FileRecord,
  FileStore,
  InvitationRecord,
  ReceivedInvitationRecord,
  MemberRecord,
  MessageStore,
  ReadStateStore,
  RoomStore,
  SessionStore,
  Storage,
  UserStore,
} from '../storage.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { MEMBER_NAMES_COLUMN, UNREAD_COLUMNS, prepareReadStates } from './sqlite.reads.js';
import {
  FILE_COLUMNS,
  toFileRecord,
  type FileRow,
  toRoom,
  toRoomView,
  toSession,
  toUser,
  type RoomRow,
  type RoomViewRow,
  type SessionRow,
  type UserRow,
} from '../rows.js';
import { prepareViews } from './sqlite.views.js';
import { prepareSearch } from './sqlite.search.js';
import type { FromWriter, ToWriter, WriterData } from './sqlite.writer.js';
import { prepareWrites, type WriteRequest } from './sqlite.writes.js';
import { WriteQueue, type BatchRunner } from './write-queue.js';
import { StorageRefusedError } from '../storage.js';
import { watchDisk, type DiskWatch } from '../disk.watch.js';
import { DiskBlobs } from '../disk.blobs.js';
import { lockDataDir, type DataDirLock } from './data-dir.lock.js';
import { checkDatabaseFile, stampDatabase } from './sqlite.identity.js';
import { boundWal, LARGE_BATCH, withWalUpkeep } from './sqlite.wal.js';
import { isCorruption, isSpaceFailure, WriteGuard, type StateChange } from './write.guard.js';

export type SqliteOptions = {
  /** A file path, or ':memory:' for a throwaway database. */
  filename: string;
  /** FULL fsyncs every commit, so an acked write survives power loss. */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * Group commit: writes that arrive while a commit is running share the next
   * transaction, hence one fsync. On by default; off only to measure what it saves.
   */
  groupCommit?: boolean;
  /**
   * The built writer thread (sqlite.writer.js). Given, every write runs on that thread
   * and the event loop never waits for a commit; absent, writes run on this thread at
   * the end of the event-loop turn. A ':memory:' database cannot be shared between
   * connections, so it always writes on this thread.
   */
  writerThread?: URL;
  /** Called once if the writer thread dies; every later write fails. */
  onWriterFailure?: (error: Error) => void;
  /**
   * Under concurrent load, commits start at most this often so each carries more writes
   * (the server uses SQLITE_COMMIT_INTERVAL_MS, 5 by default: bench/RESULTS.md). 0, the
   * default here, commits as soon as the previous commit returned.
   */
  minCommitIntervalMs?: number;
  /** Bound on the text of cached newest pages (UTF-16 code units; 0 turns the cache off). */
  newestPagesMaxChars?: number;
  /**
   * S9: a lock file held for the store's life, so no second server opens this data
   * directory (the server passes DATA_DIR/parley.lock). Absent: no lock (tests, tools).
   */
  lockFile?: string;
  /** S9: `PRAGMA quick_check` an existing file before opening it (default true). */
  quickCheck?: boolean;
  /**
   * S8: free bytes the file system must keep; below that, writes are refused until space
   * returns. 0 (the default here) turns the floor off; failed writes still count.
   */
  minFreeBytes?: number;
  /** S8: the store's state changed (once on entering a state, once on leaving it). */
  onStateChange?: (change: StateChange) => void;
  /** Told the number of writes and the duration of every committed group (metrics). */
  onCommit?: CommitObserver;
  /**
   * B1: where file bytes live; default `files/` beside the database file (DATA_DIR/files),
   * or a temporary folder, removed at close, for ':memory:'.
   */
  filesDir?: string;
};

/** Writes in one transaction, and how long it took where it ran (ms). */
export type CommitObserver = (writes: number, durationMs: number) => void;

/** One default page plus the row that tells whether an older one exists. */
const NEWEST_PAGE_ROWS = HISTORY_PAGE_DEFAULT + 1;

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
    // The pragma is a no-op inside a transaction, so it is set around it.
    if (migration.foreignKeysOff) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        if (migration.foreignKeysOff) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length > 0) {
            throw new Error(`migration ${migration.version} would break ${broken.length} foreign keys`);
          }
        }
        record.run(migration.version, migration.name, Date.now());
      }).immediate();
    } finally {
      if (migration.foreignKeysOff) db.pragma('foreign_keys = ON');
    }
  }
}

/** Views of a user's rooms with, for DMs, the other member; with the user's read state and notification level. */
const ROOM_VIEW_SELECT = `
  SELECT r.id, r.kind, r.name, r.owner_id, r.last_seq, r.created_at,
         pu.id AS peer_id, pu.username AS peer_username, ${MEMBER_NAMES_COLUMN},
         ms.last_read_seq, ms.notify, ${UNREAD_COLUMNS}
  FROM memberships ms
  JOIN rooms r ON r.id = ms.room_id
  LEFT JOIN memberships pm ON r.kind = 'dm' AND pm.room_id = r.id AND pm.user_id <> ms.user_id
  LEFT JOIN users pu ON pu.id = pm.user_id
  WHERE ms.user_id = ?`;

type Writes = { runner: BatchRunner; close(): Promise<void> };

/** Writes on this thread's connection, committed at the end of the event-loop turn. */
function writesOnThisThread(db: Database.Database, onCommit: CommitObserver | undefined): Writes {
  const writer = withWalUpkeep(db, prepareWrites(db).runBatch);
  return {
    runner: async (batch) => {
      const started = performance.now();
      const outcomes = writer.runBatch(batch);
      onCommit?.(batch.length, performance.now() - started);
      return outcomes;
    },
    close: async () => writer.stop(),
  };
}

/** Writes on a worker thread with its own connection; one batch in flight at a time. */
function writesOnWorker(
  url: URL,
  data: WriterData,
  onFailure: ((error: Error) => void) | undefined,
  onCommit: CommitObserver | undefined,
): Writes {
  const worker = new Worker(url, { workerData: data });
  // Held open only while a batch is in flight, so an idle store never keeps a process alive.
  worker.unref();
  let nextId = 0;
  let waiting: { id: number; resolve: (m: FromWriter) => void; reject: (e: Error) => void } | null = null;
  let failure: Error | null = null;
  let closing = false;
  const fail = (error: Error) => {
    if (failure) return;
    failure = error;
    waiting?.reject(error);
    waiting = null;
    onFailure?.(error);
  };
  worker.on('message', (message: FromWriter) => {
    if (waiting?.id !== message.id) return;
    const { resolve } = waiting;
    waiting = null;
    worker.unref();
    resolve(message);
  });
  worker.on('error', (error) => fail(error));
  worker.on('exit', (code) => {
    if (!closing) fail(new Error(`the SQLite writer thread exited (code ${code})`));
  });
  const post = (message: ToWriter) => worker.postMessage(message);
  return {
    runner: (batch: WriteRequest[]) =>
      new Promise((resolve, reject) => {
        if (failure) return reject(failure);
        const id = ++nextId;
        waiting = {
          id,
          resolve: (m) => {
            resolve(m.outcomes);
            // Timed on the writer thread: the figure is the commit's, not the thread hop's.
            onCommit?.(m.outcomes.length, m.commitMs);
          },
          reject,
        };
        worker.ref();
        post({ type: 'batch', id, batch });
      }),
    async close() {
      if (failure) return;
      closing = true;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.ref();
      post({ type: 'close' });
      await exited;
      failure = new Error('the store is closed');
    },
  };
}

/** S9: the lock, then the file's checks, then the connection: a refused file is never written. */
function openChecked(
  options: SqliteOptions,
  synchronous: 'FULL' | 'NORMAL',
): { db: Database.Database; lock: DataDirLock | null } {
  const inMemory = options.filename === ':memory:';
  if (!inMemory) mkdirSync(dirname(options.filename), { recursive: true });
  const lock = options.lockFile ? lockDataDir(options.lockFile, dirname(options.filename)) : null;
  let db: Database.Database | null = null;
  try {
    if (!inMemory) checkDatabaseFile(options.filename, { quickCheck: options.quickCheck ?? true });
    db = new Database(options.filename);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // E2: what a deletion frees is overwritten with zeros, so deleted text does not linger in the file.
    db.pragma('secure_delete = ON');
    boundWal(db);
    migrate(db);
    stampDatabase(db);
    return { db, lock };
  } catch (error) {
    db?.close();
    lock?.release();
    throw error;
  }
}

export function openSqliteStorage(options: SqliteOptions): Storage {
  const inMemory = options.filename === ':memory:';
  const synchronous = options.synchronous ?? 'FULL';
  const { db, lock } = openChecked(options, synchronous);
  const blobs = new DiskBlobs(
    options.filesDir ??
      (inMemory ? join(tmpdir(), `parley-files-${randomUUID()}`) : join(dirname(options.filename), 'files')),
  );
  void blobs.removeLeftovers();

  const observer = options.onCommit;
  // An observer that throws must never turn a committed write into a reported failure.
  const onCommit: CommitObserver | undefined = observer
    ? (writes, durationMs) => {
        try {
          observer(writes, durationMs);
        } catch {
          // Metrics are best effort.
        }
      }
    : undefined;
  const writes =
    options.writerThread && !inMemory
      ? writesOnWorker(
          options.writerThread,
          { filename: options.filename, synchronous },
          options.onWriterFailure,
          onCommit,
        )
      : writesOnThisThread(db, onCommit);
  // S8: whether writes may reach SQLite now; refused ones never do.
  const guard = new WriteGuard((change) => options.onStateChange?.(change));
  const floor = options.minFreeBytes ?? 0;
  const disk: DiskWatch | null =
    inMemory || floor <= 0
      ? null
      : watchDisk(dirname(options.filename), floor, (low, free) => guard.diskLow(low, free, floor));
  disk?.checkNow();
  const guarded: BatchRunner = async (batch) => {
    // A large batch may be what fills the disk: look now rather than at the next tick.
    if (batch.length >= LARGE_BATCH) disk?.checkNow();
    const refusal = guard.refusal();
    if (refusal) throw refusal;
    const outcomes = await writes.runner(batch);
    const whole = outcomes.find((o) => !o.ok && o.error.whole === true);
    if (whole && !whole.ok) {
      const { code, message } = whole.error;
      guard.failed(code, message);
      if (isSpaceFailure(code) || isCorruption(code)) {
        throw new StorageRefusedError(guard.state() === 'read_only' ? 'read_only' : 'disk_pressure');
      }
    } else guard.committed();
    if (batch.length >= LARGE_BATCH) disk?.checkNow();
    return outcomes;
  };
  const queue = new WriteQueue(guarded, {
    ...(options.groupCommit === false ? { maxBatch: 1 } : {}),
    minIntervalMs: options.minCommitIntervalMs ?? 0,
  });

  // Reads only: every write goes through the queue.
  const q = {
    userByKey: db.prepare<[string], UserRow>('SELECT * FROM users WHERE username_key = ? AND deleted_at IS NULL'),
    userById: db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ? AND deleted_at IS NULL'),
    presenceOf: db.prepare<[string], { id: string; last_seen_at: number | null; appear_offline: number }>(
      'SELECT id, last_seen_at, appear_offline FROM users WHERE id IN (SELECT value FROM json_each(?))',
    ),
    sessionByKey: db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE key = ?'),
    roomById: db.prepare<[string], RoomRow>('SELECT * FROM rooms WHERE id = ?'),
    roomByNameKey: db.prepare<[string], RoomRow>('SELECT * FROM rooms WHERE name_key = ?'),
    publicNotJoined: db.prepare<[string], RoomRow>(
      `SELECT r.* FROM rooms r WHERE r.kind = 'public'
         AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.room_id = r.id AND m.user_id = ?)
       ORDER BY r.name_key`,
    ),
    roomsForUser: db.prepare<[string], RoomViewRow>(
      `${ROOM_VIEW_SELECT} ORDER BY r.kind = 'dm', COALESCE(r.name, pu.username) COLLATE NOCASE`,
    ),
    roomViewForUser: db.prepare<[string, string], RoomViewRow>(`${ROOM_VIEW_SELECT} AND r.id = ?`),
    roomIdsForUser: db.prepare<[string], { room_id: string }>('SELECT room_id FROM memberships WHERE user_id = ?'),
    cursorsForUser: db.prepare<[string], { room_id: string; last_seq: number }>(
      'SELECT m.room_id, r.last_seq FROM memberships m JOIN rooms r ON r.id = m.room_id WHERE m.user_id = ?',
    ),
    isInvited: db.prepare<[string, string], { one: number }>(
      'SELECT 1 AS one FROM invitations WHERE room_id = ? AND user_id = ?',
    ),
    invitedRooms: db.prepare<[string], RoomRow>(
      `SELECT r.* FROM invitations i JOIN rooms r ON r.id = i.room_id WHERE i.user_id = ?
         AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.room_id = r.id AND m.user_id = i.user_id)
       ORDER BY r.name_key`,
    ),
    invitationsForUser: db.prepare<
      [string],
      RoomRow & { by_id: string | null; by_username: string | null; invited_at: number }
    >(
      `SELECT r.*, b.id AS by_id, b.username AS by_username, i.created_at AS invited_at
       FROM invitations i JOIN rooms r ON r.id = i.room_id LEFT JOIN users b ON b.id = i.invited_by
       WHERE i.user_id = ?
         AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.room_id = r.id AND m.user_id = i.user_id)
       ORDER BY i.created_at, r.name_key`,
    ),
    isMember: db.prepare<[string, string], { one: number }>(
      'SELECT 1 AS one FROM memberships WHERE room_id = ? AND user_id = ?',
    ),
    invitations: db.prepare<
      [string],
      { user_id: string; username: string; by_id: string | null; by_username: string | null; created_at: number }
    >(
      `SELECT i.user_id, u.username, b.id AS by_id, b.username AS by_username, i.created_at
       FROM invitations i JOIN users u ON u.id = i.user_id LEFT JOIN users b ON b.id = i.invited_by
       WHERE i.room_id = ? ORDER BY i.created_at, u.username_key`,
    ),
    // G7: everyone sharing a membership with the user; the memberships_user index finds theirs.
    // substr, not LIKE: '_' is a username character and a LIKE wildcard.
    peopleOf: db.prepare<[string, string, string, string, number], { user_id: string; username: string }>(
      `SELECT DISTINCT u.id AS user_id, u.username, u.username_key FROM memberships mine
       JOIN memberships theirs ON theirs.room_id = mine.room_id
       JOIN users u ON u.id = theirs.user_id
       WHERE mine.user_id = ? AND theirs.user_id <> ? AND u.deleted_at IS NULL
         AND substr(u.username_key, 1, length(?)) = ?
       ORDER BY u.username_key LIMIT ?`,
    ),
    members: db.prepare<[string], { user_id: string; username: string }>(
      `SELECT m.user_id, u.username FROM memberships m JOIN users u ON u.id = m.user_id
       WHERE m.room_id = ? ORDER BY u.username_key`,
    ),
    lastSeq: db.prepare<[string], { last_seq: number }>('SELECT last_seq FROM rooms WHERE id = ?'),
    // S1: a room's change log is its creations (messages rows) and its other changes.
    changes: db.prepare<[string, number, number, string, number, number], RoomChange>(
      `SELECT seq, 'message:created' AS kind, id AS messageId FROM messages WHERE room_id = ? AND seq > ? AND seq <= ?
       UNION ALL
       SELECT seq, kind, message_id AS messageId FROM room_changes WHERE room_id = ? AND seq > ? AND seq <= ?
       ORDER BY seq`,
    ),
  };
  const views = prepareViews(db);
  const readStates = prepareReadStates(db);
  const search = prepareSearch(db);
  /** Several reads that must agree (a page and the seq it reflects): one snapshot. */
  const snapshot = <T>(read: () => T): T => db.transaction(read)();

  const users: UserStore = {
    create: (user, autoJoinRoomIds) => queue.call('createUser', user, autoJoinRoomIds),
    async findByUsername(username) {
      const row = q.userByKey.get(caseKey(username));
      return row ? toUser(row) : null;
    },
    async findById(id) {
      const row = q.userById.get(id);
      return row ? toUser(row) : null;
    },
    changePassword: (userId, passwordHash, keepSessionKey) =>
      queue.call('changePassword', userId, passwordHash, keepSessionKey),
    async presenceOf(userIds) {
      if (userIds.length === 0) return [];
      return q.presenceOf.all(JSON.stringify(userIds)).map((r) => ({
        userId: r.id,
        lastSeenAt: r.last_seen_at,
        appearOffline: r.appear_offline === 1,
      }));
    },
    setLastSeen: (userId, at) => queue.call('setLastSeen', userId, at),
    setAppearOffline: (userId, appearOffline, at) => queue.call('setAppearOffline', userId, appearOffline, at),
    async delete(userId, at) {
      const deleted = await queue.call('deleteUser', userId, at);
      // Cached views carry the old name (as author, reactor, quoted author) in any room:
      // rare enough to refill every room from the database.
      if (deleted) newest.clear();
      return deleted;
    },
  };

  const sessions: SessionStore = {
    create: async (s) => {
      await queue.call('createSession', s);
    },
    async find(key) {
      const row = q.sessionByKey.get(key);
      return row ? toSession(row) : null;
    },
    // A reconnect storm or the periodic re-check touches thousands of sessions at once;
    // they share commits like every other write (bench/RESULTS.md, change 1).
    touch: async (key, lastSeenAt) => {
      await queue.call('touchSession', key, lastSeenAt);
    },
    delete: (key) => queue.call('deleteSession', key),
    deleteExpired: (now, idleCutoff) => queue.call('deleteExpiredSessions', now, idleCutoff),
    deleteForUser: (userId) => queue.call('deleteSessionsOf', userId),
  };

  const rooms: RoomStore = {
    create: (room, creatorId) => queue.call('createRoom', room, creatorId),
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
    addMember: (roomId, userId, joinedAt) => queue.call('addMember', roomId, userId, joinedAt),
    removeMember: (roomId, userId) => queue.call('removeMember', roomId, userId),
    invite: (roomId, userId, invitedBy, at) => queue.call('invite', roomId, userId, invitedBy, at),
    async isInvited(roomId, userId) {
      return q.isInvited.get(roomId, userId) !== undefined;
    },
    async listInvitedRooms(userId) {
      return q.invitedRooms.all(userId).map(toRoom);
    },
    async listInvitationsForUser(userId): Promise<ReceivedInvitationRecord[]> {
      return q.invitationsForUser.all(userId).map((r) => ({
        room: toRoom(r),
        invitedBy: r.by_id && r.by_username ? { id: r.by_id, username: r.by_username } : null,
        createdAt: r.invited_at,
      }));
    },
    async listInvitations(roomId): Promise<InvitationRecord[]> {
      return q.invitations.all(roomId).map((r) => ({
        roomId,
        userId: r.user_id,
        username: r.username,
        invitedBy: r.by_id && r.by_username ? { id: r.by_id, username: r.by_username } : null,
        createdAt: r.created_at,
      }));
    },
    withdrawInvitation: (roomId, userId) => queue.call('withdrawInvitation', roomId, userId),
    async isMember(roomId, userId) {
      return q.isMember.get(roomId, userId) !== undefined;
    },
    async listMembers(roomId): Promise<MemberRecord[] | null> {
      if (!q.roomById.get(roomId)) return null;
      return q.members.all(roomId).map((r) => ({ userId: r.user_id, username: r.username }));
    },
    openDm: (room, userA, userB) => queue.call('openDm', room, userA, userB),
    createGroup: (room, memberIds) => queue.call('createGroup', room, memberIds),
    addToGroup: (roomId, actorId, userIds, maxMembers, at) =>
      queue.call('addToGroup', roomId, actorId, userIds, maxMembers, at),
    async listPeopleOf(userId, limit, prefix = '') {
      const key = caseKey(prefix);
      return q.peopleOf.all(userId, userId, key, key, limit).map((r) => ({ userId: r.user_id, username: r.username }));
    },
  };

  const newest = new NewestPages({
    perRoom: NEWEST_PAGE_ROWS,
    maxChars: options.newestPagesMaxChars ?? 4_000_000,
  });
  const cacheOn = (options.newestPagesMaxChars ?? 1) > 0;
  const readHistory = (roomId: string, before: number, limit: number) =>
    snapshot(() => ({ messages: views.page(roomId, before, limit), lastSeq: q.lastSeq.get(roomId)?.last_seq ?? 0 }));
  const readChanges = (roomId: string, afterSeq: number, throughSeq: number) =>
    snapshot(() => {
      const changes = q.changes.all(roomId, afterSeq, throughSeq, roomId, afterSeq, throughSeq);
      return { changes, messages: views.byIds([...new Set(changes.map((c) => c.messageId))]) };
    });
  const committed = (roomId: string, change: RoomChange, message: Message) => {
    if (cacheOn) newest.applied(roomId, change, message);
  };

  const messages: MessageStore = {
    async append(m) {
      const outcome = await queue.call('append', m);
      if (outcome.status !== 'created') return outcome;
      const { seq, authorName, mentions, replyTo, attachments } = outcome;
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
      committed(m.roomId, { seq, kind: 'message:created', messageId: m.id }, message);
      return { status: 'created', message };
    },
    async change(c) {
      const result = await queue.call('change', c);
      if (result.status === 'changed') committed(result.message.roomId, result.change, result.message);
      // B7: after the commit, so bytes never go while a row still points at them.
      if (result.status === 'changed' && result.removedFileIds) await blobs.remove(result.removedFileIds);
      return result;
    },
    async find(messageId) {
      return views.one(messageId);
    },
    async history(roomId, { before, limit }) {
      if (!cacheOn || before !== undefined || limit > NEWEST_PAGE_ROWS) {
        return readHistory(roomId, before ?? Number.MAX_SAFE_INTEGER, limit);
      }
      const held = newest.newest(roomId, limit);
      if (held) return held;
      const page = readHistory(roomId, Number.MAX_SAFE_INTEGER, NEWEST_PAGE_ROWS);
      newest.fill(roomId, page.messages, page.lastSeq);
      return { messages: page.messages.slice(-limit), lastSeq: page.lastSeq };
    },
    async changesSince(roomId, afterSeq, limit) {
      const lastSeq = q.lastSeq.get(roomId)?.last_seq ?? 0;
      const through = Math.min(lastSeq, afterSeq + limit);
      const held = cacheOn ? newest.since(roomId, afterSeq, through) : undefined;
      return { ...(held ?? readChanges(roomId, afterSeq, through)), lastSeq };
    },
    async search(userId, query, options) {
      return search(userId, query, options);
    },
  };

  const reads: ReadStateStore = {
    mark: (userId, roomId, seq) => queue.call('markRead', userId, roomId, seq),
    async get(userId, roomId) {
      return readStates.get(userId, roomId);
    },
    setNotify: (userId, roomId, level) => queue.call('setNotify', userId, roomId, level),
  };

  const fileById = db.prepare<[string], FileRow>(`SELECT ${FILE_COLUMNS} FROM files WHERE id = ?`);
  const files: FileStore = {
    async create(file, bytes) {
      // S8: a disk that refuses writes gets no file bytes either (they are the bigger write).
      const refusal = guard.refusal();
      if (refusal) throw refusal;
      // Bytes first, then the row: a row always has its whole blob. Should the row fail,
      // the blob goes; should the process die in between, the blob is an orphan no row names.
      const size = await blobs.write(file.id, bytes);
      const record: FileRecord = { ...file, size, messageId: null };
      try {
        await queue.call('createFile', record);
      } catch (error) {
        await blobs.remove([file.id]);
        throw error;
      }
      return record;
    },
    async find(id) {
      const row = fileById.get(id);
      return row ? toFileRecord(row) : null;
    },
    async open(id) {
      return fileById.get(id) ? blobs.open(id) : null;
    },
    async sweepPending(cutoff) {
      const ids = await queue.call('sweepPendingFiles', cutoff);
      await blobs.remove(ids);
      return ids;
    },
  };

  let closed: Promise<void> | null = null;
  return {
    users,
    sessions,
    rooms,
    messages,
    reads,
    files,
    state: () => guard.state(),
    close() {
      // Writes already accepted are committed before the database closes.
      closed ??= (async () => {
        disk?.stop();
        await queue.drain();
        await writes.close();
        if (db.open) db.close();
        if (inMemory && options.filesDir === undefined) rmSync(blobs.dir, { recursive: true, force: true });
        // Last: the data directory is free once the database is closed.
        lock?.release();
      })();
      return closed;
    },
  };
}

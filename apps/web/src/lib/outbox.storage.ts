import type { Attachment, ErrorCode, ReactionEmoji } from '@parley/shared-types';
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

/**
 * The message an operation is about: one the server has stored (`messageId`), or one of
 * mine still in the outbox (`clientMessageId`), resolved once its send is acknowledged.
 * So I can reply to, react to, edit or delete a message that has not gone out yet.
 */
export type MessageTarget = { messageId: string } | { clientMessageId: string };

/**
 * One thing I did that the server has not confirmed (S5): a message I wrote (`send`, the
 * default for records older than operations), or an edit, deletion or reaction. Plain
 * data, so it can be stored as is in IndexedDB and restored after a reload or a crash.
 */
export type OutboxRecord = {
  /** The record's key: for a send, the message's own client id (M3); for an operation, its id. */
  clientMessageId: string;
  roomId: string;
  kind?: 'send' | 'edit' | 'delete' | 'react';
  /** A send's or an edit's text; empty for the others. */
  text: string;
  /** A send that answers a message (E4). */
  replyTo?: MessageTarget;
  /** B4: files uploaded already, sent with the message (their ids) and shown while it waits. */
  attachments?: Attachment[];
  /** The message an edit, deletion or reaction is about. */
  target?: MessageTarget;
  /** A reaction: which, and whether it is added (true) or removed. */
  emoji?: ReactionEmoji;
  on?: boolean;
  /** Strictly increasing across the outbox: the order the messages were written in. */
  queuedAt: number;
  /** `failed`: refused for good; it waits for Retry instead of going out again. */
  status: 'sending' | 'failed';
  /** The refusal's code, for the failed state. */
  failure?: ErrorCode;
};

/** Where the outbox keeps its records between page loads. */
export type OutboxStorage = {
  /** Every record, oldest first. */
  load(): Promise<OutboxRecord[]>;
  put(record: OutboxRecord): Promise<void>;
  delete(clientMessageId: string): Promise<void>;
  /** False for the in-memory fallback (nothing survives a reload). */
  readonly durable: boolean;
};

const STORE = 'outbox';
/** Private modes that never answer `open` would otherwise stall every send. */
const OPEN_TIMEOUT_MS = 3000;

interface OutboxDb extends DBSchema {
  [STORE]: { key: string; value: OutboxRecord };
}

const byQueuedAt = (a: OutboxRecord, b: OutboxRecord) => a.queuedAt - b.queuedAt;

/** A database per account: another account on this browser never sees (or sends) these. */
export function outboxDatabaseName(userId: string): string {
  return `parley-outbox-${userId}`;
}

/**
 * The user's durable outbox, or an in-memory one where IndexedDB is missing or refuses
 * to open (some private modes): the app keeps working, only without surviving reloads.
 */
export async function openOutboxStorage(userId: string): Promise<OutboxStorage> {
  if (typeof indexedDB === 'undefined') return memoryOutboxStorage();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), OPEN_TIMEOUT_MS);
  });
  const opening = openDB<OutboxDb>(outboxDatabaseName(userId), 1, {
    upgrade(db) {
      db.createObjectStore(STORE, { keyPath: 'clientMessageId' });
    },
  });
  try {
    const db = await Promise.race([opening, timeout]);
    if (db) return idbOutboxStorage(db);
    // Timed out: close the connection should it open after all.
    void opening.then((late) => late.close()).catch(() => undefined);
  } catch (error) {
    console.warn('Outbox: IndexedDB unavailable, keeping messages in memory only', error);
  } finally {
    clearTimeout(timer);
  }
  return memoryOutboxStorage();
}

function idbOutboxStorage(db: IDBPDatabase<OutboxDb>): OutboxStorage {
  return {
    durable: true,
    load: async () => (await db.getAll(STORE)).sort(byQueuedAt),
    put: async (record) => {
      // `strict`: the write reaches the disk before "Sending…" shows (Chromium defaults to
      // relaxed, which a crash of the machine can lose).
      const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
      await Promise.all([tx.store.put(record), tx.done]);
    },
    // Relaxed is enough here: a lost delete only means one resend, which M3 dedupes.
    delete: (clientMessageId) => db.delete(STORE, clientMessageId),
  };
}

/** The fallback: same contract, gone with the page. */
export function memoryOutboxStorage(): OutboxStorage {
  const records = new Map<string, OutboxRecord>();
  return {
    durable: false,
    load: async () => [...records.values()].map((r) => ({ ...r })).sort(byQueuedAt),
    put: async (record) => {
      records.set(record.clientMessageId, { ...record });
    },
    delete: async (clientMessageId) => {
      records.delete(clientMessageId);
    },
  };
}

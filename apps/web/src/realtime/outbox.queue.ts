import type { Attachment, ErrorCode, Message, ReactionEmoji } from '@parley/shared-types';
import type { MessageTarget, OutboxRecord, OutboxStorage } from '../lib/outbox.storage';

/** An operation on a message, queued behind the sends before it (hydrogen-web's pending events). */
export type OutboxOp =
  | { kind: 'edit'; target: MessageTarget; text: string }
  | { kind: 'delete'; target: MessageTarget }
  | { kind: 'react'; target: MessageTarget; emoji: ReactionEmoji; on: boolean };

export const isSend = (record: OutboxRecord): boolean => (record.kind ?? 'send') === 'send';

/** What one send attempt came to. `no_answer`: timed out, or the connection dropped. */
export type SendOutcome =
  { ok: true; message: Message } | { ok: false; error: ErrorCode | 'no_answer'; retryAfterMs?: number };

/**
 * Refusals that will never succeed however often they are repeated: the entry is marked
 * failed and waits for Retry. Anything else (unavailable, rate_limited, storage_full,
 * internal, no answer, unknown codes) is retried on its own.
 */
export const PERMANENT_ERRORS: ReadonlySet<string> = new Set<ErrorCode>([
  'invalid_payload',
  'too_long',
  'empty_message',
  'forbidden',
  'conflict',
  'not_found',
  'message_deleted',
  'invalid_reply',
]);

export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 30_000;

/**
 * Delay before retry number `attempt` (1, 2, …): 1 s, 2 s, 4 s … capped at 30 s, with
 * "equal jitter" (between half and all of it) so clients dropped together by one
 * restart do not come back in lockstep.
 */
export function backoffDelay(attempt: number, random: () => number): number {
  const full = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + (random() * full) / 2);
}

export type Timers = {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export type OutboxDeps = {
  openStorage(): Promise<OutboxStorage>;
  send(record: OutboxRecord): Promise<SendOutcome>;
  /** Whether a send can go out now; `connected()` is called when it becomes true. */
  isConnected(): boolean;
  /**
   * Whether a refused entry has nowhere to be shown or retried (its room is no longer
   * mine): it is then dropped instead of kept as failed.
   */
  isOrphaned(record: OutboxRecord): boolean;
  newId(): string;
  timers: Timers;
  random(): number;
  /** The UI side: entries to show (new or restored), changes of state, deliveries. */
  view: {
    shown(records: OutboxRecord[]): void;
    updated(record: OutboxRecord): void;
    delivered(record: OutboxRecord, message: Message): void;
    dropped(record: OutboxRecord): void;
    /** An edit, deletion or reaction the server refused for good: it is gone, say why. */
    refused(record: OutboxRecord, error: ErrorCode): void;
    /**
     * S8: the server cannot store anything now (`storage_full`): the outbox keeps what it
     * holds and tries again later; null once a send goes through again.
     */
    held?(reason: 'storage_full' | null): void;
  };
};

/**
 * The durable outbox (S5). A message is stored before it is shown; it goes out one at a
 * time, oldest first across every room, always with the same clientMessageId (M3), and
 * leaves storage only when its ack says it is stored. One at a time is what keeps a
 * sender's messages in the order they were written: the server numbers them as they
 * arrive (M2), and a later message never overtakes a retried one.
 *
 * Edits, deletions and reactions queue the same way, and may be about a message still
 * in the outbox: they name it by its clientMessageId until its ack gives its id. Editing
 * or deleting a message that has not started to go out changes or drops it right here.
 */
export class Outbox {
  private readonly records = new Map<string, OutboxRecord>();
  private storage: Promise<OutboxStorage> | null = null;
  /** Every storage operation, chained: a delete never overtakes the put it undoes. */
  private chain: Promise<unknown> = Promise.resolve();
  private ready = false;
  private stopped = false;
  private inFlight = false;
  /** The key of the record going out now. */
  private flying: string | null = null;
  private lastQueuedAt = 0;
  /** Consecutive transient failures of the head entry. */
  private failures = 0;
  /** Our own backoff: cleared by a fresh connection. */
  private retryAt = 0;
  /** The server's retryAfterMs: honoured even across reconnects. */
  private notBefore = 0;
  /** The last answer was `storage_full` (S8): told to the view until a send succeeds. */
  private heldForStorage = false;
  private timer: unknown = null;
  private markRestored!: () => void;
  /** Settles once start() has brought back what an earlier page left. */
  private readonly restored = new Promise<void>((resolve) => {
    this.markRestored = resolve;
  });

  constructor(private readonly deps: OutboxDeps) {}

  /** Restores what an earlier page left unsent, shows it, then starts sending. */
  async start(): Promise<void> {
    const restored = await this.run((storage) => storage.load()).catch(() => [] as OutboxRecord[]);
    if (this.stopped) return this.markRestored();
    const fresh = restored.filter((r) => !this.records.has(r.clientMessageId));
    for (const record of fresh) {
      this.records.set(record.clientMessageId, record);
      this.lastQueuedAt = Math.max(this.lastQueuedAt, record.queuedAt);
    }
    if (fresh.length > 0) this.deps.view.shown(fresh);
    this.ready = true;
    this.markRestored();
    this.pump();
  }

  /** Queues a new message: stored first, then shown as sending, then sent in turn. */
  async write(
    roomId: string,
    text: string,
    replyTo?: MessageTarget,
    attachments?: readonly Attachment[],
  ): Promise<OutboxRecord> {
    return this.queue({
      clientMessageId: '',
      roomId,
      text,
      ...(replyTo ? { replyTo } : {}),
      ...(attachments && attachments.length > 0 ? { attachments: [...attachments] } : {}),
      queuedAt: 0,
      status: 'sending',
    });
  }

  /**
   * Queues an edit, deletion or reaction. About a send of mine that has not started to go
   * out, an edit rewrites it and a deletion takes it back (with everything queued about
   * it): nothing needs to reach the server. Returns the queued record, if any.
   */
  async perform(roomId: string, op: OutboxOp): Promise<OutboxRecord | null> {
    await this.restored;
    const local = 'clientMessageId' in op.target ? this.records.get(op.target.clientMessageId) : undefined;
    const untouched = local && isSend(local) && !(this.inFlight && this.flying === local.clientMessageId);
    if (local && untouched && op.kind === 'edit') {
      const rewritten: OutboxRecord = { ...local, text: op.text };
      this.records.set(local.clientMessageId, rewritten);
      await this.persist(rewritten);
      this.deps.view.updated(rewritten);
      return null;
    }
    if (local && untouched && op.kind === 'delete') {
      for (const record of [local, ...this.pending().filter((r) => refersTo(r, local.clientMessageId))])
        this.forget(record);
      return null;
    }
    const fields =
      op.kind === 'react'
        ? { kind: op.kind, target: op.target, emoji: op.emoji, on: op.on, text: '' }
        : { kind: op.kind, target: op.target, text: op.kind === 'edit' ? op.text : '' };
    return this.queue({ clientMessageId: '', roomId, ...fields, queuedAt: 0, status: 'sending' });
  }

  private async queue(draft: OutboxRecord): Promise<OutboxRecord> {
    // What an earlier page left was written before this: it keeps its place ahead.
    await this.restored;
    const queuedAt = Math.max(this.deps.timers.now(), this.lastQueuedAt + 1);
    this.lastQueuedAt = queuedAt;
    const record: OutboxRecord = { ...draft, clientMessageId: this.deps.newId(), queuedAt };
    await this.persist(record);
    if (this.stopped) return record;
    this.records.set(record.clientMessageId, record);
    this.deps.view.shown([record]);
    this.pump();
    return record;
  }

  /** The Retry button: a failed entry goes back in line, same clientMessageId. */
  retry(clientMessageId: string): void {
    const record = this.records.get(clientMessageId);
    if (!record || record.status !== 'failed') return;
    const { failure: _cleared, ...rest } = record;
    const again: OutboxRecord = { ...rest, status: 'sending' };
    this.records.set(clientMessageId, again);
    void this.persist(again);
    this.deps.view.updated(again);
    this.failures = 0;
    this.retryAt = 0;
    this.pump();
  }

  /** A fresh connection is the best moment to try: our own backoff is dropped. */
  connected(): void {
    this.retryAt = 0;
    this.clearTimer();
    this.pump();
  }

  /** Signed out or torn down: nothing more goes out from this instance. */
  stop(): void {
    this.stopped = true;
    this.clearTimer();
    // A write waiting for the restore is still stored, for this account's next sign-in.
    this.markRestored();
  }

  /** Entries waiting or failed, oldest first (for tests and diagnostics). */
  pending(): OutboxRecord[] {
    return [...this.records.values()].sort((a, b) => a.queuedAt - b.queuedAt);
  }

  private head(): OutboxRecord | undefined {
    return this.pending().find((r) => r.status === 'sending');
  }

  /** Drops a record from the queue and from storage, and from view. */
  private forget(record: OutboxRecord): void {
    this.records.delete(record.clientMessageId);
    this.run((storage) => storage.delete(record.clientMessageId)).catch(warn);
    this.deps.view.dropped(record);
  }

  private pump(): void {
    if (this.stopped || !this.ready || this.inFlight || !this.deps.isConnected()) return;
    const head = this.head();
    if (!head) return;
    const wait = Math.max(this.retryAt, this.notBefore) - this.deps.timers.now();
    if (wait > 0) {
      if (this.timer === null) {
        this.timer = this.deps.timers.setTimeout(() => {
          this.timer = null;
          this.pump();
        }, wait);
      }
      return;
    }
    // About a send of mine that never went through: there is nothing to act on.
    const waiting = unresolved(head);
    if (waiting !== null && this.records.get(waiting)?.status !== 'sending') {
      if (isSend(head)) this.refused(head, 'invalid_reply');
      else this.dropRefused(head, 'not_found');
      this.pump();
      return;
    }
    this.inFlight = true;
    this.flying = head.clientMessageId;
    void this.attempt(head);
  }

  private async attempt(record: OutboxRecord): Promise<void> {
    let outcome: SendOutcome;
    try {
      outcome = await this.deps.send(record);
    } catch {
      outcome = { ok: false, error: 'no_answer' };
    }
    this.inFlight = false;
    this.flying = null;
    if (this.stopped) return;
    if (outcome.ok) this.succeeded(record, outcome.message);
    else if (PERMANENT_ERRORS.has(outcome.error)) {
      if (isSend(record)) this.refused(record, outcome.error as ErrorCode);
      else this.dropRefused(record, outcome.error as ErrorCode);
    } else {
      if (outcome.error === 'storage_full' && !this.heldForStorage) {
        this.heldForStorage = true;
        this.deps.view.held?.('storage_full');
      }
      this.postpone(outcome.retryAfterMs);
    }
    this.pump();
  }

  private succeeded(record: OutboxRecord, message: Message): void {
    if (this.heldForStorage) {
      this.heldForStorage = false;
      this.deps.view.held?.(null);
    }
    this.records.delete(record.clientMessageId);
    this.failures = 0;
    this.retryAt = 0;
    this.notBefore = 0;
    this.run((storage) => storage.delete(record.clientMessageId)).catch(warn);
    this.deps.view.delivered(record, message);
    if (isSend(record)) this.resolve(record.clientMessageId, message.id);
  }

  /** A send is stored: what was queued about it now names the message by its id. */
  private resolve(clientMessageId: string, messageId: string): void {
    for (const dependent of this.pending().filter((r) => refersTo(r, clientMessageId))) {
      const resolved: OutboxRecord = {
        ...dependent,
        ...(dependent.target ? { target: { messageId } } : {}),
        ...(dependent.replyTo ? { replyTo: { messageId } } : {}),
      };
      this.records.set(resolved.clientMessageId, resolved);
      void this.persist(resolved);
      this.deps.view.updated(resolved);
    }
  }

  /** An operation refused for good: it cannot be retried into success, so it goes. */
  private dropRefused(record: OutboxRecord, error: ErrorCode): void {
    this.failures = 0;
    this.retryAt = 0;
    this.forget(record);
    this.deps.view.refused(record, error);
  }

  private refused(record: OutboxRecord, error: ErrorCode): void {
    const failed: OutboxRecord = { ...record, status: 'failed', failure: error };
    if (this.deps.isOrphaned(failed)) {
      this.records.delete(record.clientMessageId);
      this.run((storage) => storage.delete(record.clientMessageId)).catch(warn);
      this.deps.view.dropped(failed);
      return;
    }
    this.records.set(record.clientMessageId, failed);
    this.failures = 0;
    this.retryAt = 0;
    // Kept as failed, so a reload shows it with Retry instead of silently resending.
    void this.persist(failed);
    this.deps.view.updated(failed);
  }

  private postpone(retryAfterMs: number | undefined): void {
    this.failures += 1;
    const now = this.deps.timers.now();
    this.retryAt = now + backoffDelay(this.failures, this.deps.random);
    if (retryAfterMs !== undefined && retryAfterMs > 0) this.notBefore = now + retryAfterMs;
  }

  /** Stores `record`; a failing IndexedDB leaves it in memory, which still works. */
  private persist(record: OutboxRecord): Promise<void> {
    return this.run((storage) => storage.put(record)).catch(warn);
  }

  /** Runs `op` after every earlier storage operation, on storage opened once. */
  private run<T>(op: (storage: OutboxStorage) => Promise<T>): Promise<T> {
    this.storage ??= this.deps.openStorage();
    const storage = this.storage;
    const result = this.chain.then(async () => op(await storage));
    this.chain = result.catch(() => undefined);
    return result;
  }

  private clearTimer(): void {
    if (this.timer !== null) this.deps.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}

/** Whether `record` is about (or answers) the send `clientMessageId`. */
function refersTo(record: OutboxRecord, clientMessageId: string): boolean {
  return unresolved(record) === clientMessageId;
}

/** The clientMessageId of a send of mine this record still waits for, if any. */
function unresolved(record: OutboxRecord): string | null {
  const target = record.target ?? record.replyTo;
  return target && 'clientMessageId' in target ? target.clientMessageId : null;
}

function warn(error: unknown): void {
  console.warn('Outbox: storage write failed; the message is kept in memory', error);
}

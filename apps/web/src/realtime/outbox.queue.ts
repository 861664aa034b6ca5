import type { ErrorCode, Message } from '@parley/shared-types';
import type { OutboxRecord, OutboxStorage } from '../lib/outbox.storage';

/** What one send attempt came to. `no_answer`: timed out, or the connection dropped. */
export type SendOutcome =
  | { ok: true; message: Message }
  | { ok: false; error: ErrorCode | 'no_answer'; retryAfterMs?: number };

/**
 * Refusals that will never succeed however often they are repeated: the entry is marked
 * failed and waits for Retry. Anything else (unavailable, rate_limited, internal, no
 * answer, unknown codes) is retried on its own.
 */
export const PERMANENT_ERRORS: ReadonlySet<string> = new Set<ErrorCode>([
  'invalid_payload',
  'too_long',
  'empty_message',
  'forbidden',
  'conflict',
  'not_found',
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
  };
};

/**
 * The durable outbox (S5). A message is stored before it is shown; it goes out one at a
 * time, oldest first across every room, always with the same clientMessageId (M3), and
 * leaves storage only when its ack says it is stored. One at a time is what keeps a
 * sender's messages in the order they were written: the server numbers them as they
 * arrive (M2), and a later message never overtakes a retried one.
 */
export class Outbox {
  private readonly records = new Map<string, OutboxRecord>();
  private storage: Promise<OutboxStorage> | null = null;
  /** Every storage operation, chained: a delete never overtakes the put it undoes. */
  private chain: Promise<unknown> = Promise.resolve();
  private ready = false;
  private stopped = false;
  private inFlight = false;
  private lastQueuedAt = 0;
  /** Consecutive transient failures of the head entry. */
  private failures = 0;
  /** Our own backoff: cleared by a fresh connection. */
  private retryAt = 0;
  /** The server's retryAfterMs: honoured even across reconnects. */
  private notBefore = 0;
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
  async write(roomId: string, text: string): Promise<OutboxRecord> {
    // What an earlier page left was written before this: it keeps its place ahead.
    await this.restored;
    const queuedAt = Math.max(this.deps.timers.now(), this.lastQueuedAt + 1);
    this.lastQueuedAt = queuedAt;
    const record: OutboxRecord = {
      clientMessageId: this.deps.newId(),
      roomId,
      text,
      queuedAt,
      status: 'sending',
    };
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
    this.inFlight = true;
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
    if (this.stopped) return;
    if (outcome.ok) this.succeeded(record, outcome.message);
    else if (PERMANENT_ERRORS.has(outcome.error)) this.refused(record, outcome.error as ErrorCode);
    else this.postpone(outcome.retryAfterMs);
    this.pump();
  }

  private succeeded(record: OutboxRecord, message: Message): void {
    this.records.delete(record.clientMessageId);
    this.failures = 0;
    this.retryAt = 0;
    this.notBefore = 0;
    this.run((storage) => storage.delete(record.clientMessageId)).catch(warn);
    this.deps.view.delivered(record, message);
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

function warn(error: unknown): void {
  console.warn('Outbox: storage write failed; the message is kept in memory', error);
}

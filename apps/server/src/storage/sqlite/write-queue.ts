import { isStorageRefusal, type StorageRefusedError } from '../storage.js';
import type { WriteOp, WriteOps, WriteOutcome, WriteRequest } from './sqlite.writes.js';

/** Runs one batch of writes in one transaction, wherever the connection lives. */
export type BatchRunner = (batch: WriteRequest[]) => Promise<WriteOutcome[]>;

type Pending = { request: WriteRequest; resolve: (value: unknown) => void; reject: (error: Error) => void };

/** An error from the writer, with SQLite's code kept (e.g. SQLITE_CONSTRAINT_NOTNULL). */
export class StorageWriteError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'StorageWriteError';
  }
}

/*
 * Group commit. Writes wait in a queue; one batch is committed at a time and everything
 * that arrived meanwhile goes in the next one. An idle store commits a lone write at the
 * end of the current event-loop turn; a busy one commits bigger batches, so the number
 * of fsyncs per second stays bounded while throughput grows. Nobody is answered before
 * the commit that holds their write has returned, and writes are applied in call order.
 */
export class WriteQueue {
  private queue: Pending[] = [];
  private inFlight = false;
  private scheduled = false;
  private idleWaiters: Array<() => void> = [];
  private lastSent = Number.NEGATIVE_INFINITY;
  /** Writes arrived while the last commit ran: the store is under concurrent load. */
  private loaded = false;

  constructor(
    private readonly run: BatchRunner,
    options: {
      /** 1 turns group commit off (one transaction per write): only to measure what it saves. */
      maxBatch?: number;
      /**
       * Under concurrent load, start commits at most this often, so each carries more
       * writes (fewer commits, fewer pages written, fewer thread round trips). A lone
       * writer, or one awaiting each write in turn, is never held back.
       */
      minIntervalMs?: number;
    } = {},
  ) {
    this.maxBatch = options.maxBatch ?? Number.POSITIVE_INFINITY;
    this.minIntervalMs = options.minIntervalMs ?? 0;
  }

  private readonly maxBatch: number;
  private readonly minIntervalMs: number;

  call<K extends WriteOp>(op: K, ...args: Parameters<WriteOps[K]>): Promise<ReturnType<WriteOps[K]>> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { op, args } as WriteRequest, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Resolves once every write accepted so far is committed (or has failed). */
  drain(): Promise<void> {
    if (!this.inFlight && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight) return;
    this.scheduled = true;
    const wait = this.loaded ? this.lastSent + this.minIntervalMs - performance.now() : 0;
    if (wait > 0) setTimeout(() => void this.flush(), wait);
    else setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    if (this.inFlight) return;
    const batch = this.queue.length <= this.maxBatch ? this.queue : this.queue.slice(0, this.maxBatch);
    this.queue = batch === this.queue ? [] : this.queue.slice(batch.length);
    if (batch.length === 0) return this.wakeIdle();
    this.inFlight = true;
    this.lastSent = performance.now();
    let outcomes: WriteOutcome[];
    /** S8: the store cannot write now; every write of the batch gets this, as is. */
    let refusal: StorageRefusedError | null = null;
    try {
      outcomes = await this.run(batch.map((p) => p.request));
    } catch (error) {
      if (isStorageRefusal(error)) refusal = error;
      const failure = error instanceof Error ? error : new Error(String(error));
      outcomes = batch.map(() => ({ ok: false, error: { name: failure.name, message: failure.message } }));
    }
    this.inFlight = false;
    this.loaded = this.queue.length > 0;
    batch.forEach((pending, i) => {
      const outcome = outcomes[i];
      if (refusal) pending.reject(refusal);
      else if (outcome?.ok) pending.resolve(outcome.value);
      else pending.reject(new StorageWriteError(outcome?.error.message ?? 'write lost', outcome?.error.code));
    });
    if (this.queue.length > 0) this.schedule();
    else this.wakeIdle();
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}

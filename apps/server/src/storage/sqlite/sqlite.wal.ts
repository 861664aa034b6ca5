import type Database from 'better-sqlite3';
import type { WriteOutcome, WriteRequest } from './sqlite.writes.js';

/**
 * S8: the WAL never keeps more than this on disk once checkpointed, so space freed on a
 * full disk is really free (by default SQLite leaves a grown WAL at its largest size).
 */
export const JOURNAL_SIZE_LIMIT_BYTES = 4 * 1024 * 1024;
/** No write for this long: the WAL is folded into the database and truncated. */
export const IDLE_CHECKPOINT_MS = 1000;
/** A batch of at least this many writes is followed by a checkpoint (at most one a second). */
export const LARGE_BATCH = 256;
/** Checkpoints after large batches are this far apart at least: each one costs an fsync. */
const LOADED_CHECKPOINT_MS = 1000;

/** Settings of every connection that writes (the writer thread's, or the main one's). */
export function boundWal(db: Database.Database): void {
  db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT_BYTES}`);
}

/**
 * Wraps a connection's batch runner with WAL upkeep: a TRUNCATE checkpoint when the store
 * goes idle, after a large batch (at most once a second under load), and before the first batch after one that failed for
 * lack of space (so the retry finds the WAL empty, not full of the failed attempt's pages).
 * A checkpoint never waits for readers (busy_timeout 0 around it): if a reader (a backup)
 * holds an old snapshot it simply does less and is tried again later, never stalling writes.
 */
export function withWalUpkeep(
  db: Database.Database,
  runBatch: (batch: readonly WriteRequest[]) => WriteOutcome[],
): { runBatch: (batch: readonly WriteRequest[]) => WriteOutcome[]; stop(): void } {
  let idle: NodeJS.Timeout | null = null;
  let dirty = false;
  let afterFailure = false;
  let lastCheckpoint = performance.now();
  const busyTimeout = db.pragma('busy_timeout', { simple: true }) as number;
  const checkpoint = () => {
    if (!db.open) return;
    try {
      db.pragma('busy_timeout = 0');
      db.pragma('wal_checkpoint(TRUNCATE)');
      dirty = false;
      lastCheckpoint = performance.now();
    } catch {
      // Disk still full, or a reader in the way: the next idle moment tries again.
    } finally {
      if (db.open) db.pragma(`busy_timeout = ${busyTimeout}`);
    }
  };
  return {
    runBatch(batch) {
      if (idle) clearTimeout(idle);
      if (afterFailure) checkpoint();
      const outcomes = runBatch(batch);
      const failedWhole = outcomes.length > 0 && outcomes.every((o) => !o.ok && o.error.whole === true);
      afterFailure = failedWhole;
      dirty = true;
      if (batch.length >= LARGE_BATCH && performance.now() - lastCheckpoint >= LOADED_CHECKPOINT_MS) checkpoint();
      idle = setTimeout(() => {
        idle = null;
        if (dirty) checkpoint();
      }, IDLE_CHECKPOINT_MS);
      idle.unref();
      return outcomes;
    },
    stop() {
      if (idle) clearTimeout(idle);
      idle = null;
    },
  };
}

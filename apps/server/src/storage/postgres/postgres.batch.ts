import type { AppendResult, NewMessage } from '../storage.js';

/*
 * Group commit for sends, as the SQLite writer does it. At low load every send is its own
 * transaction, committed at once. When `maxInFlight` send transactions are already being
 * committed, the sends that arrive meanwhile wait, and the next free slot takes them
 * together (up to `maxBatch`): one transaction, one commit, each send still checked and
 * seq'd exactly as alone (M2, M3). A batch that fails as a whole (a duplicate committed
 * by another node meanwhile, a cut connection) is rolled back and its sends are run
 * again one by one, in their order, through the single path, which knows how to answer
 * those. Acked still means committed: nobody is answered before their batch commits.
 */

type Pending = { message: NewMessage; resolve(result: AppendResult): void; reject(error: unknown): void };

export type BatchingOptions = {
  /** Send transactions committing at once before later sends queue up. */
  maxInFlight: number;
  /** Sends at most per transaction. */
  maxBatch: number;
  /** One send in its own transaction (answers duplicates committed elsewhere). */
  single(message: NewMessage): Promise<AppendResult>;
  /** Several sends in one transaction, answered in the order given; throws to roll back all. */
  batch(messages: readonly NewMessage[]): Promise<AppendResult[]>;
  /** Told the size and duration (ms) of every transaction that committed sends (metrics, tests). */
  onCommitted?(size: number, durationMs: number): void;
};

export function batchingAppender(options: BatchingOptions): (message: NewMessage) => Promise<AppendResult> {
  const queue: Pending[] = [];
  let inFlight = 0;

  /** After the senders are answered, and never failing them: metrics are best effort. */
  function committed(size: number, started: number): void {
    try {
      options.onCommitted?.(size, performance.now() - started);
    } catch {
      // Nothing to undo: the sends are stored and answered.
    }
  }

  async function runAlone(p: Pending): Promise<void> {
    const started = performance.now();
    let result: AppendResult;
    try {
      result = await options.single(p.message);
    } catch (error) {
      p.reject(error);
      return;
    }
    p.resolve(result);
    committed(1, started);
  }

  async function run(group: Pending[]): Promise<void> {
    if (group.length === 1) return runAlone(group[0]!);
    const started = performance.now();
    let results: AppendResult[];
    try {
      results = await options.batch(group.map((p) => p.message));
    } catch {
      // Rolled back whole: nothing of it is stored. One by one, in order.
      for (const p of group) await runAlone(p);
      return;
    }
    group.forEach((p, i) => p.resolve(results[i]!));
    committed(group.length, started);
  }

  function pump(): void {
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const group = queue.splice(0, options.maxBatch);
      inFlight++;
      void run(group).finally(() => {
        inFlight--;
        pump();
      });
    }
  }

  return (message) =>
    new Promise<AppendResult>((resolve, reject) => {
      queue.push({ message, resolve, reject });
      pump();
    });
}

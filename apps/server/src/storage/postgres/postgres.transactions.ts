import type { Pool, PoolClient, QueryResultRow } from 'pg';

/*
 * Transactions on the pool. Every storage method that needs several statements runs
 * them in one transaction here; one that needs a single statement sends it alone
 * (autocommit). Deadlocks and serialization failures are retried a bounded number of
 * times: PostgreSQL rolled the whole transaction back, so running it again is safe. So is
 * a transaction whose BEGIN failed on a connection that died while idle in the pool.
 */

/** What a unit of work may do: queries on the transaction's connection. */
export type Tx = {
  query<R extends QueryResultRow>(text: string, values?: readonly unknown[]): Promise<{ rows: R[]; rowCount: number }>;
};

/** SQLSTATE codes the storage acts on. */
export const PG = {
  uniqueViolation: '23505',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

/** Attempts of one transaction before a deadlock or serialization failure is given up on. */
const TX_ATTEMPTS = 5;
const RETRY_BASE_MS = 5;

export function sqlState(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

/** The unique constraint a 23505 error names, or undefined for any other error. */
export function violatedUnique(error: unknown): string | undefined {
  if (sqlState(error) !== PG.uniqueViolation) return undefined;
  return (error as { constraint?: string }).constraint ?? '';
}

const retryable = (error: unknown): boolean => {
  const code = sqlState(error);
  return code === PG.serializationFailure || code === PG.deadlockDetected;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Queries on one connection, or (for the pool) each on whichever connection is free, in autocommit. */
export function asTx(client: Pool | PoolClient): Tx {
  return {
    async query<R extends QueryResultRow>(text: string, values?: readonly unknown[]) {
      const result = await client.query<R>(text, values as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    },
  };
}

export type TxMode = 'write' | 'snapshot';

/**
 * Runs `work` in one transaction and commits it. 'write' is READ COMMITTED (row locks
 * and constraints order concurrent writers); 'snapshot' is a read-only REPEATABLE READ
 * transaction, so several reads see one state of the database.
 */
export async function inTransaction<T>(pool: Pool, work: (tx: Tx) => Promise<T>, mode: TxMode = 'write'): Promise<T> {
  const begin = mode === 'write' ? 'BEGIN' : 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    let broken: Error | undefined;
    let begun = false;
    // A checked-out connection the server cuts (a restart) emits `error`; the pool only
    // listens while the connection is idle, and an unheard `error` would end the process.
    // The statement under way fails on its own; the connection is released as broken.
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      await client.query(begin);
      begun = true;
      const result = await work(asTx(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      if (!begun) {
        // A pooled connection the server closed while it sat idle (a restart, a failover)
        // fails its first statement. Nothing was done on it: drop it and use another.
        broken = error instanceof Error ? error : new Error(String(error));
        if (attempt >= TX_ATTEMPTS) throw error;
        continue;
      }
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // The connection is gone or confused: the pool must not hand it out again.
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      }
      if (attempt >= TX_ATTEMPTS || !retryable(error)) throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
    // Spread the retries, so the transactions that collided do not collide again.
    await sleep(RETRY_BASE_MS * attempt * (0.5 + Math.random()));
  }
}

import { afterEach, inject } from 'vitest';
import { openPostgresStorage } from '../src/storage/postgres/postgres.storage.js';
import type { AppOptions } from '../src/app.js';
import type { Config } from '../src/config.js';
import type { Budget } from '../src/security/rate-limits.js';
import { Harness, type TestServer } from './harness.js';
import { uniqueName, useFileDatabase } from './services/postgres.databases.js';

/*
 * Several nodes for one test: real apps (buildApp through the single-node Harness) on
 * port 0, sharing one PostgreSQL store and one Redis stream, as production nodes share
 * DATABASE_URL and REDIS_URL. The file gets a database of the run's server; each test a
 * fresh schema in it (every test starts from an empty store with only `general`) and a
 * stream of its own, so no node of another test hears it. Clients are the Harness's:
 * `h.register(node, …)`, `h.connect(node, account, label)` pick the node.
 */

/** Connections per node: a test makes a handful of concurrent requests at most. */
const POOL_MAX_PER_NODE = 4;

export type Cluster = {
  /** The single-node helpers, for any node of the cluster. */
  h: Harness;
  /**
   * Starts `count` nodes (2 by default) on a fresh schema and a fresh stream, on the run's
   * Redis unless `redisUrl` names another (a test that stops its Redis brings its own).
   * `config` and `commandBudgets` go to every node (the limits suite sets real budgets and caps),
   * and so does `presenceHeartbeat` (the presence suite shortens it to see dead nodes sooner).
   */
  start(
    count?: number,
    options?: {
      redisUrl?: string;
      config?: Partial<Config>;
      commandBudgets?: Record<string, Budget>;
      presenceHeartbeat?: AppOptions['presenceHeartbeat'];
    },
  ): Promise<TestServer[]>;
};

/** Registers the hooks for one file: call once at the top of a describe block. */
export function useCluster(): Cluster {
  const h = new Harness();
  const file = useFileDatabase();
  // One hook, so the nodes are closed before their schema goes.
  afterEach(async () => {
    await h.cleanup();
    await file.dropSchemas();
  });

  return {
    h,
    async start(count = 2, options = {}) {
      const redisUrl = options.redisUrl ?? inject('redisUrl');
      const schema = file.newSchema('cluster');
      const stream = uniqueName('parley-test');
      const nodes: TestServer[] = [];
      // One after the other: the first migrates the schema, the others find it done.
      for (let i = 0; i < count; i++) {
        const storage = await openPostgresStorage({ url: file.url(), poolMax: POOL_MAX_PER_NODE, schema });
        try {
          nodes.push(
            await h.start(
              { ...options.config, redisUrl },
              {
                storage,
                redisStreamName: stream,
                ...(options.commandBudgets ? { commandBudgets: options.commandBudgets } : {}),
                ...(options.presenceHeartbeat ? { presenceHeartbeat: options.presenceHeartbeat } : {}),
              },
            ),
          );
        } catch (error) {
          await storage.close();
          throw error;
        }
      }
      return nodes;
    },
  };
}

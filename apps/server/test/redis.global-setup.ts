import type { TestProject } from 'vitest/node';
import { startRedis } from './services/redis.service.js';

/*
 * One throwaway Redis for the whole run of the server project (~30 ms to start, once
 * installed); tests read its URL with inject('redisUrl'). Nodes that must not hear each
 * other use their own stream (see cluster.harness.ts).
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** redis://127.0.0.1:<port> of the run's server. */
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startRedis();
  project.provide('redisUrl', server.url);
  return () => server.stop();
}

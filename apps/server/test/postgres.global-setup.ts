import type { TestProject } from 'vitest/node';
import { startPostgres } from './services/postgres.service.js';

/*
 * One throwaway PostgreSQL server for the whole run of the server project (~1 s to
 * start); tests read its URL with inject('postgresUrl') and make their own databases.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    /** The superuser's URL on the `postgres` database of the run's server. */
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}

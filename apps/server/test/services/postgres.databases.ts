import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';

/*
 * Databases and schemas on the run's PostgreSQL server (postgres.global-setup.ts), for
 * tests that need a store of their own. A test file makes one database; each test gets a
 * fresh schema in it (creating and migrating one takes milliseconds, a database ~0.2 s).
 */

/** A name no other test uses: lower case, so it needs no quoting. */
export const uniqueName = (prefix: string): string => `${prefix}_${randomBytes(6).toString('hex')}`;

/** The run server's URL, on another database. */
export function databaseUrl(database: string): string {
  const url = new URL(inject('postgresUrl'));
  url.pathname = `/${database}`;
  return url.toString();
}

/** A pool on one database of the run's server, for setting up and checking from outside a store. */
export function adminPool(database = 'postgres'): Pool {
  return new Pool({ connectionString: databaseUrl(database), max: 3, connectionTimeoutMillis: 10_000 });
}

/** Creates an empty database; answers its name. */
export async function createDatabase(admin: Pool): Promise<string> {
  const name = uniqueName('parley_test');
  await admin.query(`CREATE DATABASE ${name}`);
  return name;
}

export async function dropDatabase(admin: Pool, name: string): Promise<void> {
  // A pool's end() resolves before the server has seen its connections go: wait for them,
  // since FORCE would kill them and their clients would throw where nobody listens.
  const connected = async () =>
    Number(
      (await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [name]))
        .rows[0]!.n,
    );
  await eventually(async () => (await connected()) === 0, `the connections to ${name} are closed`).catch(() => {});
  // FORCE: a store a failed test left open must not keep the database alive.
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** Polls `probe` until it answers true, or fails after `timeoutMs`. */
export async function eventually(probe: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** This file's own database on the run's server, and the schemas its tests make in it. */
export type FileDatabase = {
  /** The run server's `postgres` database (to create and drop others). */
  readonly server: Pool;
  /** A pool on this file's database: checks from outside the stores, and schema cleanup. */
  readonly db: Pool;
  /** A URL on this file's database, for stores and apps. */
  url(): string;
  /** A schema name no other test uses, dropped by the next `dropSchemas`. */
  newSchema(prefix: string): string;
  /** Drops the schemas made since the last call (after the stores on them are closed). */
  dropSchemas(): Promise<void>;
};

/**
 * Makes a database for the calling file (or describe block) before its tests and drops
 * it after them. Call once at the top; the caller decides when `dropSchemas` runs, since
 * the stores on a schema must be closed first.
 */
export function useFileDatabase(): FileDatabase {
  let server: Pool | undefined;
  let db: Pool | undefined;
  let name: string | undefined;
  const schemas: string[] = [];
  beforeAll(async () => {
    server = adminPool();
    name = await createDatabase(server);
    db = adminPool(name);
  });
  afterAll(async () => {
    await db?.end();
    if (server && name) await dropDatabase(server, name);
    await server?.end();
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useFileDatabase: ${what} is not ready (used outside the tests?)`);
    return value;
  };
  return {
    get server() {
      return ready(server, 'the server pool');
    },
    get db() {
      return ready(db, 'the database');
    },
    url: () => databaseUrl(ready(name, 'the database')),
    newSchema(prefix) {
      const schema = uniqueName(prefix);
      schemas.push(schema);
      return schema;
    },
    async dropSchemas() {
      for (const schema of schemas.splice(0))
        await ready(db, 'the database').query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    },
  };
}

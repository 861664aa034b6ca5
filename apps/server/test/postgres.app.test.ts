import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_ROUTES } from '@parley/shared-types';
import type { Pool } from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp, type ParleyApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { adminPool, createDatabase, databaseUrl, dropDatabase } from './services/postgres.databases.js';
import { numberedMessage, seedAliceInRoom } from './append-fixtures.js';

/* DATABASE_URL wiring: the app opens PostgreSQL instead of SQLite, and two apps share it. */

describe('the app on PostgreSQL (DATABASE_URL)', () => {
  let server: Pool;
  let database: string;
  let dataDir: string;
  const apps: ParleyApp[] = [];

  beforeEach(async () => {
    server = adminPool();
    database = await createDatabase(server);
    dataDir = await mkdtemp(join(tmpdir(), 'parley-pg-app-'));
  });
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
    await dropDatabase(server, database);
    await server.end();
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = async (env: Record<string, string> = {}) => {
    const config = loadConfig({
      DATABASE_URL: databaseUrl(database),
      DATABASE_POOL_MAX: '3',
      DATA_DIR: dataDir,
      WEB_DIST_DIR: '',
      LOG_LEVEL: 'silent',
      ...env,
    });
    const app = await buildApp({ config, logger: false });
    apps.push(app);
    return app;
  };

  it('R7: two nodes on one database share the default room; no SQLite file is made', async () => {
    const [one, two] = await Promise.all([start(), start()]);
    const general = await one.storage.rooms.findByName('general');
    expect(general).not.toBeNull();
    expect(await two.storage.rooms.findByName('GENERAL')).toEqual(general);
    const check = adminPool(database);
    try {
      const { rows } = await check.query<{ name: string }>('SELECT name FROM rooms');
      expect(rows).toEqual([{ name: 'general' }]);
    } finally {
      await check.end();
    }
    expect(existsSync(join(dataDir, 'parley.sqlite'))).toBe(false);
    const health = await one.http.inject({ method: 'GET', url: API_ROUTES.health });
    expect(health.json()).toEqual({ status: 'ok' });
  });

  it('an unreachable database fails the start with the connection error', async () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/parley',
      DATA_DIR: dataDir,
      WEB_DIST_DIR: '',
    });
    await expect(buildApp({ config, logger: false })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('O2: committed sends on PostgreSQL show in the group-commit histograms', async () => {
    const token = 'c0ffee11d2a94b7e8f3c5a6b9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a';
    const app = await start({ METRICS_TOKEN: token });
    await seedAliceInRoom(app.storage);
    await Promise.all(Array.from({ length: 30 }, (_, i) => app.storage.messages.append(numberedMessage(i))));
    const response = await app.http.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(200);
    const sample = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(response.body)?.[1]);
    expect(sample('parley_commit_batch_size_sum')).toBe(30);
    expect(sample('parley_commit_batch_size_count')).toBeGreaterThan(0);
    expect(sample('parley_commit_duration_seconds_count')).toBe(sample('parley_commit_batch_size_count'));
    expect(sample('parley_commit_duration_seconds_sum')).toBeGreaterThan(0);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { useCluster } from './cluster.harness.js';
import { newCmid, type TestServer } from './harness.js';
import { useOwnRedis } from './services/redis.service.js';

/*
 * REDIS_URL wiring: a Redis that cannot be reached fails the start; one that goes away
 * while the nodes run crashes nothing, and delivery across nodes comes back with it.
 */

describe('the app with REDIS_URL', () => {
  it('an unreachable Redis fails the start with the connection error, without the URL', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'parley-redis-app-'));
    try {
      const config = loadConfig({
        REDIS_URL: 'redis://user:hunter2@127.0.0.1:1',
        DATA_DIR: dataDir,
        WEB_DIST_DIR: '',
        SQLITE_WRITER: 'main',
      });
      const start = buildApp({ config, logger: false });
      await expect(start).rejects.toThrow(/REDIS_URL: cannot reach Redis \(.*ECONNREFUSED/);
      await expect(start).rejects.not.toThrow(/hunter2/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  describe('Redis killed under two nodes', () => {
    const { h, start } = useCluster();
    const ownRedis = useOwnRedis();

    it('C1: no node crashes, sends are still acked, and delivery across nodes is back within 10 s of Redis', async () => {
      const [one, two] = (await start(2, { redisUrl: ownRedis().url })) as [TestServer, TestServer];
      const alice = await h.register(one, 'alice');
      const bob = await h.register(two, 'bob');
      const alice1 = await h.connect(one, alice, 'alice@1');
      const bob2 = await h.connect(two, bob, 'bob@2');
      const general = (await alice1.ok('room:list', {})).find((r) => r.name === 'general')!;
      const send = (text: string) =>
        alice1.ok('message:send', { roomId: general.id, clientMessageId: newCmid(), text });

      const before = await send('before');
      await bob2.waitFor('message:created', (m) => m.id === before.id);

      await ownRedis().kill();
      // Acked means stored in PostgreSQL: Redis carries live delivery only.
      const during = await send('while Redis is down');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const restartedAt = Date.now();
      await ownRedis().restart();

      // Published while Redis was away: queued by ioredis, delivered once it is back.
      await bob2.waitFor('message:created', (m) => m.id === during.id, 10_000);
      const after = await send('after');
      await bob2.waitFor('message:created', (m) => m.id === after.id, 10_000);
      expect(Date.now() - restartedAt).toBeLessThan(10_000);
      expect(
        bob2
          .received('message:created')
          .filter((m) => m.roomId === general.id)
          .map((m) => m.seq),
      ).toEqual([before.seq, during.seq, after.seq]);
      expect(alice1.connected && bob2.connected).toBe(true);
    });
  });
});

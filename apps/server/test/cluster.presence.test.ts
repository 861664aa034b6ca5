import { describe, expect, it } from 'vitest';
import { RedisPresence } from '../src/cluster/redis.presence.js';
import { useCluster } from './cluster.harness.js';
import { newCmid, until, type Account, type TestClient, type TestServer } from './harness.js';
import { useOwnRedis } from './services/redis.service.js';

/*
 * Presence and typing with two nodes on one Redis (C3): a user is online while any node
 * holds a connection of theirs, each transition is heard once by everyone sharing a room
 * whichever node announced it, and a node that dies without a word has its users turned
 * offline by the survivor. "Not heard twice" is checked after waiting past every delay
 * that could have produced a second announcement, then after a round trip.
 */

/** Short beats, so a dead node is noticed in about a second instead of 15 s. */
const FAST_HEARTBEAT = { intervalMs: 200, expireMs: 1000 };
/** C3's bound on how long a dead node's users may stay online for the others. */
const DEAD_NODE_BOUND_MS = 30_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('presence and typing across two nodes', () => {
  const { h, start } = useCluster();

  /** What `tab` heard about `user`, in order: true for online, false for offline. */
  const heard = (tab: TestClient, user: Account) =>
    tab
      .received('presence:changed')
      .filter((e) => e.userId === user.user.id)
      .map((e) => e.online);

  const hears = (tab: TestClient, user: Account, online: boolean, timeoutMs?: number) =>
    tab.waitFor('presence:changed', (e) => e.userId === user.user.id && e.online === online, timeoutMs);

  /** Waits until `node` holds `count` connections of `user`. */
  const holds = (node: TestServer, user: Account, count: number) =>
    until(
      () => node.app.services.presence.connectionCount(user.user.id) === count,
      `${user.user.username} has ${count} connections on the node`,
    );

  async function onlineIn(tab: TestClient, roomId: string): Promise<Record<string, boolean>> {
    const members = await tab.ok('room:members', { roomId });
    return Object.fromEntries(members.map((m) => [m.username, m.online]));
  }

  async function generalOf(tab: TestClient): Promise<string> {
    const general = (await tab.ok('room:list', {})).find((r) => r.name === 'general');
    if (!general) throw new Error('no general room');
    return general.id;
  }

  it('P1, P2, C3: online when the first tab opens on either node, offline when the last closes, each heard once on both nodes', async () => {
    const [one, two] = (await start()) as [TestServer, TestServer];
    const alice = await h.register(one, 'alice');
    const bob = await h.register(two, 'bob');
    const bob1 = await h.connect(one, bob, 'bob@1');
    const bob2 = await h.connect(two, bob, 'bob@2');
    const general = await generalOf(bob1);

    const alice1 = await h.connect(one, alice, 'alice@1');
    for (const tab of [bob1, bob2]) await hears(tab, alice, true);
    // A second tab on the other node: she is online already, nobody hears it again.
    const alice2 = await h.connect(two, alice, 'alice@2');
    for (const tab of [bob1, bob2]) expect(await onlineIn(tab, general), tab.label).toEqual({ alice: true, bob: true });

    // P1: node 1's tab closes, node 2 still holds one: online, well past the grace delay.
    alice1.close();
    await holds(one, alice, 0);
    await sleep(3 * one.config.presenceGraceMs);
    for (const tab of [bob1, bob2]) {
      expect(await onlineIn(tab, general), tab.label).toEqual({ alice: true, bob: true });
      expect(heard(tab, alice), tab.label).toEqual([true]);
    }

    // P2: the last tab anywhere closes: offline after the grace delay, announced by one node only.
    alice2.close();
    for (const tab of [bob1, bob2]) await hears(tab, alice, false);
    await sleep(3 * one.config.presenceGraceMs);
    for (const tab of [bob1, bob2]) {
      await tab.sync();
      expect(heard(tab, alice), tab.label).toEqual([true, false]);
      expect(await onlineIn(tab, general), tab.label).toEqual({ alice: false, bob: true });
    }
  });

  it('P2, C3: a tab that closes on node 1 and comes back on node 2 within the grace delay shows no flicker', async () => {
    const [one, two] = (await start(2, { config: { presenceGraceMs: 1000 } })) as [TestServer, TestServer];
    const alice = await h.register(one, 'alice');
    const bob = await h.register(two, 'bob');
    const bob2 = await h.connect(two, bob, 'bob@2');
    const general = await generalOf(bob2);
    const alice1 = await h.connect(one, alice, 'alice@1');
    await hears(bob2, alice, true);

    alice1.close();
    await holds(one, alice, 0);
    await h.connect(two, alice, 'alice@2 (reloaded)');
    // Past node 1's grace timer, which finds her connected on node 2 and says nothing.
    await sleep(2 * 1000);
    await bob2.sync();
    expect(heard(bob2, alice)).toEqual([true]);
    expect(await onlineIn(bob2, general)).toEqual({ alice: true, bob: true });
  });

  it('P3, C3: presence announced by node 1 reaches only those sharing a room, on node 2 too', async () => {
    const [one, two] = (await start()) as [TestServer, TestServer];
    const alice = await h.register(one, 'alice');
    const bob = await h.register(two, 'bob');
    const bob2 = await h.connect(two, bob, 'bob@2');
    const general = await generalOf(bob2);
    // Bob leaves every room alice is in: he shares nothing with her any more.
    await bob2.ok('room:leave', { roomId: general });
    const carol = await h.register(two, 'carol');
    const carol2 = await h.connect(two, carol, 'carol@2');

    await h.connect(one, alice, 'alice@1');
    await hears(carol2, alice, true);
    await bob2.sync();
    expect(heard(bob2, alice)).toEqual([]);
  });

  it('C3: a node that dies without a goodbye has its users turned offline by the survivor (once), except those back or still online elsewhere', async () => {
    const [one, two] = (await start(2, { presenceHeartbeat: FAST_HEARTBEAT })) as [TestServer, TestServer];
    const [alice, carol, dave] = [
      await h.register(one, 'alice'),
      await h.register(one, 'carol'),
      await h.register(one, 'dave'),
    ];
    const bob = await h.register(two, 'bob');
    const bob2 = await h.connect(two, bob, 'bob@2');
    const general = await generalOf(bob2);
    // alice: node 1 only. carol: a tab on each node. dave: node 1, back on node 2 after the crash.
    await h.connect(one, alice, 'alice@1');
    await h.connect(one, carol, 'carol@1');
    await h.connect(two, carol, 'carol@2');
    await h.connect(one, dave, 'dave@1');
    for (const user of [alice, carol, dave]) await hears(bob2, user, true);

    // The crash: node 1 stops beating and never writes again; what it held stays in Redis
    // until node 2 sees its heartbeat expire.
    const dying = one.app.services.presence;
    if (!(dying instanceof RedisPresence)) throw new Error('node 1 does not share presence through Redis');
    dying.abandon();
    const diedAt = Date.now();
    await one.app.close();
    await h.connect(two, dave, 'dave@2 (reconnected)');

    await hears(bob2, alice, false);
    const tookMs = Date.now() - diedAt;
    expect(tookMs).toBeLessThan(DEAD_NODE_BOUND_MS);
    // Short beats here: expiry, plus a beat, plus slack for a busy machine.
    expect(tookMs).toBeLessThan(FAST_HEARTBEAT.expireMs + FAST_HEARTBEAT.intervalMs + 2000);

    // Several more beats: nothing more is announced, and nobody else went offline.
    await sleep(5 * FAST_HEARTBEAT.intervalMs);
    await bob2.sync();
    expect(heard(bob2, alice)).toEqual([true, false]);
    expect(heard(bob2, carol)).toEqual([true]);
    expect(heard(bob2, dave)).toEqual([true]);
    expect(await onlineIn(bob2, general)).toEqual({ alice: false, bob: true, carol: true, dave: true });
  });

  it('C3: a node that stops cleanly leaves its users online for the grace delay; the survivor turns those not back offline once', async () => {
    const [one, two] = (await start(2, { presenceHeartbeat: FAST_HEARTBEAT })) as [TestServer, TestServer];
    const alice = await h.register(one, 'alice');
    const bob = await h.register(two, 'bob');
    const bob2 = await h.connect(two, bob, 'bob@2');
    await h.connect(one, alice, 'alice@1');
    await hears(bob2, alice, true);

    await one.app.close();
    await hears(bob2, alice, false);
    await sleep(5 * FAST_HEARTBEAT.intervalMs);
    await bob2.sync();
    expect(heard(bob2, alice)).toEqual([true, false]);
  });

  describe('with Redis restarted (its data lost)', () => {
    const ownRedis = useOwnRedis();

    it('C3: no node crashes; the nodes register their connections again and a user who left meanwhile turns offline', async () => {
      const [one, two] = (await start(2, { redisUrl: ownRedis().url, presenceHeartbeat: FAST_HEARTBEAT })) as [
        TestServer,
        TestServer,
      ];
      const [alice, carol] = [await h.register(one, 'alice'), await h.register(one, 'carol')];
      const bob = await h.register(two, 'bob');
      const bob2 = await h.connect(two, bob, 'bob@2');
      const general = await generalOf(bob2);
      await h.connect(one, alice, 'alice@1');
      const carol1 = await h.connect(one, carol, 'carol@1');
      for (const user of [alice, carol]) await hears(bob2, user, true);

      await ownRedis().kill();
      carol1.close();
      await holds(one, carol, 0);
      await sleep(500);
      await ownRedis().restart();

      await hears(bob2, carol, false, 10_000);
      const deadline = Date.now() + 10_000;
      let online = await onlineIn(bob2, general);
      // Each node registers again at its first beat that finds it unknown.
      while (!(online.alice && online.bob) && Date.now() < deadline) {
        await sleep(100);
        online = await onlineIn(bob2, general);
      }
      expect(online).toEqual({ alice: true, bob: true, carol: false });
      expect(heard(bob2, carol)).toEqual([true, false]);
    }, 40_000);
  });

  it('T1, T2, C1: typing on node 1 reaches the other members on node 2 but no tab of the typer; closing the tab stops it there', async () => {
    const [one, two] = (await start()) as [TestServer, TestServer];
    const alice = await h.register(one, 'alice');
    const bob = await h.register(two, 'bob');
    const alice1 = await h.connect(one, alice, 'alice@1');
    const alice2 = await h.connect(two, alice, 'alice@2');
    const bob2 = await h.connect(two, bob, 'bob@2');
    const general = await generalOf(alice1);
    const event = { roomId: general, userId: alice.user.id, username: 'alice' };

    await alice1.ok('typing:start', { roomId: general });
    expect(await bob2.waitFor('typing:started')).toEqual(event);
    // Sent after the typing, through the same stream: once here, the typing would be too.
    const marker = await alice1.ok('message:send', { roomId: general, clientMessageId: newCmid(), text: 'marker' });
    await alice2.waitFor('message:created', (m) => m.id === marker.id);
    expect(alice2.received('typing:started')).toEqual([]);

    await alice1.ok('typing:start', { roomId: general });
    await until(() => bob2.received('typing:started').length === 2, 'bob@2 hears the second start');
    alice1.close();
    expect(await bob2.waitFor('typing:stopped')).toEqual(event);
  });

  it('T2, C2, C3: the typer’s node shutting down stops the typing for the members on the other node', async () => {
    const [one, two] = (await start()) as [TestServer, TestServer];
    const alice = await h.register(one, 'alice');
    const bob = await h.register(two, 'bob');
    const alice1 = await h.connect(one, alice, 'alice@1');
    const bob2 = await h.connect(two, bob, 'bob@2');
    const general = await generalOf(alice1);

    await alice1.ok('typing:start', { roomId: general });
    await bob2.waitFor('typing:started');
    await one.app.chat.shutdown({ drainTimeoutMs: 100, expectedBackInMs: 1000 });
    expect(await bob2.waitFor('typing:stopped')).toEqual({ roomId: general, userId: alice.user.id, username: 'alice' });
  });
});

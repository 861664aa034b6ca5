import { API_ROUTES, type Ack } from '@parley/shared-types';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { openRedisSlots, type RedisSlots } from '../src/cluster/redis.slots.js';
import type { Release } from '../src/security/connection-slots.js';
import { PAIR_FREE_FAILURES } from '../src/security/login-throttle.js';
import { ABUSE_REFUSALS_LIMIT, COMMAND_BUDGETS } from '../src/security/rate-limits.js';
import { useCluster } from './cluster.harness.js';
import { DEFAULT_PASSWORD, WAIT_MS, newCmid, type Harness, type TestClient, type TestServer } from './harness.js';
import { uniqueName } from './services/postgres.databases.js';
import { useOwnRedis } from './services/redis.service.js';

/*
 * Budgets and caps with two nodes on one Redis (SPEC C4): each test spends a budget or
 * fills a cap partly on node 1 and partly on node 2 and meets the limit at the total one
 * node would allow, not at twice that. The nodes run the real budgets (the other suites
 * lift them), so each test uses budgets with long windows or fires its attempts at once.
 */

/** The cap the connection tests use: small, so filling it is quick. */
const CAP = 3;
/** room:create: 10 an hour, so no window passes during a test. */
const CREATES_PER_HOUR = COMMAND_BUDGETS['room:create'].points;
/** message:send: 5 a second plus a burst of 5: 10 at once. */
const SENDS_AT_ONCE = COMMAND_BUDGETS['message:send'].points + (COMMAND_BUDGETS['message:send'].burst?.points ?? 0);

const login = (h: Harness, server: TestServer, username: string, password: string) =>
  h.http(server, API_ROUTES.login, { body: { username, password } });

/** Connects, or answers the refusal's message (`too_many_connections`, …). */
async function tryConnect(h: Harness, server: TestServer, cookie: string, label: string): Promise<TestClient | string> {
  try {
    return await h.connect(server, cookie, label);
  } catch (error) {
    // The harness says who was refused; the reason is what follows.
    return (error as Error).message.replace(/^.* was refused: /, '');
  }
}

const silentLog = { warn() {}, info() {}, error() {} } as unknown as FastifyBaseLogger;

describe('budgets and caps across two nodes', () => {
  const { h, start } = useCluster();

  async function twoNodes(config: { maxConnectionsPerUser?: number } = {}) {
    const [one, two] = (await start(2, { config, commandBudgets: COMMAND_BUDGETS })) as [TestServer, TestServer];
    const alice = await h.register(one, 'alice');
    return { one, two, alice };
  }

  it('C4: a user’s room:create budget (10 an hour) is one budget: 5 on node 1 and 5 on node 2 spend it; the 11th is rate_limited on either', async () => {
    const { one, two, alice } = await twoNodes();
    const on1 = await h.connect(one, alice, 'alice@1');
    const on2 = await h.connect(two, alice, 'alice@2');
    for (let i = 0; i < CREATES_PER_HOUR; i++) {
      await (i % 2 === 0 ? on1 : on2).ok('room:create', { name: `room-${i}` });
    }
    for (const tab of [on1, on2]) {
      const refused = await tab.request('room:create', { name: `one-too-many-${tab.label}` });
      expect(refused, tab.label).toMatchObject({ ok: false, error: 'rate_limited' });
      // An hour's window: the wait is counted in minutes, not in a node's fresh second.
      expect((refused as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(60_000);
    }
  });

  it('C4, W2: a burst of sends fired at once on both nodes passes 10 (one node’s burst) and answers the rest rate_limited', async () => {
    const { one, two, alice } = await twoNodes();
    const on1 = await h.connect(one, alice, 'alice@1');
    const on2 = await h.connect(two, alice, 'alice@2');
    const general = (await on1.ok('room:list', {})).find((r) => r.name === 'general')!;
    const acks: Ack<unknown>[] = await Promise.all(
      Array.from({ length: 2 * SENDS_AT_ONCE }, (_, i) =>
        (i % 2 === 0 ? on1 : on2).request('message:send', {
          roomId: general.id,
          clientMessageId: newCmid(),
          text: `burst ${i}`,
        }),
      ),
    );
    expect(acks.filter((a) => a.ok)).toHaveLength(SENDS_AT_ONCE);
    expect(acks.filter((a) => !a.ok).map((a) => (a.ok ? null : a.error))).toEqual(
      Array.from({ length: SENDS_AT_ONCE }, () => 'rate_limited'),
    );
  });

  it('C4, A9: wrong passwords alternating between the nodes meet the (account, address) budget at 10, as on one node', async () => {
    const { one, two } = await twoNodes();
    const nodes = [one, two];
    for (let i = 0; i < PAIR_FREE_FAILURES; i++) {
      expect((await login(h, nodes[i % 2]!, 'alice', `guess ${i}`)).status, `guess ${i}`).toBe(401);
    }
    // Past the budget one guess per back-off period is checked: the next ones, on either node, are not.
    for (const node of nodes) {
      const refused = await login(h, node, 'alice', 'one more guess');
      expect(refused.status).toBe(429);
      expect(refused.json).toMatchObject({ error: 'rate_limited' });
    }
  });

  it('C4, A9: a right password on node 2 gives back the budget the failures on node 1 spent', async () => {
    const { one, two } = await twoNodes();
    const spend = async (server: TestServer, count: number) => {
      for (let i = 0; i < count; i++) expect((await login(h, server, 'alice', `guess ${i}`)).status).toBe(401);
    };
    await spend(one, PAIR_FREE_FAILURES - 1);
    expect((await login(h, two, 'alice', DEFAULT_PASSWORD)).status).toBe(200);
    // Reset everywhere: a full budget again on node 1, and no more.
    await spend(one, PAIR_FREE_FAILURES);
    expect((await login(h, two, 'alice', 'one more guess')).status).toBe(429);
  });

  it('C4, W2: a flooder cut off on node 1 cannot come straight back on node 2 either', async () => {
    const { one, two, alice } = await twoNodes();
    const flooder = await h.connect(one, alice, 'flooder@1');
    const general = (await flooder.ok('room:list', {})).find((r) => r.name === 'general')!;
    const socket = flooder.socket as unknown as { emit(event: string, ...args: unknown[]): void };
    for (let i = 0; i < ABUSE_REFUSALS_LIMIT * 3; i++) {
      socket.emit('message:send', { roomId: general.id, clientMessageId: newCmid(), text: `spam ${i}` }, () => {});
    }
    expect(await flooder.waitForDisconnect()).toBe('io server disconnect');
    expect(await tryConnect(h, two, alice.cookie, 'flooder@2')).toBe('rate_limited');
    expect(await tryConnect(h, one, alice.cookie, 'flooder@1-again')).toBe('rate_limited');
  });

  it(`C4: the per-user cap (${CAP}) counts connections on both nodes; the next is refused wherever it lands`, async () => {
    const { one, two, alice } = await twoNodes({ maxConnectionsPerUser: CAP });
    const first = await h.connect(one, alice, 'alice@1 a');
    await h.connect(one, alice, 'alice@1 b');
    await h.connect(two, alice, 'alice@2 a');
    expect(await tryConnect(h, two, alice.cookie, 'alice@2 b')).toBe('too_many_connections');
    expect(await tryConnect(h, one, alice.cookie, 'alice@1 c')).toBe('too_many_connections');

    // Closing one on node 1 frees a place node 2 can give (once node 1 has heard of the close).
    first.close();
    const deadline = Date.now() + WAIT_MS;
    let landed: TestClient | string = 'not tried';
    while (typeof landed === 'string' && Date.now() < deadline) {
      landed = await tryConnect(h, two, alice.cookie, 'alice@2 b');
      if (typeof landed === 'string') await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(typeof landed === 'string' ? landed : 'connected').toBe('connected');
    expect(await tryConnect(h, one, alice.cookie, 'alice@1 d')).toBe('too_many_connections');
  });

  it(`C4: ${2 * CAP} handshakes of one user fired at once over both nodes: exactly ${CAP} are admitted`, async () => {
    const { one, two, alice } = await twoNodes({ maxConnectionsPerUser: CAP });
    const results = await Promise.all(
      Array.from({ length: 2 * CAP }, (_, i) => tryConnect(h, i % 2 === 0 ? one : two, alice.cookie, `alice #${i}`)),
    );
    expect(results.filter((r) => typeof r !== 'string')).toHaveLength(CAP);
    expect(results.filter((r) => typeof r === 'string')).toEqual(
      Array.from({ length: CAP }, () => 'too_many_connections'),
    );
  });
});

describe('a node that dies holding connection slots', () => {
  const clients: Redis[] = [];
  const nodes: RedisSlots[] = [];
  afterEach(async () => {
    for (const node of nodes.splice(0)) await node.close();
    for (const client of clients.splice(0)) client.disconnect();
  });

  /** A node's slot counter on its own Redis connection, with a heartbeat of 50 ms and a TTL of 300 ms. */
  async function node(keyPrefix: string) {
    const client = new Redis(inject('redisUrl'));
    client.on('error', () => {});
    clients.push(client);
    // The app's client is ready before anything counts on it (openRedisFanOut waits for it).
    await new Promise((resolve) => client.once('ready', resolve));
    const slots = openRedisSlots({ client, keyPrefix, log: silentLog, heartbeatMs: 50, nodeTtlMs: 300 });
    nodes.push(slots);
    return { client, counter: slots.store('user', 2) };
  }

  it('C4: its share stops counting once its heartbeat stops (the other node admits again); a released slot is free at once', async () => {
    const prefix = uniqueName('slots');
    const dying = await node(prefix);
    const survivor = await node(prefix);
    const held = (await dying.counter.take('alice')) as Release;
    expect(held).not.toBeNull();
    expect(await survivor.counter.take('alice')).not.toBeNull();
    expect(await survivor.counter.take('alice')).toBeNull();
    // A release reaches the other node's next take.
    held();
    const deadline = Date.now() + WAIT_MS;
    let again: Release | null = null;
    while (!again && Date.now() < deadline) again = await survivor.counter.take('alice');
    expect(again).not.toBeNull();
    expect(await survivor.counter.take('alice')).toBeNull();

    // The survivor holds 2 now; give one back and let the dying node take it, then kill that node.
    again!();
    let taken: Release | null = null;
    while (!taken && Date.now() < deadline) taken = await dying.counter.take('alice');
    expect(taken).not.toBeNull();
    expect(await survivor.counter.take('alice')).toBeNull();
    const diedAt = Date.now();
    dying.client.disconnect();
    let freed: Release | null = null;
    while (!freed && Date.now() - diedAt < 2000) {
      freed = await survivor.counter.take('alice');
      if (!freed) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(freed).not.toBeNull();
    // Not before the dead node's TTL: its slots counted while it might have been alive.
    expect(Date.now() - diedAt).toBeGreaterThanOrEqual(250);
  });
});

describe('Redis killed under two nodes with real budgets', () => {
  const { h, start } = useCluster();
  const ownRedis = useOwnRedis();

  it('C4: commands, sign-ins and connections still answer (budgets and the cap per node meanwhile); nothing crashes; shared again after', async () => {
    const [one, two] = (await start(2, {
      redisUrl: ownRedis().url,
      config: { maxConnectionsPerUser: CAP },
      commandBudgets: COMMAND_BUDGETS,
    })) as [TestServer, TestServer];
    const alice = await h.register(one, 'alice');
    const on1 = await h.connect(one, alice, 'alice@1');
    const general = (await on1.ok('room:list', {})).find((r) => r.name === 'general')!;

    await ownRedis().kill();
    const started = Date.now();
    // Insured by each node's memory: answered, not failed, and not kept waiting for Redis.
    const sent = await on1.ok('message:send', { roomId: general.id, clientMessageId: newCmid(), text: 'no Redis' });
    expect(sent.text).toBe('no Redis');
    for (let i = 0; i < CREATES_PER_HOUR; i++) await on1.ok('room:create', { name: `outage-${i}` });
    // Still a budget: node 1's memory counts it.
    expect(await on1.request('room:create', { name: 'one too many' })).toMatchObject({
      ok: false,
      error: 'rate_limited',
    });
    expect((await login(h, two, 'alice', DEFAULT_PASSWORD)).status).toBe(200);
    const on2 = await h.connect(two, alice, 'alice@2');
    await on2.ok('room:list', {});
    expect(Date.now() - started).toBeLessThan(10_000);

    await ownRedis().restart();
    // Back in Redis: the cap counts both nodes again once node 1 has republished its share.
    await h.connect(two, alice, 'alice@2 b');
    const deadline = Date.now() + 10_000;
    let refusal: TestClient | string = 'not tried';
    while (refusal !== 'too_many_connections' && Date.now() < deadline) {
      refusal = await tryConnect(h, two, alice.cookie, 'alice@2 extra');
      if (typeof refusal !== 'string') refusal.close();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(refusal).toBe('too_many_connections');
    for (const tab of [on1, on2]) expect(tab.connected, tab.label).toBe(true);
    await on1.ok('room:list', {});
  });
});

import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { RedisPresence } from './redis.presence.js';

/*
 * The scripts' decisions, with several directories ("nodes") on one key prefix of the
 * run's Redis and no sockets: who announces what, and when.
 */

const GRACE_MS = 100;
const FAST = { heartbeatMs: 50, expireMs: 300 };
const quiet = { warn: () => {}, error: () => {}, info: () => {} } as unknown as FastifyBaseLogger;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(10);
  }
}

describe('RedisPresence', () => {
  let client: Redis;
  let prefix: string;
  const nodes: RedisPresence[] = [];
  /** Every announcement of every node, as "node:user:online|offline". */
  let heard: string[];

  beforeEach(() => {
    client = new Redis(inject('redisUrl'));
    prefix = `presence-test-${randomBytes(6).toString('hex')}`;
    heard = [];
  });
  afterEach(async () => {
    for (const node of nodes.splice(0)) node.abandon();
    const keys = await client.keys(`${prefix}:*`);
    if (keys.length > 0) await client.del(...keys);
    client.disconnect();
  });

  async function node(name: string, options: { heartbeatMs?: number; expireMs?: number } = {}) {
    const presence = await RedisPresence.start({
      client,
      keyPrefix: prefix,
      graceMs: GRACE_MS,
      log: quiet,
      ...options,
    });
    presence.onChange((userId, state) => heard.push(`${name}:${userId}:${state === 'offline' ? 'offline' : 'online'}`));
    nodes.push(presence);
    return presence;
  }

  it('P4, C4: away and back are announced by the node whose connections all say away; the state holds across nodes', async () => {
    const a = await node('a');
    const b = await node('b');
    const states: string[] = [];
    a.onChange((userId, state) => states.push(`a:${userId}:${state}`));
    b.onChange((userId, state) => states.push(`b:${userId}:${state}`));
    a.connect('u', 'a1');
    a.connect('u', 'a2');
    await eventually(() => states.length === 1, 'u is online');
    a.setActive('u', 'a1', false);
    expect(await b.stateOf('u')).toBe('active');
    a.setActive('u', 'a2', false);
    expect(await a.stateOf('u')).toBe('away');
    a.setActive('u', 'a2', true);
    // A report from a connection this node does not hold changes nothing.
    b.setActive('u', 'a1', false);
    a.disconnect('u', 'a2');
    expect(states).toEqual(['a:u:active', 'a:u:away', 'a:u:active', 'a:u:away']);
    // Another node sees the user online; away is the view of the node holding the connections (C4).
    expect(await b.stateOf('u')).toBe('active');
    a.disconnect('u', 'a1');
    await eventually(async () => (await b.stateOf('u')) === 'offline', 'u goes offline');
    expect(states.at(-1)).toMatch(/:u:offline$/);
  });

  it('P1, C3: the first connection anywhere is announced once, by its node; the last close anywhere once, after the grace', async () => {
    const a = await node('a');
    const b = await node('b');
    a.connect('u', 'a1');
    b.connect('u', 'b1');
    a.connect('u', 'a2');
    await eventually(async () => (await b.isOnline('u')) && heard.length === 1, 'u is online');
    expect(heard).toEqual(['a:u:online']);

    a.disconnect('u', 'a1');
    a.disconnect('u', 'a2');
    await sleep(3 * GRACE_MS);
    expect(heard).toEqual(['a:u:online']);
    expect(await a.isOnline('u')).toBe(true);

    b.disconnect('u', 'b1');
    expect(await a.isOnline('u')).toBe(true);
    await eventually(() => heard.length === 2, 'u goes offline');
    await sleep(3 * GRACE_MS);
    expect(heard).toEqual(['a:u:online', 'b:u:offline']);
    expect(await a.isOnline('u')).toBe(false);
  });

  it('P2, C3: back on another node within the grace delay: nothing announced; a close restarts the delay', async () => {
    const a = await node('a');
    const b = await node('b');
    a.connect('u', 'a1');
    await eventually(() => heard.length === 1, 'u is online');
    a.disconnect('u', 'a1');
    b.connect('u', 'b1');
    await sleep(GRACE_MS / 2);
    // Node a's timer fires first and must not count from its own, older close.
    b.disconnect('u', 'b1');
    await sleep(GRACE_MS * 0.7);
    expect(heard).toEqual(['a:u:online']);
    await eventually(() => heard.length === 2, 'u goes offline');
    // Either node's timer may be the one that finds the delay over; only one announces.
    expect(heard).toEqual(['a:u:online', expect.stringMatching(/^(a|b):u:offline$/)]);
  });

  it('C3: a node that stops beating is dropped by a survivor, whose users not connected elsewhere go offline once', async () => {
    const dead = await node('dead', FAST);
    const a = await node('a', FAST);
    const b = await node('b', FAST);
    dead.connect('gone', 'd1');
    dead.connect('stays', 'd2');
    a.connect('stays', 'a1');
    await eventually(() => heard.length === 2, 'both online');
    dead.abandon();
    await eventually(() => heard.some((e) => e.endsWith(':gone:offline')), 'gone goes offline');
    await sleep(5 * FAST.heartbeatMs);
    expect(heard.filter((e) => e.includes(':gone:'))).toEqual([
      'dead:gone:online',
      expect.stringMatching(/^(a|b):gone:offline$/),
    ]);
    expect(await b.isOnline('stays')).toBe(true);
    expect(await client.sismember(`${prefix}:presence:instances`, dead.instanceId)).toBe(0);
  });

  it('C3: after Redis lost the shared state, each node registers its connections again', async () => {
    const a = await node('a', FAST);
    a.connect('u', 'a1');
    await eventually(() => heard.length === 1, 'u is online');
    await client.del(...(await client.keys(`${prefix}:*`)));
    await eventually(() => a.isOnline('u'), 'u is online again');
    expect(await client.hget(`${prefix}:presence:conns:u`, a.instanceId)).toBe('1');
  });

  it('answers a whole members list with one lookup, and a stopped node leaves its users to the grace delay', async () => {
    const a = await node('a', FAST);
    const b = await node('b', FAST);
    a.connect('u1', 'a1');
    a.connect('u2', 'a2');
    await eventually(() => heard.length === 2, 'both online');
    expect(await Promise.all(['u1', 'u2', 'u3', 'u1'].map((id) => b.isOnline(id)))).toEqual([true, true, false, true]);

    await a.dispose();
    expect(await b.isOnline('u1')).toBe(true);
    await eventually(() => heard.length === 4, 'both offline');
    expect(heard.slice(2).sort()).toEqual(['b:u1:offline', 'b:u2:offline']);
  });
});

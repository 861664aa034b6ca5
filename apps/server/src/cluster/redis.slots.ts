import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Release, SlotStore } from '../security/connection-slots.js';

/*
 * Connection slots counted across nodes (the per-user cap, SPEC C4). Each node keeps its
 * own share in Redis: a hash `<prefix>:slots:node:<node id>` of `<counter>|<key>` → slots
 * held on that node, which expires NODE_TTL_MS after the node's last heartbeat. A take is
 * one Lua script, so two nodes admitting the same user at once cannot both pass a cap of
 * one remaining slot: it sums the key's count over the live nodes and adds one to this
 * node's share only while the sum is below the cap.
 *
 * A node that dies cannot give its slots back: the registry `<prefix>:slots:nodes`
 * (node id → deadline on Redis's clock) lets every take skip, and delete, the share of a
 * node whose deadline passed, and the share's own expiry removes it even if no take comes.
 * So a dead node's users get their places back within NODE_TTL_MS.
 *
 * This node's share is also held in memory, which is the truth it republishes to Redis
 * after anything went wrong (a command that failed or timed out, a Redis restart that lost
 * the data, a share that expired during a long outage). While Redis does not answer, slots
 * are counted in that memory alone: the cap holds per node until Redis is back, rather than
 * refusing everyone or admitting without bound.
 *
 * The take script reads other nodes' hashes by computed names, which a single Redis (or a
 * primary with replicas) allows and Redis Cluster does not.
 */

/** How often a node renews its deadline and its share's expiry. */
export const NODE_HEARTBEAT_MS = 5000;
/** A node silent for this long is dead: its share no longer counts. Three missed heartbeats. */
export const NODE_TTL_MS = 15_000;
/** How long a take or release waits for Redis before counting in this node's memory. */
const REDIS_SLOT_TIMEOUT_MS = 500;

const NOW_MS = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/** KEYS: registry, own share. ARGV: node id, field, max, share key prefix, ttl ms. 1 granted, 0 refused. */
const TAKE_LUA = `${NOW_MS}
local ttl = tonumber(ARGV[5])
redis.call('HSET', KEYS[1], ARGV[1], now + ttl)
local total = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0')
local nodes = redis.call('HGETALL', KEYS[1])
for i = 1, #nodes, 2 do
  local node = nodes[i]
  if node ~= ARGV[1] then
    if tonumber(nodes[i + 1]) < now then
      redis.call('HDEL', KEYS[1], node)
      redis.call('DEL', ARGV[4] .. node)
    else
      total = total + tonumber(redis.call('HGET', ARGV[4] .. node, ARGV[2]) or '0')
    end
  end
end
if total >= tonumber(ARGV[3]) then return 0 end
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
redis.call('PEXPIRE', KEYS[2], ttl)
return 1`;

/** KEYS: own share. ARGV: field. The slots left (negative: the share was out of date). */
const RELEASE_LUA = `local left = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if left <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return left`;

/** KEYS: registry, own share. ARGV: node id, ttl ms. 1 when the share exists, else 0. */
const HEARTBEAT_LUA = `${NOW_MS}
redis.call('HSET', KEYS[1], ARGV[1], now + tonumber(ARGV[2]))
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  return 1
end
return 0`;

/** KEYS: registry, own share. ARGV: node id, ttl ms, then field, count pairs. Replaces the share. */
const REPUBLISH_LUA = `${NOW_MS}
redis.call('HSET', KEYS[1], ARGV[1], now + tonumber(ARGV[2]))
redis.call('DEL', KEYS[2])
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1`;

/** KEYS: registry, own share. ARGV: node id. A node stopping gives its share up at once. */
const LEAVE_LUA = `redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
return 1`;

type SlotCommands = {
  parleySlotTake(...args: Array<string | number>): Promise<number>;
  parleySlotRelease(...args: Array<string | number>): Promise<number>;
  parleySlotHeartbeat(...args: Array<string | number>): Promise<number>;
  parleySlotRepublish(...args: Array<string | number>): Promise<number>;
  parleySlotLeave(...args: Array<string | number>): Promise<number>;
};

export type RedisSlots = {
  store: SlotStore;
  /** Stops the heartbeat and gives this node's share up (call once its sockets are gone). */
  close(): Promise<void>;
};

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function openRedisSlots(options: {
  client: Redis;
  keyPrefix: string;
  log: FastifyBaseLogger;
  /** Tests shorten these to see a dead node's share dropped. */
  heartbeatMs?: number;
  nodeTtlMs?: number;
}): RedisSlots {
  const { client, log } = options;
  const heartbeatMs = options.heartbeatMs ?? NODE_HEARTBEAT_MS;
  const ttlMs = options.nodeTtlMs ?? NODE_TTL_MS;
  const nodeId = randomUUID();
  const registry = `${options.keyPrefix}:slots:nodes`;
  const sharePrefix = `${options.keyPrefix}:slots:node:`;
  const share = `${sharePrefix}${nodeId}`;
  for (const [name, lua, numberOfKeys] of [
    ['parleySlotTake', TAKE_LUA, 2],
    ['parleySlotRelease', RELEASE_LUA, 1],
    ['parleySlotHeartbeat', HEARTBEAT_LUA, 2],
    ['parleySlotRepublish', REPUBLISH_LUA, 2],
    ['parleySlotLeave', LEAVE_LUA, 2],
  ] as const) {
    client.defineCommand(name, { lua, numberOfKeys });
  }
  const redis = client as Redis & SlotCommands;

  /** This node's slots per field: the truth its share in Redis mirrors. */
  const held = new Map<string, number>();
  /** Redis may disagree with `held` (a command failed or was skipped): republish at the next heartbeat. */
  let stale = false;
  let closed = false;
  /** One warning per outage, not one per connection. */
  let warned = false;

  const ready = () => !closed && client.status === 'ready';
  function lostTouch(error: unknown) {
    stale = true;
    if (warned) return;
    warned = true;
    log.warn({ err: error }, 'connection slots: Redis did not answer, counting on this node until it does');
  }

  function grant(field: string): Release {
    held.set(field, (held.get(field) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (held.get(field) ?? 1) - 1;
      if (left > 0) held.set(field, left);
      else held.delete(field);
      if (!ready()) {
        stale = true;
        return;
      }
      withTimeout(redis.parleySlotRelease(share, field), REDIS_SLOT_TIMEOUT_MS)
        .then((remaining) => {
          if (remaining < 0) stale = true;
        })
        .catch(lostTouch);
    };
  }

  async function republish(): Promise<void> {
    const pairs = [...held].flatMap(([field, count]) => [field, count]);
    await redis.parleySlotRepublish(registry, share, nodeId, ttlMs, ...pairs);
  }

  async function beat(): Promise<void> {
    if (!ready()) {
      stale = true;
      return;
    }
    try {
      if (stale) {
        stale = false;
        await withTimeout(republish(), REDIS_SLOT_TIMEOUT_MS);
      } else {
        const exists = await withTimeout(
          redis.parleySlotHeartbeat(registry, share, nodeId, ttlMs),
          REDIS_SLOT_TIMEOUT_MS,
        );
        // Gone while this node held slots (Redis restarted empty, or the share expired):
        // without a republish, other nodes would not count them.
        if (exists === 0 && held.size > 0) await withTimeout(republish(), REDIS_SLOT_TIMEOUT_MS);
      }
      if (warned) log.info('connection slots: counted in Redis again');
      warned = false;
    } catch (error) {
      lostTouch(error);
    }
  }
  const heartbeat = setInterval(() => void beat(), heartbeatMs);
  heartbeat.unref();

  return {
    store: (name, max) => ({
      async take(key) {
        const field = `${name}|${key}`;
        if (ready()) {
          try {
            const granted = await withTimeout(
              redis.parleySlotTake(registry, share, nodeId, field, max, sharePrefix, ttlMs),
              REDIS_SLOT_TIMEOUT_MS,
            );
            return granted === 1 ? grant(field) : null;
          } catch (error) {
            lostTouch(error);
          }
        } else stale = true;
        // Redis is away: this node's own share is all it can check.
        return (held.get(field) ?? 0) >= max ? null : grant(field);
      },
    }),
    async close() {
      closed = true;
      clearInterval(heartbeat);
      await withTimeout(redis.parleySlotLeave(registry, share, nodeId), REDIS_SLOT_TIMEOUT_MS).catch(() => {
        // Unreachable Redis: the share expires on its own after NODE_TTL_MS.
      });
    },
  };
}

import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RLWrapperTimeouts } from 'rate-limiter-flexible';
import type { LimitStores } from '../security/limit-stores.js';
import type { LimiterStore } from '../security/rate-limits.js';
import { openRedisSlots } from './redis.slots.js';

/*
 * Budgets shared by every node: rate-limiter-flexible's RateLimiterRedis (one Lua
 * INCR-with-expiry per take, so concurrent takes on several nodes each see their own
 * count), with the same points and windows as on one node.
 *
 * A Redis outage must not fail every command, sign-in and handshake: each limiter is
 * insured by a RateLimiterMemory of the same budget, which answers whenever Redis does
 * not, so budgets fall back to per node (a user on two nodes gets twice the budget
 * meanwhile) instead of refusing. Two ways Redis can fail to answer:
 * - the connection is down: `rejectIfRedisNotReady` answers from memory at once, instead of
 *   waiting in ioredis's offline queue until Redis is back (up to ~10 s per command);
 * - a command was sent just before the connection died, or Redis is slow: the timeout wrapper
 *   answers from memory after REDIS_LIMIT_TIMEOUT_MS.
 * The Redis limiter itself has no insurance, so a failure is answered from memory once.
 */

/** How long a budget waits for Redis before answering from this node's memory. */
export const REDIS_LIMIT_TIMEOUT_MS = 500;

export function redisLimiters(options: { client: Redis; keyPrefix: string; timeoutMs?: number }): LimiterStore {
  return (spec) => {
    const shared = new RateLimiterRedis({
      ...spec,
      keyPrefix: `${options.keyPrefix}:limits:${spec.keyPrefix}`,
      storeClient: options.client,
      // ioredis, not node-redis: the defaults (useRedisPackage false) fit it.
      rejectIfRedisNotReady: true,
    });
    return new RLWrapperTimeouts({
      limiter: shared,
      insuranceLimiter: new RateLimiterMemory(spec),
      timeoutMs: options.timeoutMs ?? REDIS_LIMIT_TIMEOUT_MS,
    });
  };
}

/** Budgets and per-user slots on the Redis connection the nodes fan out through (SPEC C4). */
export function openRedisLimitStores(options: {
  client: Redis;
  keyPrefix: string;
  log: FastifyBaseLogger;
}): LimitStores {
  const slots = openRedisSlots(options);
  return { limiters: redisLimiters(options), slots: slots.store, close: () => slots.close() };
}

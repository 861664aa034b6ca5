import type { ChatCommand } from '@parley/shared-types';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** One budget: `points` per `duration` seconds per key, under a prefix no other budget uses. */
export type LimiterSpec = { keyPrefix: string; points: number; duration: number };

/**
 * Where budgets are counted: this process's memory (one node), or a store every node
 * shares (cluster/redis.limits.ts), so that a user or an address gets the same budget
 * whichever node it lands on. Prefixes must differ between budgets: in a shared store
 * two budgets with one prefix would spend each other's points.
 */
export type LimiterStore = (spec: LimiterSpec) => RateLimiterAbstract;

export const memoryLimiters: LimiterStore = (spec) => new RateLimiterMemory(spec);

/**
 * Per-user budgets for each chat command: a sustained rate plus a burst allowance
 * (rate-limiter-flexible's BurstyRateLimiter: a short window for the rate, a longer one
 * for the burst), counted in the LimiterStore the app chose.
 */
export type Budget = { points: number; perSeconds: number; burst?: { points: number; perSeconds: number } };

export const COMMAND_BUDGETS: Record<ChatCommand, Budget> = {
  // 5 per second, bursts of 10.
  'message:send': { points: 5, perSeconds: 1, burst: { points: 5, perSeconds: 2 } },
  // Clients send at most one start per 3 s per room; a broadcast per 2 s is the ceiling
  // (no burst allowance: a burst would let 3 broadcasts through back to back).
  'typing:start': { points: 1, perSeconds: 2 },
  // Stops are cheap and clear indicators: generous, but bounded.
  'typing:stop': { points: 5, perSeconds: 1, burst: { points: 10, perSeconds: 10 } },
  'room:create': { points: 10, perSeconds: 3600 },
  'room:join': { points: 30, perSeconds: 60 },
  'room:leave': { points: 30, perSeconds: 60 },
  'room:invite': { points: 30, perSeconds: 60 },
  'room:remove-member': { points: 30, perSeconds: 60 },
  'room:invitations': { points: 10, perSeconds: 1, burst: { points: 20, perSeconds: 10 } },
  'room:withdraw-invitation': { points: 30, perSeconds: 60 },
  // Asked on every (re)connect, like room:list.
  'room:received-invitations': { points: 10, perSeconds: 1, burst: { points: 20, perSeconds: 10 } },
  'dm:open': { points: 30, perSeconds: 60 },
  // G1, G3: like making rooms and DMs; each one reaches up to 7 other people.
  'group:create': { points: 10, perSeconds: 3600 },
  'group:add': { points: 30, perSeconds: 60 },
  // G7: asked when the New message dialog opens.
  'people:list': { points: 10, perSeconds: 1, burst: { points: 20, perSeconds: 10 } },
  'room:list': { points: 10, perSeconds: 1, burst: { points: 20, perSeconds: 10 } },
  'room:browse': { points: 10, perSeconds: 1, burst: { points: 20, perSeconds: 10 } },
  'room:members': { points: 10, perSeconds: 1, burst: { points: 40, perSeconds: 10 } },
  'message:history': { points: 10, perSeconds: 1, burst: { points: 40, perSeconds: 10 } },
  // F1: a search on Enter, and the next pages: fewer than history pages, each costs more.
  'message:search': { points: 5, perSeconds: 1, burst: { points: 20, perSeconds: 10 } },
  // Changes to messages: a burst of quick fixes or reactions, not a stream.
  'message:edit': { points: 5, perSeconds: 1, burst: { points: 5, perSeconds: 2 } },
  'message:delete': { points: 5, perSeconds: 1, burst: { points: 5, perSeconds: 2 } },
  'reaction:add': { points: 10, perSeconds: 1, burst: { points: 10, perSeconds: 2 } },
  'reaction:remove': { points: 10, perSeconds: 1, burst: { points: 10, perSeconds: 2 } },
  // Hole fills after a resume: about as often as history pages.
  'message:changes': { points: 10, perSeconds: 1, burst: { points: 40, perSeconds: 10 } },
  // Read markers move while one scrolls and as messages arrive; clients coalesce them.
  'room:read': { points: 10, perSeconds: 1, burst: { points: 30, perSeconds: 10 } },
  'room:read-state': { points: 10, perSeconds: 1, burst: { points: 30, perSeconds: 10 } },
  'room:notify': { points: 30, perSeconds: 60 },
  // P4: each tab says so when it is shown, hidden or idle, and once on every connect; P6's
  // switch writes to storage and tells every room, so a stream of toggles is cut short.
  'presence:set': { points: 5, perSeconds: 1, burst: { points: 10, perSeconds: 10 } },
};

type Limiter = { consume(key: string): Promise<RateLimiterRes> };

function limiterFor(command: string, budget: Budget, store: LimiterStore): Limiter {
  const base = store({ keyPrefix: command, points: budget.points, duration: budget.perSeconds });
  if (!budget.burst) return base;
  const burst = store({
    keyPrefix: `${command}:burst`,
    points: budget.burst.points,
    duration: budget.burst.perSeconds,
  });
  return new BurstyRateLimiter(base, burst);
}

export type Verdict = { ok: true } | { ok: false; retryAfterMs: number };

export class CommandLimits {
  private readonly limiters: Map<string, Limiter>;

  constructor(budgets: Record<string, Budget> = COMMAND_BUDGETS, store: LimiterStore = memoryLimiters) {
    this.limiters = new Map(
      Object.entries(budgets).map(([command, budget]) => [command, limiterFor(command, budget, store)]),
    );
  }

  async take(command: ChatCommand, userId: string): Promise<Verdict> {
    const limiter = this.limiters.get(command);
    return limiter ? takeFrom(limiter, userId) : { ok: true };
  }
}

async function takeFrom(limiter: Limiter, key: string): Promise<Verdict> {
  try {
    await limiter.consume(key);
    return { ok: true };
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return { ok: false, retryAfterMs: Math.max(1, rejection.msBeforeNext) };
    throw rejection;
  }
}

/**
 * B1: uploads per user, over HTTP. Each may carry MAX_UPLOAD_BYTES to disk or database, so
 * the budget bounds what one account can pour in: a handful at once (a few files dropped
 * together), about one every two seconds after that.
 */
export const UPLOAD_BUDGET: Budget = { points: 30, perSeconds: 60, burst: { points: 10, perSeconds: 10 } };

export class UploadLimits {
  private readonly limiter: Limiter;

  constructor(budget: Budget = UPLOAD_BUDGET, store: LimiterStore = memoryLimiters) {
    this.limiter = limiterFor('file-upload', budget, store);
  }

  take(userId: string): Promise<Verdict> {
    return takeFrom(this.limiter, userId);
  }
}

/**
 * Chat handshakes per client address and minute. Each one costs a session lookup and a
 * read of the user's rooms before any cap can refuse it, so a machine that connects and
 * disconnects in a loop is refused (`rate_limited`) before that work. Generous: a
 * browser retries every few seconds, and a whole office behind one NAT reconnects at
 * once after a restart.
 */
export class HandshakeLimits {
  private readonly limiter: Limiter;

  /** `name` keeps this budget apart from the other handshake budget in a shared store. */
  constructor(perMinute: number, store: LimiterStore = memoryLimiters, name = 'handshake') {
    this.limiter = limiterFor(name, { points: perMinute, perSeconds: 60 }, store);
  }

  take(address: string): Promise<Verdict> {
    return takeFrom(this.limiter, address);
  }
}

/**
 * Counts refusals per connection; a connection that keeps hammering after being told to
 * wait is cut off, and its user's new connections are refused (`rate_limited`) for one
 * more window; then the client may reconnect, within the connection caps.
 */
export const ABUSE_REFUSALS_LIMIT = 100;
export const ABUSE_WINDOW_MS = 10_000;

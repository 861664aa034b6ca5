import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { memoryLimiters, type LimiterStore } from './rate-limits.js';

/*
 * Sign-in throttling, taken before the password is checked: every attempt spends its
 * budgets first and gets them back only when it succeeds, so guesses fired at once cannot
 * all be checked before the first failure is counted.
 *
 * Three budgets, the way large sign-in systems split them:
 * - per (account, address): 10 failures per 15 minutes. The guesser's own budget.
 * - per address: 30 failures per 15 minutes, whatever the accounts (password spraying).
 * - per account, from addresses it has not signed in from lately: 100 failures per hour.
 *   The backstop against guesses spread over many addresses. The owner's own addresses
 *   (signed in from within two weeks) are not held back by it, so a stranger cannot lock
 *   the owner out by failing on purpose from elsewhere.
 * Past a budget, one attempt per back-off period is checked, the period doubling with each
 * (1 s, 2 s, 4 s … up to 15 minutes); the others are refused with `rate_limited` unchecked.
 * The account key is the lower-cased name whether or not the account exists, so the
 * answers reveal nothing about which accounts exist.
 * Every budget is counted in the app's LimiterStore: with several nodes, in Redis, so
 * guesses spread over the nodes spend one budget (SPEC C4).
 */
export const PAIR_FREE_FAILURES = 10;
export const IP_FREE_FAILURES = 30;
export const ACCOUNT_FREE_FAILURES = 100;
const WINDOW_S = 15 * 60;
const ACCOUNT_WINDOW_S = 60 * 60;
const MAX_BLOCK_S = 15 * 60;
/**
 * How long an address where the account signed in stays exempt from the account backstop.
 * Two weeks: the in-memory store expires keys with a timer, which cannot wait longer than
 * 2^31 ms (about 24.8 days).
 */
const FAMILIAR_S = 14 * 24 * 60 * 60;

export type Throttled = { retryAfterMs: number };

type Grant = { undo(): Promise<void>; succeeded(): Promise<void> };

/** One budget of failures per key, with a back-off gate once it is spent. */
class FailureBudget {
  private readonly failures: RateLimiterAbstract;
  /** Past the budget: a single point per back-off period, re-blocked for longer after each use. */
  private readonly gate: RateLimiterAbstract;

  constructor(
    store: LimiterStore,
    prefix: string,
    private readonly free: number,
    windowS: number,
    private readonly onSuccess: 'reset' | 'refund',
  ) {
    this.failures = store({ keyPrefix: `${prefix}-fail`, points: Number.MAX_SAFE_INTEGER, duration: windowS });
    this.gate = store({ keyPrefix: `${prefix}-gate`, points: 1, duration: 1 });
  }

  async take(key: string): Promise<Grant | Throttled> {
    // Counted first: concurrent attempts each see a different count.
    const { consumedPoints } = await this.failures.penalty(key, 1);
    let gated = false;
    if (consumedPoints >= this.free) {
      try {
        await this.gate.consume(key);
      } catch (rejection) {
        await this.failures.reward(key, 1);
        if (rejection instanceof RateLimiterRes) return { retryAfterMs: Math.max(1, rejection.msBeforeNext) };
        throw rejection;
      }
      gated = true;
      await this.gate.block(key, Math.min(2 ** (consumedPoints - this.free), MAX_BLOCK_S));
    }
    return {
      undo: async () => {
        await this.failures.reward(key, 1);
        if (gated) await this.gate.delete(key);
      },
      succeeded: async () => {
        if (this.onSuccess === 'reset') {
          await Promise.all([this.failures.delete(key), this.gate.delete(key)]);
        } else {
          await this.failures.reward(key, 1);
        }
      },
    };
  }
}

const isThrottled = (value: Grant | Throttled): value is Throttled => 'retryAfterMs' in value;

export type SignInAttempt = {
  /** The password was right: the budgets it took are given back, and the address becomes familiar. */
  succeeded(): Promise<void>;
};

export class LoginThrottle {
  private readonly pair: FailureBudget;
  /** A right password must not license guessing other accounts from that address: refunded, not reset. */
  private readonly address: FailureBudget;
  private readonly account: FailureBudget;
  private readonly familiar: RateLimiterAbstract;
  private readonly registrations: RateLimiterAbstract;

  constructor(registrationsPerIpPerHour: number, store: LimiterStore = memoryLimiters) {
    this.pair = new FailureBudget(store, 'login-pair', PAIR_FREE_FAILURES, WINDOW_S, 'reset');
    this.address = new FailureBudget(store, 'login-ip', IP_FREE_FAILURES, WINDOW_S, 'refund');
    this.account = new FailureBudget(store, 'login-account', ACCOUNT_FREE_FAILURES, ACCOUNT_WINDOW_S, 'refund');
    this.familiar = store({ keyPrefix: 'login-familiar', points: 1, duration: FAMILIAR_S });
    this.registrations = store({ keyPrefix: 'register-ip', points: registrationsPerIpPerHour, duration: 3600 });
  }

  /** Before checking a password: takes every budget, or refuses (giving back what it took). */
  async begin(
    ip: string,
    username: string,
  ): Promise<{ ok: true; attempt: SignInAttempt } | ({ ok: false } & Throttled)> {
    const account = username.toLowerCase();
    const pairKey = `${account}|${ip}`;
    const familiar = (await this.familiar.get(pairKey)) !== null;
    const grants: Grant[] = [];
    const budgets: Array<[FailureBudget, string]> = [
      [this.pair, pairKey],
      [this.address, ip],
      ...(familiar ? [] : ([[this.account, account]] as Array<[FailureBudget, string]>)),
    ];
    for (const [budget, key] of budgets) {
      const taken = await budget.take(key);
      if (isThrottled(taken)) {
        await Promise.all(grants.map((g) => g.undo()));
        return { ok: false, retryAfterMs: taken.retryAfterMs };
      }
      grants.push(taken);
    }
    return {
      ok: true,
      attempt: {
        succeeded: async () => {
          await Promise.all(grants.map((g) => g.succeeded()));
          await this.rememberAddress(username, ip);
        },
      },
    };
  }

  /** A sign-up or a sign-in from `ip`: the account backstop does not hold this address back. */
  async rememberAddress(username: string, ip: string): Promise<void> {
    await this.familiar.set(`${username.toLowerCase()}|${ip}`, 1, FAMILIAR_S);
  }

  async registration(ip: string): Promise<Throttled | null> {
    try {
      await this.registrations.consume(ip);
      return null;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return { retryAfterMs: Math.max(1, rejection.msBeforeNext) };
      throw rejection;
    }
  }
}

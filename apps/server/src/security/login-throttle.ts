import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/*
 * Sign-in throttling with growing back-off, per account and per IP. The account key is
 * the lower-cased username whether or not the account exists, so throttling reveals
 * nothing about which accounts exist. Limits leave room for honest mistakes: an IP gets
 * 30 failed sign-ins per 15 minutes with the normal answer, an account 10. Past that,
 * each further failure doubles a block (1 s, 2 s, 4 s … capped at 15 minutes) during
 * which sign-in is refused with `rate_limited` before any password is checked.
 */
const WINDOW_S = 15 * 60;
export const IP_FREE_FAILURES = 30;
export const ACCOUNT_FREE_FAILURES = 10;
const MAX_BLOCK_S = 15 * 60;

export type Throttled = { retryAfterMs: number };

const failureCounter = (keyPrefix: string) =>
  new RateLimiterMemory({ keyPrefix, points: 1_000_000, duration: WINDOW_S });

export class LoginThrottle {
  private readonly failures = { ip: failureCounter('login-fail-ip'), account: failureCounter('login-fail-account') };
  /** Blocked keys: `block()` marks a key over its single point until the block ends. */
  private readonly blocks = new RateLimiterMemory({ keyPrefix: 'login-block', points: 1, duration: 1 });
  private readonly registrations: RateLimiterMemory;

  constructor(registrationsPerIpPerHour: number) {
    this.registrations = new RateLimiterMemory({
      keyPrefix: 'register-ip',
      points: registrationsPerIpPerHour,
      duration: 3600,
    });
  }

  /** Before checking a password: refused while the IP or the account is blocked. */
  async check(ip: string, username: string): Promise<Throttled | null> {
    const states = await Promise.all([this.blocks.get(`ip:${ip}`), this.blocks.get(`account:${username.toLowerCase()}`)]);
    const blockedMs = Math.max(0, ...states.map((s) => (s && s.consumedPoints > 1 ? s.msBeforeNext : 0)));
    return blockedMs > 0 ? { retryAfterMs: blockedMs } : null;
  }

  async failed(ip: string, username: string): Promise<void> {
    await Promise.all([
      this.count(this.failures.ip, `ip:${ip}`, IP_FREE_FAILURES),
      this.count(this.failures.account, `account:${username.toLowerCase()}`, ACCOUNT_FREE_FAILURES),
    ]);
  }

  /** Success clears the account's count (not the IP's: one right password must not license guessing others). */
  async succeeded(username: string): Promise<void> {
    await this.failures.account.delete(`account:${username.toLowerCase()}`);
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

  private async count(counter: RateLimiterMemory, key: string, free: number): Promise<void> {
    const { consumedPoints } = await counter.penalty(key, 1);
    const excess = consumedPoints - free;
    if (excess > 0) await this.blocks.block(key, Math.min(2 ** (excess - 1), MAX_BLOCK_S));
  }
}

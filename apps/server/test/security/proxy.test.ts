import { API_ROUTES } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { IP_FREE_FAILURES } from '../../src/security/login-throttle.js';
import { useHarness, type TestServer } from '../harness.js';

/*
 * SEC-PROXY: X-Forwarded-For names the client only when the peer that sent it is a
 * trusted proxy. Otherwise a client could pick a new "address" per request and walk
 * around every per-IP budget.
 */
describe('SEC-PROXY: forwarded client addresses', () => {
  const h = useHarness();

  /** Fails sign-ins with a new forged address and a new username each time; returns the statuses. */
  async function failManyTimes(server: TestServer, count: number): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) {
      const res = await h.http(server, API_ROUTES.login, {
        body: { username: `nobody${i}`, password: 'wrong password' },
        headers: { 'x-forwarded-for': `203.0.113.${i + 1}` },
      });
      statuses.push(res.status);
    }
    return statuses;
  }

  it('SEC-PROXY: from an untrusted peer, forged X-Forwarded-For values all count against the peer address', async () => {
    const server = await h.start({ trustProxy: [] });
    const statuses = await failManyTimes(server, IP_FREE_FAILURES + 2);
    expect(statuses.slice(0, IP_FREE_FAILURES)).toEqual(Array(IP_FREE_FAILURES).fill(401));
    expect(statuses.at(-1)).toBe(429);
  });

  it('SEC-PROXY: behind a trusted proxy, each forwarded client address has its own budget', async () => {
    const server = await h.start({ trustProxy: ['loopback'] });
    const statuses = await failManyTimes(server, IP_FREE_FAILURES + 2);
    expect(statuses).toEqual(Array(IP_FREE_FAILURES + 2).fill(401));
  });
});

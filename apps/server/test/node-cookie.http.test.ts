import { API_ROUTES } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD, useHarness } from './harness.js';

/** Every Set-Cookie line of an answer. */
const setCookies = (headers: Headers): string[] => headers.getSetCookie();
const nodeCookies = (headers: Headers): string[] => setCookies(headers).filter((c) => c.startsWith('parley_node='));

describe('C5: the node cookie that keeps a browser on one node behind the balancer', () => {
  const h = useHarness();

  it('C5: with NODE_ID, pages, API answers and Engine.IO handshakes set parley_node until the browser carries it', async () => {
    const server = await h.start({ nodeId: 'node-7' });
    const health = await h.http(server, API_ROUTES.health);
    expect(nodeCookies(health.headers)).toEqual(['parley_node=node-7; Path=/; Max-Age=86400; HttpOnly; SameSite=Lax']);
    // A browser that carries it is not told again.
    const again = await h.http(server, API_ROUTES.health, { cookie: 'other=1; parley_node=node-7' });
    expect(nodeCookies(again.headers)).toEqual([]);
    // One carrying another node's name (it failed over here) is moved to this one.
    const moved = await h.http(server, API_ROUTES.health, { cookie: 'parley_node=node-2' });
    expect(nodeCookies(moved.headers)).toHaveLength(1);
    expect(nodeCookies(moved.headers)[0]).toMatch(/^parley_node=node-7;/);

    // The long-polling handshake is answered by Engine.IO itself.
    const handshake = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`);
    await handshake.text();
    expect(handshake.status).toBe(200);
    expect(nodeCookies(handshake.headers)).toHaveLength(1);
  });

  it('C5: the session cookie of a sign-up is still set beside the node cookie', async () => {
    const server = await h.start({ nodeId: 'node-1' });
    const res = await h.http(server, API_ROUTES.register, { body: { username: 'alice', password: DEFAULT_PASSWORD } });
    expect(res.status).toBe(201);
    const lines = setCookies(res.headers);
    expect(lines.some((c) => c.startsWith('parley_node=node-1;'))).toBe(true);
    expect(lines.filter((c) => !c.startsWith('parley_node=')).length).toBeGreaterThan(0);
  });

  it('C5: without NODE_ID (one node) no node cookie is ever set', async () => {
    const server = await h.start();
    const health = await h.http(server, API_ROUTES.health);
    expect(nodeCookies(health.headers)).toEqual([]);
    const handshake = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`);
    await handshake.text();
    expect(nodeCookies(handshake.headers)).toEqual([]);
  });
});

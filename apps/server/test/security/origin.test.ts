import { API_ROUTES, SESSION_COOKIE } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD, until, useHarness } from '../harness.js';
import {
  ENGINE_POLLING_PATH,
  RawWebSocket,
  portOf,
  rawRequest,
  setCookies,
  tableCounts,
  upgradeStatus,
} from './support.js';

/*
 * SEC-ORIGIN: cross-site WebSocket hijacking and CSRF. A page on another site can make
 * the victim's browser open a WebSocket or send a POST with the victim's cookies; the
 * server must refuse anything whose Origin is not exactly the page's own origin (or one
 * configured), before authentication, and never grant CORS.
 */

const FOREIGN = 'https://evil.example';

describe('SEC-ORIGIN: WebSocket upgrades', () => {
  const h = useHarness();

  it('SEC-ORIGIN: an upgrade with a foreign Origin is 403 before authentication, even with a valid session cookie', async () => {
    const server = await h.start();
    const alice = await h.register(server, 'alice');
    // Without a cookie too: the refusal comes before the handshake is authenticated.
    expect(await upgradeStatus(server, { origin: FOREIGN })).toBe(403);
    expect(await upgradeStatus(server, { origin: FOREIGN, cookie: alice.cookie })).toBe(403);
    // The same request from the page's own origin is upgraded.
    expect(await upgradeStatus(server, { origin: server.url, cookie: alice.cookie })).toBe(101);
  });

  it("SEC-ORIGIN: the page's own origin is accepted at 127.0.0.1 and at localhost, each with its own Host", async () => {
    const server = await h.start();
    const port = portOf(server);
    expect(await upgradeStatus(server, { origin: `http://127.0.0.1:${port}` })).toBe(101);
    expect(await upgradeStatus(server, { host: `localhost:${port}`, origin: `http://localhost:${port}` })).toBe(101);
    // Each is the page's origin only for its own Host.
    expect(await upgradeStatus(server, { host: `localhost:${port}`, origin: `http://127.0.0.1:${port}` })).toBe(403);
    expect(await upgradeStatus(server, { origin: `http://localhost:${port}` })).toBe(403);
  });

  it('SEC-ORIGIN: look-alike origins are refused (suffix, path, null, scheme, port, userinfo, case of the scheme)', async () => {
    const server = await h.start();
    const port = portOf(server);
    const lookAlikes = [
      `http://127.0.0.1:${port}.evil.com`,
      `http://evil.com/http://127.0.0.1:${port}`,
      `http://127.0.0.1:${port}/`,
      'null',
      `https://127.0.0.1:${port}`,
      `ws://127.0.0.1:${port}`,
      `http://127.0.0.1:${port + 1}`,
      'http://127.0.0.1',
      `http://evil.com@127.0.0.1:${port}`,
      `http://127.0.0.1.evil.com:${port}`,
      `http://x127.0.0.1:${port}`,
      '',
      '*',
    ];
    for (const origin of lookAlikes) {
      expect(await upgradeStatus(server, { origin }), origin).toBe(403);
    }
  });

  it('SEC-ORIGIN: an origin configured in allowedOrigins is accepted; others stay refused', async () => {
    const extra = 'https://chat.example.com';
    const server = await h.start({ allowedOrigins: [extra] });
    expect(await upgradeStatus(server, { origin: extra })).toBe(101);
    expect(await upgradeStatus(server, { origin: `${extra}.evil.com` })).toBe(403);
    expect(await upgradeStatus(server, { origin: 'http://chat.example.com' })).toBe(403);
    expect(await upgradeStatus(server, { origin: server.url })).toBe(101);
  });

  it('SEC-ORIGIN: a refused upgrade never reaches the chat: no socket, no session touched', async () => {
    const server = await h.start();
    const alice = await h.register(server, 'alice');
    // A page-origin connection with the same cookie works end to end...
    const own = await RawWebSocket.open(server, { origin: server.url, cookie: alice.cookie });
    expect(await own.connectChat()).toMatch(/^40\/chat,\{"sid":/);
    expect(await own.command(1, 'room:list', {})).toMatchObject({ ok: true });
    own.destroy();
    await until(() => server.app.io.engine.clientsCount === 0, 'the page-origin connection to close');
    // ...the foreign one never gets that far: no Engine.IO connection is ever opened.
    let opened = 0;
    server.app.io.engine.on('connection', () => opened++);
    expect(await upgradeStatus(server, { origin: FOREIGN, cookie: alice.cookie })).toBe(403);
    expect(
      (await rawRequest(server, { path: ENGINE_POLLING_PATH, headers: { origin: FOREIGN, cookie: alice.cookie } }))
        .status,
    ).toBe(403);
    await h.http(server, API_ROUTES.health);
    expect(opened).toBe(0);
    expect(server.app.io.engine.clientsCount).toBe(0);
    expect(server.app.chat.nsp.sockets.size).toBe(0);
  });
});

describe('SEC-ORIGIN: long-polling handshake', () => {
  const h = useHarness();

  it('SEC-ORIGIN: a polling handshake with a foreign Origin is 403; the page origin and no Origin get a session id', async () => {
    const server = await h.start({ allowedOrigins: ['https://chat.example.com'] });
    const foreign = await rawRequest(server, { path: ENGINE_POLLING_PATH, headers: { origin: FOREIGN } });
    expect(foreign.status).toBe(403);
    expect(foreign.body).not.toContain('"sid"');
    for (const origin of ['null', `${server.url}.evil.com`]) {
      expect((await rawRequest(server, { path: ENGINE_POLLING_PATH, headers: { origin } })).status, origin).toBe(403);
    }
    for (const headers of [{ origin: server.url }, { origin: 'https://chat.example.com' }, {}] as Array<
      Record<string, string>
    >) {
      const ok = await rawRequest(server, { path: ENGINE_POLLING_PATH, headers });
      expect(ok.status, JSON.stringify(headers)).toBe(200);
      expect(ok.body).toMatch(/^0\{"sid":/);
      expect(ok.headers['access-control-allow-origin']).toBeUndefined();
    }
  });
});

describe('SEC-ORIGIN: REST (A8: writes from another site are 403; no CORS ever)', () => {
  const h = useHarness();

  it('SEC-ORIGIN: no response carries Access-Control-Allow-Origin: preflights, reads and writes from a foreign Origin', async () => {
    const server = await h.start();
    const alice = await h.register(server, 'alice');
    const requests: Array<{ method: string; path: string; headers: Record<string, string>; body?: string }> = [
      {
        method: 'OPTIONS',
        path: API_ROUTES.login,
        headers: {
          origin: FOREIGN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      },
      {
        method: 'OPTIONS',
        path: API_ROUTES.me,
        headers: {
          origin: FOREIGN,
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'cookie',
        },
      },
      {
        method: 'OPTIONS',
        path: '/socket.io/?EIO=4&transport=polling',
        headers: { origin: FOREIGN, 'access-control-request-method': 'GET' },
      },
      { method: 'GET', path: API_ROUTES.me, headers: { origin: FOREIGN, cookie: alice.cookie } },
      { method: 'GET', path: API_ROUTES.health, headers: { origin: FOREIGN } },
      { method: 'GET', path: API_ROUTES.me, headers: { origin: server.url, cookie: alice.cookie } },
      {
        method: 'POST',
        path: API_ROUTES.login,
        headers: { origin: FOREIGN, 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: DEFAULT_PASSWORD }),
      },
      {
        method: 'POST',
        path: API_ROUTES.login,
        headers: { origin: server.url, 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: DEFAULT_PASSWORD }),
      },
    ];
    for (const req of requests) {
      const res = await rawRequest(server, req);
      const label = `${req.method} ${req.path} ${req.headers.origin}`;
      expect(res.status, label).toBeLessThan(500);
      for (const name of Object.keys(res.headers)) {
        expect(name.startsWith('access-control-'), `${label}: ${name}`).toBe(false);
      }
    }
  });

  it('SEC-ORIGIN: sign-up with Sec-Fetch-Site: cross-site or a foreign Origin is 403 and creates nothing (no account, no cookie)', async () => {
    const server = await h.start();
    const before = tableCounts(server);
    const body = JSON.stringify({ username: 'mallory', password: DEFAULT_PASSWORD });
    const attempts: Array<Record<string, string>> = [
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: FOREIGN },
      { origin: 'null' },
      { origin: `${server.url}.evil.com` },
      { 'sec-fetch-site': 'same-origin', origin: FOREIGN },
      { 'sec-fetch-site': 'cross-site', origin: server.url },
    ];
    for (const headers of attempts) {
      const res = await rawRequest(server, {
        method: 'POST',
        path: API_ROUTES.register,
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ error: 'forbidden' });
      expect(setCookies(res.headers), JSON.stringify(headers)).toEqual([]);
    }
    expect(tableCounts(server)).toEqual(before);
    // The account was never created: signing in fails, and the name is still free.
    expect(
      (await h.http(server, API_ROUTES.login, { body: { username: 'mallory', password: DEFAULT_PASSWORD } })).status,
    ).toBe(401);
    expect((await h.register(server, 'mallory')).user.username).toBe('mallory');
  });

  it("SEC-ORIGIN: cross-site sign-in and sign-out are 403: no session is created, the victim's session survives", async () => {
    const server = await h.start();
    const alice = await h.register(server, 'alice');
    const sessionsBefore = tableCounts(server).sessions;
    const login = await rawRequest(server, {
      method: 'POST',
      path: API_ROUTES.login,
      headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
      body: JSON.stringify({ username: 'alice', password: DEFAULT_PASSWORD }),
    });
    expect(login.status).toBe(403);
    expect(setCookies(login.headers)).toEqual([]);
    // Login CSRF with a foreign Origin and no fetch metadata (older browsers) too.
    const loginByOrigin = await rawRequest(server, {
      method: 'POST',
      path: API_ROUTES.login,
      headers: { 'content-type': 'application/json', origin: FOREIGN },
      body: JSON.stringify({ username: 'alice', password: DEFAULT_PASSWORD }),
    });
    expect(loginByOrigin.status).toBe(403);
    expect(setCookies(loginByOrigin.headers)).toEqual([]);
    expect(tableCounts(server).sessions).toBe(sessionsBefore);

    for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { origin: FOREIGN }] as Array<Record<string, string>>) {
      const logout = await rawRequest(server, {
        method: 'POST',
        path: API_ROUTES.logout,
        headers: { cookie: alice.cookie, ...headers },
      });
      expect(logout.status).toBe(403);
      expect(setCookies(logout.headers)).toEqual([]);
    }
    expect((await h.http(server, API_ROUTES.me, { cookie: alice.cookie })).status).toBe(200);
    expect(tableCounts(server).sessions).toBe(sessionsBefore);
  });

  it('SEC-ORIGIN: Sec-Fetch-Site: same-origin (and the page Origin, at 127.0.0.1 or localhost) works', async () => {
    const server = await h.start();
    const port = portOf(server);
    const register = (username: string, headers: Record<string, string>) =>
      rawRequest(server, {
        method: 'POST',
        path: API_ROUTES.register,
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ username, password: DEFAULT_PASSWORD }),
      });
    const sameOrigin = await register('alice', { 'sec-fetch-site': 'same-origin', origin: server.url });
    expect(sameOrigin.status).toBe(201);
    expect(setCookies(sameOrigin.headers)[0]).toMatch(new RegExp(`^${SESSION_COOKIE.plain}=`));
    expect((await register('bob', { 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    expect((await register('carol', { host: `localhost:${port}`, origin: `http://localhost:${port}` })).status).toBe(
      201,
    );
    // A typed-in URL or bookmark (no initiator) is not cross-site.
    expect((await register('dave', { 'sec-fetch-site': 'none' })).status).toBe(201);
    const cookie = setCookies(sameOrigin.headers)[0]!.split(';')[0]!;
    const logout = await rawRequest(server, {
      method: 'POST',
      path: API_ROUTES.logout,
      headers: { cookie, 'sec-fetch-site': 'same-origin', origin: server.url },
    });
    expect(logout.status).toBe(204);
    expect((await h.http(server, API_ROUTES.me, { cookie })).status).toBe(401);
  });
});

import { API_ROUTES, ERROR_MESSAGES, NAMESPACES, SESSION_COOKIE, type ApiError } from '@parley/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PASSWORD, Harness, cookieFrom, useHarness, type TestServer } from './harness.js';

describe('REST accounts and sessions', () => {
  const h = useHarness();

  it('/healthz answers 200 {status: ok}', async () => {
    const server = await h.start();
    const res = await h.http(server, API_ROUTES.health);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok' });
  });

  it('A1: register creates the account, answers 201 {user} and signs it in with a cookie', async () => {
    const server = await h.start();
    const res = await h.http(server, API_ROUTES.register, { body: { username: 'alice', password: DEFAULT_PASSWORD } });
    expect(res.status).toBe(201);
    const { user } = res.json as { user: { id: string; username: string } };
    expect(user).toEqual({ id: expect.any(String), username: 'alice' });
    const cookie = cookieFrom(res.headers);
    expect(cookie.startsWith(`${SESSION_COOKIE.plain}=`)).toBe(true);
    const me = await h.http(server, API_ROUTES.me, { cookie });
    expect(me.status).toBe(200);
    expect(me.json).toEqual({ user });
  });

  it('A1: login answers 200 {user} with a new session cookie; both sessions work', async () => {
    const server = await h.start();
    const registered = await h.register(server, 'Alice');
    const res = await h.http(server, API_ROUTES.login, { body: { username: 'alice', password: DEFAULT_PASSWORD } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ user: registered.user });
    const cookie = cookieFrom(res.headers);
    expect(cookie).not.toBe(registered.cookie);
    for (const c of [cookie, registered.cookie]) {
      expect((await h.http(server, API_ROUTES.me, { cookie: c })).json).toEqual({ user: registered.user });
    }
  });

  it('A5: the session cookie is HttpOnly, SameSite=Lax, Path=/ and not Secure over plain HTTP', async () => {
    const server = await h.start();
    const res = await h.http(server, API_ROUTES.register, { body: { username: 'alice', password: DEFAULT_PASSWORD } });
    const [setCookie] = res.headers.getSetCookie();
    expect(setCookie).toBeDefined();
    const attributes = setCookie!.split(';').map((part) => part.trim().toLowerCase());
    expect(attributes[0]).toMatch(new RegExp(`^${SESSION_COOKIE.plain}=[A-Za-z0-9_-]{43}$`));
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=lax');
    expect(attributes).toContain('path=/');
    expect(attributes).not.toContain('secure');
    expect(attributes.some((a) => a.startsWith('domain='))).toBe(false);
  });

  it('A5: behind a trusted HTTPS proxy the cookie is __Host- prefixed and Secure', async () => {
    const server = await h.start({ trustProxy: ['loopback'] });
    const res = await h.http(server, API_ROUTES.register, {
      body: { username: 'alice', password: DEFAULT_PASSWORD },
      headers: { 'x-forwarded-proto': 'https' },
    });
    expect(res.status).toBe(201);
    const [setCookie] = res.headers.getSetCookie();
    const attributes = setCookie!.split(';').map((part) => part.trim().toLowerCase());
    expect(attributes[0]!.startsWith(`${SESSION_COOKIE.secure.toLowerCase()}=`)).toBe(true);
    expect(attributes).toContain('secure');
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('path=/');
  });

  it('A5: /me without a cookie or with an unknown session is 401 unauthorized', async () => {
    const server = await h.start();
    const anonymous = await h.http(server, API_ROUTES.me);
    expect(anonymous.status).toBe(401);
    expect(anonymous.json).toEqual({ error: 'unauthorized', message: ERROR_MESSAGES.unauthorized });
    const bogus = await h.http(server, API_ROUTES.me, { cookie: `${SESSION_COOKIE.plain}=not-a-session` });
    expect(bogus.status).toBe(401);
  });

  it('A2: a username taken regardless of case is 409 username_taken', async () => {
    const server = await h.start();
    await h.register(server, 'Alice');
    const res = await h.http(server, API_ROUTES.register, {
      body: { username: 'aLICE', password: 'another password' },
    });
    expect(res.status).toBe(409);
    expect(res.json).toEqual({ error: 'username_taken', message: ERROR_MESSAGES.username_taken });
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('A2/A3: an invalid username or password is 400 with its own code', async () => {
    const server = await h.start();
    const badName = await h.http(server, API_ROUTES.register, {
      body: { username: 'a b', password: DEFAULT_PASSWORD },
    });
    expect(badName.status).toBe(400);
    expect((badName.json as ApiError).error).toBe('invalid_username');
    const shortPw = await h.http(server, API_ROUTES.register, { body: { username: 'alice', password: '1234567' } });
    expect(shortPw.status).toBe(400);
    expect((shortPw.json as ApiError).error).toBe('invalid_password');
    // Neither attempt created the account.
    expect((await h.register(server, 'alice')).user.username).toBe('alice');
  });

  it('A3: passwords are not trimmed over the wire either', async () => {
    const server = await h.start();
    await h.register(server, 'alice', ' spaced password ');
    const trimmed = await h.http(server, API_ROUTES.login, {
      body: { username: 'alice', password: 'spaced password' },
    });
    expect(trimmed.status).toBe(401);
    expect((await h.login(server, 'alice', ' spaced password ')).user.username).toBe('alice');
  });

  it('A4: a wrong password and an unknown username get the same 401 invalid_credentials', async () => {
    const server = await h.start();
    await h.register(server, 'alice');
    const wrong = await h.http(server, API_ROUTES.login, { body: { username: 'alice', password: 'wrong password' } });
    const unknown = await h.http(server, API_ROUTES.login, {
      body: { username: 'nobody', password: DEFAULT_PASSWORD },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.json).toEqual({ error: 'invalid_credentials', message: ERROR_MESSAGES.invalid_credentials });
    expect(unknown.text).toBe(wrong.text);
    expect(wrong.headers.getSetCookie()).toEqual([]);
  });

  describe('A8: invalid bodies are 400 with { error, message }', () => {
    const cases: Array<[string, { body?: unknown; rawBody?: string; headers?: Record<string, string> }]> = [
      ['a missing password', { body: { username: 'alice' } }],
      ['a missing username', { body: { password: DEFAULT_PASSWORD } }],
      ['a number as username', { body: { username: 12345, password: DEFAULT_PASSWORD } }],
      ['an array as password', { body: { username: 'alice', password: ['x'] } }],
      ['null as password', { body: { username: 'alice', password: null } }],
      ['an unknown key', { body: { username: 'alice', password: DEFAULT_PASSWORD, admin: true } }],
      ['a JSON array body', { body: ['alice', DEFAULT_PASSWORD] }],
      ['a JSON string body', { body: 'alice' }],
      ['malformed JSON', { rawBody: '{"username": "alice", ', headers: { 'content-type': 'application/json' } }],
      ['an empty JSON body', { rawBody: '', headers: { 'content-type': 'application/json' } }],
      ['no body at all', {}],
    ];
    // A8: only JSON is parsed; a form or text body (what a cross-site form can send) is 415.
    const nonJson: Array<[string, { rawBody: string; headers?: Record<string, string> }]> = [
      ['a plain-text body', { rawBody: 'username=alice', headers: { 'content-type': 'text/plain' } }],
      ['an empty plain-text body', { rawBody: '' }],
      [
        'a form body',
        { rawBody: 'username=alice&password=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      ],
      [
        'a multipart body',
        { rawBody: '--x\r\n\r\n--x--', headers: { 'content-type': 'multipart/form-data; boundary=x' } },
      ],
    ];

    // Refused bodies change nothing, so these cases share one server.
    const shared = new Harness();
    let sharedServer: TestServer;
    beforeAll(async () => {
      sharedServer = await shared.start();
    });
    afterAll(() => shared.cleanup());

    for (const route of [API_ROUTES.register, API_ROUTES.login]) {
      it.each(cases)(`A8: ${route} with %s is 400 invalid_payload`, async (_label, init) => {
        const res = await shared.http(sharedServer, route, { method: 'POST', ...init });
        expect(res.status).toBe(400);
        expect(res.json).toMatchObject({ error: 'invalid_payload', message: ERROR_MESSAGES.invalid_payload });
        expect(res.text).not.toMatch(/\bat .*\.(ts|js):\d+/);
        expect(res.headers.getSetCookie()).toEqual([]);
      });
      it.each(nonJson)(`A8: ${route} with %s is 415 invalid_payload`, async (_label, init) => {
        const res = await shared.http(sharedServer, route, { method: 'POST', ...init });
        expect(res.status).toBe(415);
        expect(res.json).toMatchObject({ error: 'invalid_payload' });
        expect(res.headers.getSetCookie()).toEqual([]);
      });
    }

    it('A8: an over-long username string is 400 too_long', async () => {
      const server = await h.start();
      const res = await h.http(server, API_ROUTES.register, {
        body: { username: 'a'.repeat(300), password: DEFAULT_PASSWORD },
      });
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ error: 'too_long', details: { path: '/username' } });
    });

    it('A8: a body over the size limit is refused with too_long and nothing is created', async () => {
      const server = await h.start();
      const res = await h.http(server, API_ROUTES.register, {
        body: { username: 'alice', password: 'x'.repeat(20_000) },
      });
      expect(res.status).toBe(413);
      expect((res.json as ApiError).error).toBe('too_long');
      expect((await h.register(server, 'alice')).user.username).toBe('alice');
    });
  });

  it('A7: logout answers 204, clears the cookie and ends the session', async () => {
    const server = await h.start();
    const alice = await h.register(server, 'alice');
    const res = await h.http(server, API_ROUTES.logout, { method: 'POST', cookie: alice.cookie });
    expect(res.status).toBe(204);
    const [cleared] = res.headers.getSetCookie();
    expect(cleared).toMatch(new RegExp(`^${SESSION_COOKIE.plain}=;`));
    expect(cleared!.toLowerCase()).toMatch(/expires=thu, 01 jan 1970|max-age=0/);
    expect((await h.http(server, API_ROUTES.me, { cookie: alice.cookie })).status).toBe(401);
    // Logging out again, or without a session, is harmless.
    expect((await h.http(server, API_ROUTES.logout, { method: 'POST', cookie: alice.cookie })).status).toBe(204);
    expect((await h.http(server, API_ROUTES.logout, { method: 'POST' })).status).toBe(204);
  });

  it('A7: logout sends session:ended to every socket of that session and disconnects them, not another session', async () => {
    const server = await h.start();
    const first = await h.register(server, 'alice');
    const second = await h.login(server, 'alice');
    const tabA = await h.connect(server, first, 'session1-tabA');
    const tabB = await h.connect(server, first, 'session1-tabB');
    const other = await h.connect(server, second, 'session2');

    const res = await h.http(server, API_ROUTES.logout, { method: 'POST', cookie: first.cookie });
    expect(res.status).toBe(204);

    for (const tab of [tabA, tabB]) {
      expect(await tab.waitFor('session:ended')).toEqual({ reason: 'signed_out' });
      expect(await tab.waitForDisconnect()).toBe('io server disconnect');
    }
    // The other session was told nothing and still works.
    await other.sync();
    expect(other.connected).toBe(true);
    expect(other.received('session:ended')).toEqual([]);
    // The ended session cannot connect again.
    const refused = await h.connectError(server, NAMESPACES.chat, { cookie: first.cookie });
    expect(refused.message).toBe('unauthorized');
  });

  it('A6: the /chat handshake without a cookie gets connect_error unauthorized', async () => {
    const server = await h.start();
    const error = await h.connectError(server, NAMESPACES.chat);
    expect(error.message).toBe('unauthorized');
  });

  it('A6: the /chat handshake with a bogus or foreign cookie gets connect_error unauthorized', async () => {
    const server = await h.start();
    await h.register(server, 'alice');
    for (const cookie of [`${SESSION_COOKIE.plain}=bogus`, `${SESSION_COOKIE.secure}=bogus`, 'other=1']) {
      const error = await h.connectError(server, NAMESPACES.chat, { cookie });
      expect(error.message, cookie).toBe('unauthorized');
    }
  });

  it('A6: a valid session connects to /chat; W1: the main namespace serves nothing', async () => {
    const server = await h.start();
    const alice = await h.register(server, 'alice');
    const tab = await h.connect(server, alice);
    expect(tab.connected).toBe(true);
    const main = await h.connectError(server, '/', { cookie: alice.cookie });
    expect(main.message).toBe('not_found');
  });
});

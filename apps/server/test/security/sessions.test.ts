import { API_ROUTES, NAMESPACES, SESSION_COOKIE, type ChatCommand } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/domain/clock.js';
import { sessionKeyOf } from '../../src/domain/auth.service.js';
import {
  DEFAULT_PASSWORD,
  WAIT_MS,
  cookieFrom,
  newCmid,
  useHarness,
  type Account,
  type TestServer,
} from '../harness.js';
import { rawRequest, setCookies, tableCounts } from './support.js';

/*
 * SEC-SESSION: A5–A7 as an attacker sees them. Fixation (a new id at every sign-in),
 * expiry (idle and absolute, with an injected clock), revocation reaching sockets that
 * are already open (periodic re-check, re-check before sensitive commands, sign-out), and
 * the cookie's attributes over HTTP and behind HTTPS.
 */

const MINUTE = 60_000;
const tokenOf = (cookie: string) => cookie.slice(cookie.indexOf('=') + 1);
const keyOf = (account: Account | string) =>
  sessionKeyOf(tokenOf(typeof account === 'string' ? account : account.cookie));

async function me(h: ReturnType<typeof useHarness>, server: TestServer, cookie: string): Promise<number> {
  return (await h.http(server, API_ROUTES.me, { cookie })).status;
}

describe('SEC-SESSION: session ids', () => {
  const h = useHarness();

  it('SEC-SESSION A5: every sign-in gets a new random id, even when the request already carries one (no fixation)', async () => {
    const server = await h.start();
    const registered = await h.register(server, 'alice');
    // An attacker who planted a cookie (or a previous sign-in) does not get it blessed by the next login.
    const res = await h.http(server, API_ROUTES.login, {
      body: { username: 'alice', password: DEFAULT_PASSWORD },
      cookie: registered.cookie,
    });
    expect(res.status).toBe(200);
    const again = cookieFrom(res.headers);
    const third = (await h.login(server, 'alice')).cookie;
    const planted = `${SESSION_COOKIE.plain}=${'A'.repeat(43)}`;
    const afterPlanted = await h.http(server, API_ROUTES.login, {
      body: { username: 'alice', password: DEFAULT_PASSWORD },
      cookie: planted,
    });
    const fourth = cookieFrom(afterPlanted.headers);
    const ids = [registered.cookie, again, third, fourth].map(tokenOf);
    expect(new Set(ids).size).toBe(4);
    expect(ids).not.toContain(tokenOf(planted));
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits, base64url
    expect(await me(h, server, planted)).toBe(401);
    // Only the SHA-256 of each id is stored; the id itself opens nothing in the database.
    for (const id of ids) {
      expect(await server.app.storage.sessions.find(sessionKeyOf(id))).not.toBeNull();
      expect(await server.app.storage.sessions.find(id)).toBeNull();
    }
  });

  it('SEC-SESSION A7: the old cookie keeps working until its own logout, and a logout ends only that session', async () => {
    const server = await h.start();
    const first = await h.register(server, 'alice');
    const second = await h.login(server, 'alice');
    const third = await h.login(server, 'alice');
    for (const account of [first, second, third]) expect(await me(h, server, account.cookie)).toBe(200);

    const logout = await h.http(server, API_ROUTES.logout, { method: 'POST', cookie: second.cookie });
    expect(logout.status).toBe(204);
    // The browser is told to drop the cookie.
    expect(logout.headers.getSetCookie()[0]).toMatch(
      new RegExp(`^${SESSION_COOKIE.plain}=;.*Expires=Thu, 01 Jan 1970`, 'i'),
    );
    expect(await me(h, server, second.cookie)).toBe(401);
    expect(await me(h, server, first.cookie)).toBe(200);
    expect(await me(h, server, third.cookie)).toBe(200);
    // A replayed cookie after logout stays dead, on REST and on the socket handshake.
    expect((await h.connectError(server, NAMESPACES.chat, { cookie: second.cookie })).message).toBe('unauthorized');
    expect(await server.app.storage.sessions.find(keyOf(second))).toBeNull();
  });
});

describe('SEC-SESSION: expiry with an injected clock', () => {
  const h = useHarness();
  const IDLE = 10 * MINUTE;
  const ABSOLUTE = 60 * MINUTE;

  it('SEC-SESSION A5: a session unused for the idle limit is refused on /me and on the handshake; use keeps it alive', async () => {
    const clock = new ManualClock();
    const server = await h.start({ sessionIdleMs: IDLE, sessionAbsoluteMs: ABSOLUTE }, { clock });
    const alice = await h.register(server, 'alice');
    // Activity within the idle window moves the window: twice almost the limit in total.
    clock.advance(IDLE - MINUTE);
    expect(await me(h, server, alice.cookie)).toBe(200);
    clock.advance(IDLE - MINUTE);
    expect(await me(h, server, alice.cookie)).toBe(200);
    (await h.connect(server, alice, 'alive')).close();
    // Then nothing for exactly the idle limit.
    clock.advance(IDLE);
    expect(await me(h, server, alice.cookie)).toBe(401);
    expect((await h.connectError(server, NAMESPACES.chat, { cookie: alice.cookie })).message).toBe('unauthorized');
    expect(await server.app.storage.sessions.find(keyOf(alice))).toBeNull();
    // Signing in again works and gives a fresh session.
    const back = await h.login(server, 'alice');
    expect(await me(h, server, back.cookie)).toBe(200);
  });

  it('SEC-SESSION A5: a session ends at its absolute lifetime however active it is', async () => {
    const clock = new ManualClock();
    const server = await h.start({ sessionIdleMs: IDLE, sessionAbsoluteMs: ABSOLUTE }, { clock });
    const alice = await h.register(server, 'alice');
    for (let elapsed = 0; elapsed + 5 * MINUTE < ABSOLUTE; elapsed += 5 * MINUTE) {
      clock.advance(5 * MINUTE);
      expect(await me(h, server, alice.cookie), `after ${elapsed / MINUTE + 5} min`).toBe(200);
    }
    clock.advance(5 * MINUTE); // exactly ABSOLUTE after sign-in, last used 5 min ago
    expect(await me(h, server, alice.cookie)).toBe(401);
    expect((await h.connectError(server, NAMESPACES.chat, { cookie: alice.cookie })).message).toBe('unauthorized');
  });

  it('SEC-SESSION A7: an open socket whose session idles out is told session:ended {expired} and disconnected by the re-check; another session stays', async () => {
    const clock = new ManualClock();
    const server = await h.start(
      { sessionIdleMs: IDLE, sessionAbsoluteMs: ABSOLUTE, sessionRecheckMs: 1000 },
      { clock },
    );
    const stale = await h.register(server, 'alice');
    const fresh = await h.login(server, 'alice');
    const staleTab = await h.connect(server, stale, 'stale');
    const freshTab = await h.connect(server, fresh, 'fresh');
    clock.advance(IDLE - MINUTE);
    expect(await me(h, server, fresh.cookie)).toBe(200); // only this one is used
    clock.advance(2 * MINUTE);
    expect(await staleTab.waitFor('session:ended', undefined, WAIT_MS)).toEqual({ reason: 'expired' });
    expect(await staleTab.waitForDisconnect()).toBe('io server disconnect');
    await freshTab.sync();
    expect(freshTab.connected).toBe(true);
    expect(freshTab.received('session:ended')).toEqual([]);
  });
});

describe('SEC-SESSION: revocation reaches open sockets', () => {
  const h = useHarness();

  it("SEC-SESSION A7: a session deleted behind an open socket's back ends that socket within the re-check period", async () => {
    const server = await h.start({ sessionRecheckMs: 1000 });
    const alice = await h.register(server, 'alice');
    const other = await h.login(server, 'alice');
    const bob = await h.register(server, 'bob');
    const doomed = [await h.connect(server, alice, 'alice-1'), await h.connect(server, alice, 'alice-2')];
    const survivor = await h.connect(server, other, 'alice-other-session');
    const bobTab = await h.connect(server, bob, 'bob');
    const started = Date.now();
    expect(await server.app.storage.sessions.delete(keyOf(alice))).toBe(true);
    for (const tab of doomed) {
      expect(await tab.waitFor('session:ended')).toEqual({ reason: 'expired' });
      expect(await tab.waitForDisconnect()).toBe('io server disconnect');
    }
    // One re-check period (1 s), with room for a loaded machine: not the 60 s default.
    expect(Date.now() - started).toBeLessThan(3000);
    for (const tab of [survivor, bobTab]) {
      await tab.sync();
      expect(tab.received('session:ended')).toEqual([]);
    }
    // The dead socket cannot come back with the same cookie.
    expect((await h.connectError(server, NAMESPACES.chat, { cookie: alice.cookie })).message).toBe('unauthorized');
  });

  it('SEC-SESSION A7: a sensitive command on a socket whose session is gone answers unauthorized, does nothing, and ends the socket', async () => {
    // The periodic re-check is far away: the command itself must notice.
    const server = await h.start({ sessionRecheckMs: 5 * MINUTE });
    const owner = await h.register(server, 'owner');
    const bob = await h.register(server, 'bob');
    const ownerTab = await h.connect(server, owner, 'owner');
    const privateRoom = await ownerTab.ok('room:create', { name: 'secret', isPrivate: true });
    await ownerTab.ok('room:invite', { roomId: privateRoom.id, username: 'bob' });
    const bobTab = await h.connect(server, bob, 'bob');
    await bobTab.ok('room:join', { roomId: privateRoom.id });
    // A public room the owner is not in: joining it would add a membership.
    const publicRoom = await bobTab.ok('room:create', { name: 'lobby' });
    await ownerTab.sync();

    const attempts: Array<[ChatCommand, Record<string, unknown>]> = [
      ['room:create', { name: 'created-by-a-ghost' }],
      ['room:join', { roomId: publicRoom.id }],
      ['room:invite', { roomId: privateRoom.id, username: 'carol' }],
      ['room:remove-member', { roomId: privateRoom.id, userId: bob.user.id }],
      ['dm:open', { userId: bob.user.id }],
    ];
    await h.register(server, 'carol');
    for (const [command, payload] of attempts) {
      const session = await h.login(server, 'owner');
      const tab = await h.connect(server, session, `owner ${command}`);
      const before = tableCounts(server);
      await server.app.storage.sessions.delete(keyOf(session));
      const ack = await tab.raw(command, [payload]);
      expect(ack, command).toEqual({ ok: false, error: 'unauthorized' });
      expect(await tab.waitFor('session:ended'), command).toEqual({ reason: 'expired' });
      expect(await tab.waitForDisconnect(), command).toBe('io server disconnect');
      expect({ ...tableCounts(server), sessions: 0 }, command).toEqual({ ...before, sessions: 0 });
    }
    // Nothing happened: bob is still in, carol was not invited, no room, no DM.
    expect((await bobTab.ok('room:members', { roomId: privateRoom.id })).map((m) => m.username).sort()).toEqual([
      'bob',
      'owner',
    ]);
    expect(await server.app.storage.rooms.findByName('created-by-a-ghost')).toBeNull();
    expect((await bobTab.ok('room:list', {})).some((r) => r.kind === 'dm')).toBe(false);
    // The first tab (its own live session) was never touched.
    await ownerTab.sync();
    expect(ownerTab.connected).toBe(true);
  });

  it('SEC-SESSION A7: sign-out disconnects every socket of that session with session:ended {signed_out}, not another session of the same user', async () => {
    const server = await h.start();
    const alice = await h.register(server, 'alice');
    const phone = await h.login(server, 'alice');
    const bob = await h.register(server, 'bob');
    const laptopTabs = [await h.connect(server, alice, 'laptop-1'), await h.connect(server, alice, 'laptop-2')];
    const phoneTab = await h.connect(server, phone, 'phone');
    const bobTab = await h.connect(server, bob, 'bob');
    const general = (await bobTab.ok('room:list', {}))[0]!;

    const res = await h.http(server, API_ROUTES.logout, { method: 'POST', cookie: alice.cookie });
    expect(res.status).toBe(204);
    for (const tab of laptopTabs) {
      expect(await tab.waitFor('session:ended')).toEqual({ reason: 'signed_out' });
      expect(await tab.waitForDisconnect()).toBe('io server disconnect');
    }
    // The phone keeps its session and keeps receiving.
    const sent = await bobTab.ok('message:send', {
      roomId: general.id,
      clientMessageId: newCmid(),
      text: 'still there?',
    });
    expect((await phoneTab.waitFor('message:created', (m) => m.id === sent.id)).text).toBe('still there?');
    expect(phoneTab.received('session:ended')).toEqual([]);
    expect(await me(h, server, phone.cookie)).toBe(200);
    for (const tab of laptopTabs) expect(tab.received('message:created').some((m) => m.id === sent.id)).toBe(false);
  });
});

describe('SEC-SESSION: cookie attributes', () => {
  const h = useHarness();

  const attributesOf = (setCookie: string) => setCookie.split(';').map((part) => part.trim());
  const lower = (list: string[]) => list.map((a) => a.toLowerCase());

  it('SEC-SESSION A5: over plain HTTP the cookie is HttpOnly, SameSite=Lax, Path=/, without Secure or Domain, on sign-up and sign-in', async () => {
    const server = await h.start();
    const register = await rawRequest(server, {
      method: 'POST',
      path: API_ROUTES.register,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: DEFAULT_PASSWORD }),
    });
    const login = await rawRequest(server, {
      method: 'POST',
      path: API_ROUTES.login,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: DEFAULT_PASSWORD }),
    });
    for (const res of [register, login]) {
      const cookies = setCookies(res.headers);
      expect(cookies).toHaveLength(1);
      const attributes = lower(attributesOf(cookies[0]!));
      expect(attributes[0]).toMatch(new RegExp(`^${SESSION_COOKIE.plain}=[a-z0-9_-]{43}$`));
      expect(attributes).toContain('httponly');
      expect(attributes).toContain('samesite=lax');
      expect(attributes).toContain('path=/');
      expect(attributes).not.toContain('secure');
      expect(attributes.some((a) => a.startsWith('domain='))).toBe(false);
      expect(attributes.some((a) => a.startsWith('expires='))).toBe(true);
    }
  });

  it('SEC-SESSION A5: behind a trusted HTTPS proxy the cookie is __Host-parley_sid, Secure, HttpOnly, SameSite=Lax, Path=/ and has no Domain', async () => {
    const server = await h.start({ trustProxy: ['loopback'] });
    const https = { 'content-type': 'application/json', 'x-forwarded-proto': 'https' };
    const register = await rawRequest(server, {
      method: 'POST',
      path: API_ROUTES.register,
      headers: https,
      body: JSON.stringify({ username: 'alice', password: DEFAULT_PASSWORD }),
    });
    const login = await rawRequest(server, {
      method: 'POST',
      path: API_ROUTES.login,
      headers: https,
      body: JSON.stringify({ username: 'alice', password: DEFAULT_PASSWORD }),
    });
    for (const res of [register, login]) {
      const cookies = setCookies(res.headers);
      expect(cookies).toHaveLength(1);
      const attributes = attributesOf(cookies[0]!);
      // The prefix is case-sensitive for browsers.
      expect(attributes[0]).toMatch(/^__Host-parley_sid=[A-Za-z0-9_-]{43}$/);
      expect(lower(attributes)).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=lax', 'path=/']));
      expect(lower(attributes).some((a) => a.startsWith('domain='))).toBe(false);
    }
    // The __Host- cookie authenticates REST and the socket handshake.
    const cookie = setCookies(login.headers)[0]!.split(';')[0]!;
    expect(
      (await rawRequest(server, { path: API_ROUTES.me, headers: { cookie, 'x-forwarded-proto': 'https' } })).status,
    ).toBe(200);
    const tab = await h.connect(server, cookie, 'https-tab');
    expect(tab.connected).toBe(true);
  });

  it('SEC-SESSION A5: without trustProxy a forged X-Forwarded-Proto changes nothing: the plain cookie, no Secure', async () => {
    const server = await h.start({ trustProxy: [] });
    const res = await rawRequest(server, {
      method: 'POST',
      path: API_ROUTES.register,
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ username: 'alice', password: DEFAULT_PASSWORD }),
    });
    expect(res.status).toBe(201);
    const attributes = lower(attributesOf(setCookies(res.headers)[0]!));
    expect(attributes[0]!.startsWith(`${SESSION_COOKIE.plain}=`)).toBe(true);
    expect(attributes).not.toContain('secure');
  });
});

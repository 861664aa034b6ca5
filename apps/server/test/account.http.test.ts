import { API_ROUTES, DELETED_USER_NAME, ERROR_MESSAGES, NAMESPACES, SESSION_COOKIE } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { PAIR_FREE_FAILURES } from '../src/security/login-throttle.js';
import { DEFAULT_PASSWORD, newCmid, useHarness, type Account, type TestServer } from './harness.js';

const NEW_PASSWORD = 'a brand new passphrase';

describe('REST: my own account (A11–A14)', () => {
  const h = useHarness();

  const changePassword = (server: TestServer, account: Account, currentPassword: string, newPassword: string) =>
    h.http(server, API_ROUTES.password, { cookie: account.cookie, body: { currentPassword, newPassword } });
  const deleteAccount = (server: TestServer, account: Account, password: string) =>
    h.http(server, API_ROUTES.deleteAccount, { cookie: account.cookie, body: { password } });
  const signIn = (server: TestServer, username: string, password: string) =>
    h.http(server, API_ROUTES.login, { body: { username, password } });

  describe('change password', () => {
    it('A11: the other sessions end (their sockets get session:ended, their cookies stop working), this one stays', async () => {
      const server = await h.start();
      const here = await h.register(server, 'alice');
      const elsewhere = await h.login(server, 'alice');
      const hereTab = await h.connect(server, here, 'here');
      const elsewhereTab = await h.connect(server, elsewhere, 'elsewhere');

      const res = await changePassword(server, here, DEFAULT_PASSWORD, NEW_PASSWORD);
      expect(res.status).toBe(204);

      expect(await elsewhereTab.waitFor('session:ended')).toEqual({ reason: 'signed_out' });
      expect(await elsewhereTab.waitForDisconnect()).toBe('io server disconnect');
      expect((await h.http(server, API_ROUTES.me, { cookie: elsewhere.cookie })).status).toBe(401);
      expect((await h.connectError(server, NAMESPACES.chat, { cookie: elsewhere.cookie })).message).toBe(
        'unauthorized',
      );
      // This session was told nothing and still works, over REST and on its socket.
      await hereTab.sync();
      expect(hereTab.connected).toBe(true);
      expect(hereTab.received('session:ended')).toEqual([]);
      expect((await h.http(server, API_ROUTES.me, { cookie: here.cookie })).json).toEqual({ user: here.user });
    });

    it('A11: the old password stops working and the new one signs in', async () => {
      const server = await h.start();
      const alice = await h.register(server, 'alice');
      expect((await changePassword(server, alice, DEFAULT_PASSWORD, NEW_PASSWORD)).status).toBe(204);
      const old = await signIn(server, 'alice', DEFAULT_PASSWORD);
      expect(old.status).toBe(401);
      expect(old.json).toMatchObject({ error: 'invalid_credentials' });
      const fresh = await signIn(server, 'alice', NEW_PASSWORD);
      expect(fresh.status).toBe(200);
      expect(fresh.json).toEqual({ user: alice.user });
    });

    it('A11: a wrong current password is 401 wrong_password and changes nothing', async () => {
      const server = await h.start();
      const alice = await h.register(server, 'alice');
      const other = await h.login(server, 'alice');
      const res = await changePassword(server, alice, 'not my password', NEW_PASSWORD);
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: 'wrong_password', message: ERROR_MESSAGES.wrong_password });
      expect((await h.http(server, API_ROUTES.me, { cookie: other.cookie })).status).toBe(200);
      expect((await signIn(server, 'alice', DEFAULT_PASSWORD)).status).toBe(200);
      expect((await signIn(server, 'alice', NEW_PASSWORD)).status).toBe(401);
    });

    it('A3, A11: an invalid new password is 400 invalid_password; a malformed body 400 invalid_payload', async () => {
      const server = await h.start();
      const alice = await h.register(server, 'alice');
      for (const bad of ['short', 'x'.repeat(1025), 'abcdefgh\uD800']) {
        const res = await changePassword(server, alice, DEFAULT_PASSWORD, bad);
        expect(res.status, JSON.stringify(bad.slice(0, 12))).toBe(400);
        expect(res.json).toMatchObject({ error: 'invalid_password', message: ERROR_MESSAGES.invalid_password });
      }
      for (const body of [
        { currentPassword: DEFAULT_PASSWORD },
        { currentPassword: 1, newPassword: NEW_PASSWORD },
        {},
      ]) {
        const res = await h.http(server, API_ROUTES.password, { cookie: alice.cookie, body });
        expect(res.status).toBe(400);
        expect(res.json).toMatchObject({ error: 'invalid_payload' });
      }
      expect((await signIn(server, 'alice', DEFAULT_PASSWORD)).status).toBe(200);
    });

    it('A11: without a session it is 401 unauthorized', async () => {
      const server = await h.start();
      const res = await h.http(server, API_ROUTES.password, {
        body: { currentPassword: DEFAULT_PASSWORD, newPassword: NEW_PASSWORD },
        cookie: `${SESSION_COOKIE.plain}=bogus`,
      });
      expect(res.status).toBe(401);
      expect(res.json).toMatchObject({ error: 'unauthorized' });
    });

    it('A9, A11: wrong current passwords spend the sign-in budget: past it, 429 rate_limited, sign-in included', async () => {
      const server = await h.start();
      const alice = await h.register(server, 'alice');
      const statuses: number[] = [];
      for (let i = 0; i < PAIR_FREE_FAILURES + 2; i++) {
        statuses.push((await changePassword(server, alice, `wrong guess ${i}`, NEW_PASSWORD)).status);
      }
      expect(statuses.slice(0, PAIR_FREE_FAILURES)).toEqual(Array(PAIR_FREE_FAILURES).fill(401));
      expect(statuses).toContain(429);
      const login = await signIn(server, 'alice', DEFAULT_PASSWORD);
      expect(login.status).toBe(429);
      expect(login.json).toMatchObject({ error: 'rate_limited', retryAfterMs: expect.any(Number) });
    });
  });

  describe('sign out everywhere', () => {
    it('A12: every session of mine ends, this one included, every socket told; others are untouched', async () => {
      const server = await h.start();
      const here = await h.register(server, 'alice');
      const elsewhere = await h.login(server, 'alice');
      const bob = await h.register(server, 'bob');
      const tabs = [await h.connect(server, here, 'here'), await h.connect(server, elsewhere, 'elsewhere')];
      const bobTab = await h.connect(server, bob, 'bob');

      const res = await h.http(server, API_ROUTES.logoutEverywhere, { method: 'POST', cookie: here.cookie });
      expect(res.status).toBe(204);
      expect(res.headers.getSetCookie()[0]).toMatch(new RegExp(`^${SESSION_COOKIE.plain}=;`));
      for (const tab of tabs) {
        expect(await tab.waitFor('session:ended')).toEqual({ reason: 'signed_out' });
        expect(await tab.waitForDisconnect()).toBe('io server disconnect');
      }
      for (const account of [here, elsewhere]) {
        expect((await h.http(server, API_ROUTES.me, { cookie: account.cookie })).status).toBe(401);
      }
      await bobTab.sync();
      expect(bobTab.connected).toBe(true);
      expect((await h.http(server, API_ROUTES.me, { cookie: bob.cookie })).status).toBe(200);
      // The password still works: signing in again is fine.
      expect((await signIn(server, 'alice', DEFAULT_PASSWORD)).status).toBe(200);
    });

    it('A12: without a session it is 401 unauthorized', async () => {
      const server = await h.start();
      const res = await h.http(server, API_ROUTES.logoutEverywhere, { method: 'POST' });
      expect(res.status).toBe(401);
    });
  });

  describe('delete account', () => {
    it('A13: a wrong password is 401 wrong_password and nothing changes', async () => {
      const server = await h.start();
      const alice = await h.register(server, 'alice');
      const bob = await h.register(server, 'bob');
      const aliceTab = await h.connect(server, alice, 'alice');
      const bobTab = await h.connect(server, bob, 'bob');
      const [general] = await bobTab.ok('room:list', {});
      await aliceTab.ok('message:send', { roomId: general!.id, clientMessageId: newCmid(), text: 'still here' });

      const res = await deleteAccount(server, alice, 'not my password');
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: 'wrong_password', message: ERROR_MESSAGES.wrong_password });
      await aliceTab.sync();
      expect(aliceTab.connected).toBe(true);
      expect((await h.http(server, API_ROUTES.me, { cookie: alice.cookie })).status).toBe(200);
      const members = await bobTab.ok('room:members', { roomId: general!.id });
      expect(members.map((m) => m.username)).toEqual(['alice', 'bob']);
      const page = await bobTab.ok('message:history', { roomId: general!.id });
      expect(page.messages.map((m) => m.authorName)).toEqual(['alice']);
      expect(bobTab.received('user:deleted')).toEqual([]);
    });

    it('A13: the account goes; its messages stay by Deleted user in history and for live peers; its memberships go', async () => {
      const server = await h.start();
      const alice = await h.register(server, 'alice');
      const bob = await h.register(server, 'bob');
      const aliceTab = await h.connect(server, alice, 'alice');
      const bobTab = await h.connect(server, bob, 'bob');
      const [general] = await bobTab.ok('room:list', {});
      const said = await aliceTab.ok('message:send', {
        roomId: general!.id,
        clientMessageId: newCmid(),
        text: 'goodbye all',
      });
      const dm = await bobTab.ok('dm:open', { userId: alice.user.id });
      await aliceTab.ok('message:send', { roomId: dm.id, clientMessageId: newCmid(), text: 'just for you' });
      // A reply quoting her, sent before she goes.
      const answer = await bobTab.ok('message:send', {
        roomId: general!.id,
        clientMessageId: newCmid(),
        text: 'bye',
        replyTo: said.id,
      });
      await bobTab.waitFor('message:created', (m) => m.id === answer.id);

      const res = await deleteAccount(server, alice, DEFAULT_PASSWORD);
      expect(res.status).toBe(204);
      expect(res.headers.getSetCookie()[0]).toMatch(new RegExp(`^${SESSION_COOKIE.plain}=;`));

      // Her tabs end like a sign-out; her cookie and password open nothing.
      expect(await aliceTab.waitFor('session:ended')).toEqual({ reason: 'signed_out' });
      expect(await aliceTab.waitForDisconnect()).toBe('io server disconnect');
      expect((await h.http(server, API_ROUTES.me, { cookie: alice.cookie })).status).toBe(401);
      expect((await signIn(server, 'alice', DEFAULT_PASSWORD)).status).toBe(401);

      // Live: bob hears who went and that she left his rooms.
      expect(await bobTab.waitFor('user:deleted')).toEqual({ userId: alice.user.id });
      await bobTab.waitFor('room:member-left', (e) => e.roomId === general!.id && e.userId === alice.user.id);
      await bobTab.waitFor('room:member-left', (e) => e.roomId === dm.id && e.userId === alice.user.id);

      // History: her messages stay, by Deleted user, quoted as such.
      const page = await bobTab.ok('message:history', { roomId: general!.id });
      expect(page.messages.map((m) => [m.text, m.authorName, m.authorId])).toEqual([
        ['goodbye all', DELETED_USER_NAME, alice.user.id],
        ['bye', 'bob', bob.user.id],
      ]);
      expect(page.messages[1]?.replyTo).toMatchObject({ id: said.id, authorName: DELETED_USER_NAME });
      // Members lists no longer list her.
      const members = await bobTab.ok('room:members', { roomId: general!.id });
      expect(members.map((m) => m.username)).toEqual(['bob']);
      // The DM stays readable by bob, named Deleted user, and no one can open a new one with her.
      const rooms = await bobTab.ok('room:list', {});
      expect(rooms.find((r) => r.id === dm.id)).toMatchObject({ kind: 'dm', name: DELETED_USER_NAME });
      const dmPage = await bobTab.ok('message:history', { roomId: dm.id });
      expect(dmPage.messages.map((m) => [m.text, m.authorName])).toEqual([['just for you', DELETED_USER_NAME]]);
      expect(await bobTab.request('dm:open', { userId: alice.user.id })).toMatchObject({
        ok: false,
        error: 'not_found',
      });
      // A later reconnect of bob resumes with the same views.
      const later = await h.connect(server, bob, 'bob-later', { auth: { cursors: { [general!.id]: 0 } } });
      const resumed = await later.waitFor('sync:changes', (e) => e.roomId === general!.id);
      expect(resumed.messages.find((m) => m.id === said.id)?.authorName).toBe(DELETED_USER_NAME);
    });

    it('A13: the name can be registered again by a new account that inherits nothing', async () => {
      const server = await h.start();
      const alice = await h.register(server, 'alice');
      const bob = await h.register(server, 'bob');
      const aliceTab = await h.connect(server, alice, 'alice');
      const created = await aliceTab.ok('room:create', { name: 'Alices place', isPrivate: true });
      await aliceTab.ok('room:invite', { roomId: created.id, username: 'bob' });
      const bobTab = await h.connect(server, bob, 'bob');
      const dm = await bobTab.ok('dm:open', { userId: alice.user.id });
      expect((await deleteAccount(server, alice, DEFAULT_PASSWORD)).status).toBe(204);
      // I4: bob's invitation, sent by her, is withdrawn.
      expect(await bobTab.waitFor('room:invitation-withdrawn')).toEqual({ roomId: created.id });

      const again = await h.register(server, 'ALICE', NEW_PASSWORD);
      expect(again.user.username).toBe('ALICE');
      expect(again.user.id).not.toBe(alice.user.id);
      const newTab = await h.connect(server, again, 'new alice');
      const rooms = await newTab.ok('room:list', {});
      expect(rooms.map((r) => r.name)).toEqual(['general']);
      expect(await newTab.request('message:history', { roomId: dm.id })).toMatchObject({
        ok: false,
        error: 'forbidden',
      });
      expect(await newTab.request('message:history', { roomId: created.id })).toMatchObject({
        ok: false,
        error: 'forbidden',
      });
      // Bob's old DM still names the deleted account, not the new one.
      const bobRooms = await bobTab.ok('room:list', {});
      expect(bobRooms.find((r) => r.id === dm.id)?.name).toBe(DELETED_USER_NAME);
    });

    it('A14: a room it owned passes to its longest-standing member, who is told', async () => {
      const server = await h.start();
      const alice = await h.register(server, 'alice');
      const bob = await h.register(server, 'bob');
      const carol = await h.register(server, 'carol');
      const aliceTab = await h.connect(server, alice, 'alice');
      const bobTab = await h.connect(server, bob, 'bob');
      const carolTab = await h.connect(server, carol, 'carol');
      const lobby = await aliceTab.ok('room:create', { name: 'Lobby' });
      await carolTab.ok('room:join', { roomId: lobby.id });
      await bobTab.ok('room:join', { roomId: lobby.id });
      expect((await deleteAccount(server, alice, DEFAULT_PASSWORD)).status).toBe(204);
      for (const tab of [bobTab, carolTab]) {
        expect(await tab.waitFor('room:owner-changed')).toEqual({ roomId: lobby.id, ownerId: carol.user.id });
      }
      const [, mine] = await carolTab.ok('room:list', {});
      expect(mine).toMatchObject({ id: lobby.id, ownerId: carol.user.id });
      // The new owner moderates (I3).
      expect(await carolTab.ok('room:remove-member', { roomId: lobby.id, userId: bob.user.id })).toEqual({
        roomId: lobby.id,
        userId: bob.user.id,
      });
    });

    it('A13: without a session, or with a malformed body, nothing is deleted', async () => {
      const server = await h.start();
      const alice = await h.register(server, 'alice');
      expect((await h.http(server, API_ROUTES.deleteAccount, { body: { password: DEFAULT_PASSWORD } })).status).toBe(
        401,
      );
      const malformed = await h.http(server, API_ROUTES.deleteAccount, { cookie: alice.cookie, body: { pw: 'x' } });
      expect(malformed.status).toBe(400);
      expect(malformed.json).toMatchObject({ error: 'invalid_payload' });
      expect((await h.http(server, API_ROUTES.me, { cookie: alice.cookie })).status).toBe(200);
    });
  });
});

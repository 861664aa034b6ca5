import { API_ROUTES, type Message } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { useCluster } from './cluster.harness.js';
import { newCmid, type Account, type TestClient, type TestServer } from './harness.js';

/*
 * Two nodes on one PostgreSQL store and one Redis stream, real clients on both: what one
 * node sends reaches the sockets of the other (C1), and what is meant for one node's
 * clients stays there (C2). Each check that something did NOT arrive waits first for
 * something sent after it through the same stream, which would have come behind it.
 */

describe('two nodes through Redis', () => {
  const { h, start } = useCluster();

  /** The two nodes, alice and bob, each with a tab on each node (`alice1` on node 1, `alice2` on node 2). */
  async function cast() {
    const [one, two] = (await start()) as [TestServer, TestServer];
    const alice = await h.register(one, 'alice');
    const bob = await h.register(two, 'bob');
    const tabs = {
      alice1: await h.connect(one, alice, 'alice@1'),
      alice2: await h.connect(two, alice, 'alice@2'),
      bob1: await h.connect(one, bob, 'bob@1'),
      bob2: await h.connect(two, bob, 'bob@2'),
    };
    const general = (await tabs.alice1.ok('room:list', {})).find((r) => r.name === 'general');
    if (!general) throw new Error('no general room');
    return { one, two, alice, bob, general, ...tabs };
  }

  const send = (tab: TestClient, roomId: string, text: string) =>
    tab.ok('message:send', { roomId, clientMessageId: newCmid(), text });

  /** The ids of the messages of `roomId` that `tab` received, in arrival order. */
  const createdIn = (tab: TestClient, roomId: string) =>
    tab
      .received('message:created')
      .filter((m) => m.roomId === roomId)
      .map((m) => m.id);

  it('C1, M4: messages sent on node 1 reach every member tab on node 2 (and node 1) once each, in seq order', async () => {
    const c = await cast();
    const sent: Message[] = [];
    for (let i = 1; i <= 10; i++) sent.push(await send(c.alice1, c.general.id, `message ${i}`));
    expect(sent.map((m) => m.seq)).toEqual(sent.map((_, i) => sent[0]!.seq + i));
    const last = sent.at(-1)!;
    for (const tab of [c.alice1, c.alice2, c.bob1, c.bob2]) {
      await tab.waitFor('message:created', (m) => m.id === last.id);
      // A round trip on the tab's own connection: anything emitted before it has arrived too.
      await tab.sync();
      expect(createdIn(tab, c.general.id), tab.label).toEqual(sent.map((m) => m.id));
    }
    expect(c.bob2.received('message:created').filter((m) => m.roomId === c.general.id)).toEqual(sent);
  });

  it('C1, D1: a DM opened on node 1 reaches the peer on node 2, whose tabs then receive and answer its messages', async () => {
    const c = await cast();
    const dm = await c.alice1.ok('dm:open', { userId: c.bob.user.id });
    for (const tab of [c.bob1, c.bob2]) {
      expect((await tab.waitFor('room:added', (r) => r.id === dm.id)).peer, tab.label).toEqual(c.alice.user);
    }
    await c.alice2.waitFor('room:added', (r) => r.id === dm.id);
    const hello = await send(c.alice1, dm.id, 'hi bob');
    for (const tab of [c.alice2, c.bob1, c.bob2]) {
      expect(await tab.waitFor('message:created', (m) => m.id === hello.id), tab.label).toEqual(hello);
    }
    const reply = await send(c.bob2, dm.id, 'hi alice');
    for (const tab of [c.alice1, c.alice2, c.bob1]) {
      expect(await tab.waitFor('message:created', (m) => m.id === reply.id), tab.label).toEqual(reply);
    }
  });

  it('C1, R3, R8: a join on node 1 puts the joiner’s tab on node 2 in the room; the members on node 2 hear of it', async () => {
    const c = await cast();
    const lobby = await c.alice2.ok('room:create', { name: 'lobby' });
    await c.alice1.waitFor('room:added', (r) => r.id === lobby.id);
    await c.bob1.ok('room:join', { roomId: lobby.id });
    await c.bob2.waitFor('room:added', (r) => r.id === lobby.id);
    const joined = await c.alice2.waitFor('room:member-joined', (e) => e.roomId === lobby.id);
    expect(joined.member.userId).toBe(c.bob.user.id);
    const hello = await send(c.alice2, lobby.id, 'welcome, bob');
    for (const tab of [c.bob1, c.bob2]) {
      expect(await tab.waitFor('message:created', (m) => m.id === hello.id), tab.label).toEqual(hello);
    }
    // Typing reads membership from the socket's own channels: the join reached them.
    await c.bob2.ok('typing:start', { roomId: lobby.id });
    await c.alice1.waitFor('typing:started', (e) => e.roomId === lobby.id && e.userId === c.bob.user.id);
  });

  it('C1, I3: a removal on node 1 takes the room from the removed user’s tabs on node 2; nothing sent after reaches them', async () => {
    const c = await cast();
    const lobby = await c.alice1.ok('room:create', { name: 'lobby' });
    await c.bob2.ok('room:join', { roomId: lobby.id });
    await c.bob1.waitFor('room:added', (r) => r.id === lobby.id);
    const before = await send(c.alice1, lobby.id, 'still here?');
    await c.bob2.waitFor('message:created', (m) => m.id === before.id);

    await c.alice1.ok('room:remove-member', { roomId: lobby.id, userId: c.bob.user.id });
    for (const tab of [c.bob1, c.bob2]) {
      expect(await tab.waitFor('room:removed', (e) => e.roomId === lobby.id), tab.label).toEqual({
        roomId: lobby.id,
        reason: 'removed',
      });
    }
    const after = await send(c.alice2, lobby.id, 'bob is gone');
    // Sent later, to a room bob is still in: once it arrives, `after` would have too.
    const marker = await send(c.alice2, c.general.id, 'marker');
    for (const tab of [c.bob1, c.bob2]) {
      await tab.waitFor('message:created', (m) => m.id === marker.id);
      expect(createdIn(tab, lobby.id), tab.label).toEqual([before.id]);
      expect(tab.received('message:created').some((m) => m.id === after.id)).toBe(false);
    }
    expect(await c.bob2.request('message:history', { roomId: lobby.id })).toEqual({ ok: false, error: 'forbidden' });
  });

  it('C1, A7: signing out on node 1 ends that session’s sockets on node 2; another session of the same user stays', async () => {
    const c = await cast();
    // c.alice's session has tabs on both nodes; this is a second sign-in, on node 2.
    const elsewhere: Account = await h.login(c.two, 'alice');
    const otherSession = await h.connect(c.two, elsewhere, 'alice@2 (other session)');

    const res = await h.http(c.one, API_ROUTES.logout, { method: 'POST', cookie: c.alice.cookie });
    expect(res.status).toBe(204);
    for (const tab of [c.alice1, c.alice2]) {
      expect(await tab.waitFor('session:ended'), tab.label).toEqual({ reason: 'signed_out' });
      await tab.waitForDisconnect();
    }
    expect(otherSession.connected).toBe(true);
    const hello = await send(otherSession, c.general.id, 'still signed in');
    await c.bob1.waitFor('message:created', (m) => m.id === hello.id);
    expect(otherSession.received('session:ended')).toEqual([]);
  });

  it('C1, E1, E3: an edit on node 1 and a reaction on node 2 reach every member tab on both nodes', async () => {
    const c = await cast();
    const original = await send(c.alice1, c.general.id, 'helo');
    const reacted = await c.bob2.ok('reaction:add', { messageId: original.id, emoji: '🎉' });
    for (const tab of [c.alice1, c.alice2, c.bob1]) {
      const event = await tab.waitFor('message:changed', (e) => e.change.kind === 'reaction:added');
      expect(event.message, tab.label).toEqual(reacted);
    }
    const edited = await c.alice1.ok('message:edit', { messageId: original.id, text: 'hello' });
    expect(edited.text).toBe('hello');
    for (const tab of [c.alice2, c.bob1, c.bob2]) {
      const event = await tab.waitFor('message:changed', (e) => e.change.kind === 'message:edited');
      expect(event.message, tab.label).toEqual(edited);
    }
  });

  it('C1, U3: room:read on node 1 gives the reader’s tab on node 2 the new marker', async () => {
    const c = await cast();
    const unread = await send(c.bob2, c.general.id, 'read me');
    await c.alice2.waitFor('message:created', (m) => m.id === unread.id);
    const state = await c.alice1.ok('room:read', { roomId: c.general.id, seq: unread.seq });
    expect(state.lastReadSeq).toBe(unread.seq);
    expect(await c.alice2.waitFor('room:read-state', (s) => s.lastReadSeq === unread.seq)).toEqual(state);
    // Markers are per person: bob's tabs hear nothing of it.
    const marker = await send(c.alice1, c.general.id, 'marker');
    await c.bob2.waitFor('message:created', (m) => m.id === marker.id);
    expect(c.bob2.received('room:read-state')).toEqual([]);
  });

  it('C1, M3: a send retried on node 2 with the same clientMessageId returns the original; nothing is stored or sent twice', async () => {
    const c = await cast();
    const payload = { roomId: c.general.id, clientMessageId: newCmid(), text: 'exactly once' };
    const original = await c.alice1.ok('message:send', payload);
    expect(await c.alice2.ok('message:send', payload)).toEqual(original);
    const marker = await send(c.alice2, c.general.id, 'marker');
    for (const tab of [c.alice1, c.alice2, c.bob1, c.bob2]) {
      await tab.waitFor('message:created', (m) => m.id === marker.id);
      expect(createdIn(tab, c.general.id), tab.label).toEqual([original.id, marker.id]);
    }
    const page = await c.bob1.ok('message:history', { roomId: c.general.id });
    expect(page.messages.map((m) => m.id)).toEqual([original.id, marker.id]);
  });

  it('C2, S6: server:shutdown of node 1 reaches node 1’s clients only; node 2’s keep their connections', async () => {
    const c = await cast();
    await c.one.app.chat.shutdown({ drainTimeoutMs: 100, expectedBackInMs: 1234 });
    for (const tab of [c.alice1, c.bob1]) {
      expect(await tab.waitFor('server:shutdown'), tab.label).toEqual({ expectedBackInMs: 1234 });
      await tab.waitForDisconnect();
    }
    // Sent after the shutdown notice: had the notice crossed to node 2, it would be here first.
    const hello = await send(c.bob2, c.general.id, 'anyone still here?');
    await c.alice2.waitFor('message:created', (m) => m.id === hello.id);
    for (const tab of [c.alice2, c.bob2]) {
      expect(tab.connected, tab.label).toBe(true);
      expect(tab.received('server:shutdown'), tab.label).toEqual([]);
    }
  });
});

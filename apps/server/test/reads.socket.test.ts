import { describe, expect, it } from 'vitest';
import { newCmid, useHarness, type TestClient } from './harness.js';

/* Read markers, unread and mention counts, notification levels over /chat (SPEC U1–U3, N2). */

describe('read state over /chat', () => {
  const h = useHarness();

  async function cast() {
    const server = await h.start();
    const alice = await h.register(server, 'alice');
    const bob = await h.register(server, 'bob');
    const carol = await h.register(server, 'carol');
    const alice1 = await h.connect(server, alice, 'alice1');
    const bob1 = await h.connect(server, bob, 'bob1');
    const bob2 = await h.connect(server, bob, 'bob2');
    const carol1 = await h.connect(server, carol, 'carol1');
    const lobby = await alice1.ok('room:create', { name: 'Lobby' });
    await bob1.ok('room:join', { roomId: lobby.id });
    return { server, alice, bob, carol, alice1, bob1, bob2, carol1, lobby };
  }
  const say = (tab: TestClient, roomId: string, text: string) =>
    tab.ok('message:send', { roomId, clientMessageId: newCmid(), text });
  const lobbyOf = async (tab: TestClient, roomId: string) =>
    (await tab.ok('room:list', {})).find((r) => r.id === roomId)!;

  it('U1/U2: room:list carries unread and mention counts: messages by others after my marker, not deleted', async () => {
    const c = await cast();
    expect((await lobbyOf(c.bob1, c.lobby.id)).read).toEqual({ lastReadSeq: 0, unreadCount: 0, mentionCount: 0 });
    await say(c.alice1, c.lobby.id, 'one');
    const two = await say(c.alice1, c.lobby.id, 'two @bob');
    await say(c.bob1, c.lobby.id, 'mine');
    expect(await lobbyOf(c.bob2, c.lobby.id)).toMatchObject({
      lastSeq: 3,
      read: { lastReadSeq: 0, unreadCount: 2, mentionCount: 1 },
    });
    expect((await lobbyOf(c.alice1, c.lobby.id)).read).toEqual({ lastReadSeq: 0, unreadCount: 1, mentionCount: 0 });
    await c.alice1.ok('message:delete', { messageId: two.id });
    expect((await lobbyOf(c.bob1, c.lobby.id)).read).toEqual({ lastReadSeq: 0, unreadCount: 1, mentionCount: 0 });
    // U1: someone joining now starts with nothing unread.
    await c.carol1.ok('room:join', { roomId: c.lobby.id });
    expect((await lobbyOf(c.carol1, c.lobby.id)).read).toEqual({ lastReadSeq: 4, unreadCount: 0, mentionCount: 0 });
  });

  it('U3: room:read moves my marker forward only, and every tab of mine hears the new state; nobody else does', async () => {
    const c = await cast();
    await say(c.alice1, c.lobby.id, 'one');
    await say(c.alice1, c.lobby.id, 'two');
    const state = await c.bob1.ok('room:read', { roomId: c.lobby.id, seq: 1 });
    expect(state).toEqual({ roomId: c.lobby.id, lastReadSeq: 1, unreadCount: 1, mentionCount: 0, asOfSeq: 2 });
    for (const tab of [c.bob1, c.bob2]) expect(await tab.waitFor('room:read-state'), tab.label).toEqual(state);
    // Backwards changes nothing (the state is still answered, and still told to every tab).
    expect(await c.bob2.ok('room:read', { roomId: c.lobby.id, seq: 0 })).toEqual(state);
    expect(await c.bob1.ok('room:read-state', { roomId: c.lobby.id })).toEqual(state);
    await c.alice1.sync();
    await c.carol1.sync();
    expect(c.alice1.received('room:read-state')).toEqual([]);
    expect(c.carol1.received('room:read-state')).toEqual([]);
    expect((await lobbyOf(c.bob2, c.lobby.id)).read).toEqual({ lastReadSeq: 1, unreadCount: 1, mentionCount: 0 });
  });

  it('U3: a seq past the room’s newest is invalid_seq, a room I am not in forbidden; nothing moves or is broadcast', async () => {
    const c = await cast();
    await say(c.alice1, c.lobby.id, 'one');
    expect(await c.bob1.request('room:read', { roomId: c.lobby.id, seq: 2 })).toMatchObject({
      ok: false,
      error: 'invalid_seq',
    });
    expect(await c.carol1.request('room:read', { roomId: c.lobby.id, seq: 1 })).toMatchObject({
      ok: false,
      error: 'forbidden',
    });
    expect(await c.carol1.request('room:read-state', { roomId: c.lobby.id })).toMatchObject({
      ok: false,
      error: 'forbidden',
    });
    expect(await c.bob1.request('room:read', { roomId: 'no-such-room', seq: 0 })).toMatchObject({
      ok: false,
      error: 'forbidden',
    });
    expect(await c.bob1.raw('room:read', [{ roomId: c.lobby.id, seq: -1 }])).toMatchObject({
      ok: false,
      error: 'invalid_payload',
    });
    await c.bob2.sync();
    expect(c.bob2.received('room:read-state')).toEqual([]);
    expect((await lobbyOf(c.bob1, c.lobby.id)).read?.lastReadSeq).toBe(0);
  });

  it('N2: room:notify sets a room’s level for me, told to every tab of mine and listed; a non-member is refused', async () => {
    const c = await cast();
    expect((await lobbyOf(c.bob1, c.lobby.id)).notify).toBeUndefined();
    expect(await c.bob1.ok('room:notify', { roomId: c.lobby.id, level: 'all' })).toEqual({
      roomId: c.lobby.id,
      level: 'all',
    });
    expect(await c.bob2.waitFor('room:notify-changed')).toEqual({ roomId: c.lobby.id, level: 'all' });
    expect((await lobbyOf(c.bob2, c.lobby.id)).notify).toBe('all');
    expect((await lobbyOf(c.alice1, c.lobby.id)).notify).toBeUndefined();
    expect(await c.carol1.request('room:notify', { roomId: c.lobby.id, level: 'none' })).toMatchObject({
      ok: false,
      error: 'forbidden',
    });
    expect(await c.bob1.raw('room:notify', [{ roomId: c.lobby.id, level: 'loud' }])).toMatchObject({
      ok: false,
      error: 'invalid_payload',
    });
  });
});

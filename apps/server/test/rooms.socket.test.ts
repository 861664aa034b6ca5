import { DEFAULT_ROOM_NAME, type RoomSummary } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { newCmid, useHarness } from './harness.js';

describe('rooms over /chat', () => {
  const h = useHarness();

  it('R7/R5: a new account lists general as its only room', async () => {
    const server = await h.start();
    const alice = await h.register(server, 'alice');
    const tab = await h.connect(server, alice);
    const rooms = await tab.ok('room:list', {});
    expect(rooms).toEqual([
      {
        id: expect.any(String),
        kind: 'public',
        name: DEFAULT_ROOM_NAME,
        lastSeq: 0,
        read: { lastReadSeq: 0, unreadCount: 0, mentionCount: 0 },
      },
    ]);
  });

  it('R7/R8: a new account joining general is announced to the members already connected there', async () => {
    const server = await h.start();
    const alice = await h.register(server, 'alice');
    const tab = await h.connect(server, alice);
    const general = (await tab.ok('room:list', {}))[0]!;
    const bob = await h.register(server, 'bob');
    const event = await tab.waitFor('room:member-joined', (e) => e.member.userId === bob.user.id);
    expect(event).toEqual({
      roomId: general.id,
      member: { userId: bob.user.id, username: 'bob', online: false, state: 'offline' },
    });
  });

  it('R1/R8: room:create answers the room and sends room:added to every tab of the creator only', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    const room = await c.alice1.ok('room:create', { name: '  Lobby  ' });
    expect(room).toEqual({
      id: expect.any(String),
      kind: 'public',
      name: 'Lobby',
      lastSeq: 0,
      ownerId: c.alice.user.id,
      read: { lastReadSeq: 0, unreadCount: 0, mentionCount: 0 },
    });
    expect(await c.alice1.waitFor('room:added', (r) => r.id === room.id)).toEqual(room);
    expect(await c.alice2.waitFor('room:added', (r) => r.id === room.id)).toEqual(room);
    await c.bob1.sync();
    expect(c.bob1.received('room:added')).toEqual([]);
    // The creator's other tab follows the new room at once.
    const sent = await c.alice1.ok('message:send', { roomId: room.id, clientMessageId: newCmid(), text: 'first' });
    expect(await c.alice2.waitFor('message:created', (m) => m.id === sent.id)).toEqual(sent);
    expect((await c.alice2.ok('room:members', { roomId: room.id })).map((m) => m.username)).toEqual(['alice']);
  });

  it('R1: a private room is created with kind private', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    const room = await c.alice1.ok('room:create', { name: 'secret', isPrivate: true });
    expect(room.kind).toBe('private');
    expect((await c.alice2.waitFor('room:added', (r) => r.id === room.id)).kind).toBe('private');
  });

  it('R1: names are unique regardless of case (room_name_taken) and follow the name rules (invalid_room_name)', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    await c.alice1.ok('room:create', { name: 'Lobby' });
    expect(await c.bob1.request('room:create', { name: 'LOBBY' })).toMatchObject({
      ok: false,
      error: 'room_name_taken',
    });
    expect(await c.bob1.request('room:create', { name: ' General ' })).toMatchObject({
      ok: false,
      error: 'room_name_taken',
    });
    for (const name of ['', '   ', 'tab\there', 'line\nbreak', 'x'.repeat(65)]) {
      expect(await c.bob1.request('room:create', { name }), JSON.stringify(name)).toMatchObject({
        ok: false,
        error: 'invalid_room_name',
      });
    }
    expect(await c.bob1.request('room:create', { name: 'x'.repeat(600) })).toMatchObject({
      ok: false,
      error: 'too_long',
    });
    await c.bob2.sync();
    expect(c.bob2.received('room:added')).toEqual([]);
    expect((await c.bob1.ok('room:list', {})).map((r) => r.name)).toEqual([DEFAULT_ROOM_NAME]);
  });

  it('R2: room:browse lists public rooms the caller is not in, never private rooms or DMs', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    const lobby = await c.alice1.ok('room:create', { name: 'Lobby' });
    const annex = await c.alice1.ok('room:create', { name: 'annex' });
    await c.alice1.ok('room:create', { name: 'secret', isPrivate: true });
    await c.alice1.ok('dm:open', { userId: c.bob.user.id });
    const browse = await c.carol1.ok('room:browse', {});
    expect(browse).toEqual([
      { id: annex.id, kind: 'public', name: 'annex', lastSeq: 0, ownerId: c.alice.user.id },
      { id: lobby.id, kind: 'public', name: 'Lobby', lastSeq: 0, ownerId: c.alice.user.id },
    ]);
    expect(await c.alice1.ok('room:browse', {})).toEqual([]);
    await c.carol1.ok('room:join', { roomId: lobby.id });
    expect((await c.carol1.ok('room:browse', {})).map((r) => r.id)).toEqual([annex.id]);
  });

  it('R3/R8: room:join sends room:added to every tab of the joiner and room:member-joined to the other members only', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    const lobby = await c.alice1.ok('room:create', { name: 'Lobby' });
    const joined = await c.bob1.ok('room:join', { roomId: lobby.id });
    expect(joined).toEqual(lobby);
    for (const tab of [c.bob1, c.bob2])
      expect(await tab.waitFor('room:added', (r) => r.id === lobby.id)).toEqual(lobby);
    const expected = {
      roomId: lobby.id,
      member: { userId: c.bob.user.id, username: 'bob', online: true, state: 'active' },
    };
    for (const tab of [c.alice1, c.alice2]) expect(await tab.waitFor('room:member-joined')).toEqual(expected);
    // Not to the joiner's own tabs, and not to people outside the room.
    for (const tab of [c.bob1, c.bob2, c.carol1]) {
      await tab.sync();
      expect(tab.received('room:member-joined'), tab.label).toEqual([]);
    }
    // The joiner's other tab now follows the room.
    const msg = await c.alice1.ok('message:send', { roomId: lobby.id, clientMessageId: newCmid(), text: 'welcome' });
    expect(await c.bob2.waitFor('message:created', (m) => m.id === msg.id)).toEqual(msg);
  });

  it('R3: joining twice is fine and announces no second member-joined', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    const lobby = await c.alice1.ok('room:create', { name: 'Lobby' });
    await c.bob1.ok('room:join', { roomId: lobby.id });
    await c.alice1.waitFor('room:member-joined');
    const again = await c.bob2.request('room:join', { roomId: lobby.id });
    expect(again).toEqual({ ok: true, data: lobby });
    await c.alice1.sync();
    expect(c.alice1.received('room:member-joined')).toHaveLength(1);
    expect((await c.alice1.ok('room:members', { roomId: lobby.id })).map((m) => m.username)).toEqual(['alice', 'bob']);
  });

  it('R3: a private room cannot be joined by a non-member (forbidden) and never shows up in browse', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    const secret = await c.alice1.ok('room:create', { name: 'secret', isPrivate: true });
    expect((await c.carol1.ok('room:browse', {})).some((r) => r.id === secret.id)).toBe(false);
    expect(await c.carol1.request('room:join', { roomId: secret.id })).toEqual({ ok: false, error: 'forbidden' });
    await c.alice2.sync();
    expect(c.alice2.received('room:member-joined')).toEqual([]);
    // Its messages reach members only.
    const msg = await c.alice1.ok('message:send', { roomId: secret.id, clientMessageId: newCmid(), text: 'psst' });
    await c.alice2.waitFor('message:created', (m) => m.id === msg.id);
    await c.carol1.sync();
    expect(c.carol1.received('message:created')).toEqual([]);
    expect(await c.carol1.request('message:history', { roomId: secret.id })).toEqual({ ok: false, error: 'forbidden' });
  });

  it('R3: joining an unknown room is not_found', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    expect(await c.carol1.request('room:join', { roomId: 'no-such-room' })).toEqual({ ok: false, error: 'not_found' });
  });

  it('R4: room:leave removes the caller, sends room:removed to every tab and room:member-left to the rest', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    const lobby = await c.alice1.ok('room:create', { name: 'Lobby' });
    await c.bob1.ok('room:join', { roomId: lobby.id });
    await c.bob2.waitFor('room:added', (r) => r.id === lobby.id);
    expect(await c.bob1.request('room:leave', { roomId: lobby.id })).toEqual({ ok: true, data: { roomId: lobby.id } });
    for (const tab of [c.bob1, c.bob2])
      expect(await tab.waitFor('room:removed')).toEqual({ roomId: lobby.id, reason: 'left' });
    for (const tab of [c.alice1, c.alice2]) {
      expect(await tab.waitFor('room:member-left')).toEqual({ roomId: lobby.id, userId: c.bob.user.id });
    }
    // Bob no longer receives the room's messages on any tab, nor is he a member.
    const msg = await c.alice1.ok('message:send', { roomId: lobby.id, clientMessageId: newCmid(), text: 'gone?' });
    await c.alice2.waitFor('message:created', (m) => m.id === msg.id);
    for (const tab of [c.bob1, c.bob2]) {
      await tab.sync();
      expect(tab.received('message:created'), tab.label).toEqual([]);
      expect(tab.received('room:member-left'), tab.label).toEqual([]);
    }
    expect((await c.bob1.ok('room:list', {})).map((r) => r.name)).toEqual([DEFAULT_ROOM_NAME]);
    expect((await c.bob1.ok('room:browse', {})).map((r) => r.id)).toEqual([lobby.id]);
  });

  it('R4: leaving a DM is forbidden; leaving a room one is not in is forbidden; an unknown room is not_found', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    const dm = await c.alice1.ok('dm:open', { userId: c.bob.user.id });
    expect(await c.alice1.request('room:leave', { roomId: dm.id })).toEqual({ ok: false, error: 'forbidden' });
    const lobby = await c.alice1.ok('room:create', { name: 'Lobby' });
    expect(await c.bob1.request('room:leave', { roomId: lobby.id })).toEqual({ ok: false, error: 'forbidden' });
    expect(await c.bob1.request('room:leave', { roomId: 'no-such-room' })).toEqual({ ok: false, error: 'not_found' });
    await c.alice2.sync();
    expect(c.alice2.received('room:member-left')).toEqual([]);
    expect(c.alice2.received('room:removed')).toEqual([]);
  });

  it('R5: room:list gives rooms and DMs, a DM named after the other person', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    const lobby = await c.alice1.ok('room:create', { name: 'Lobby' });
    const dm = await c.alice1.ok('dm:open', { userId: c.bob.user.id });
    const rooms = await c.alice2.ok('room:list', {});
    const byId = new Map(rooms.map((r) => [r.id, r] as [string, RoomSummary]));
    expect(rooms).toHaveLength(3);
    expect(byId.get(lobby.id)).toEqual(lobby);
    expect(byId.get(dm.id)).toEqual({
      id: dm.id,
      kind: 'dm',
      name: 'bob',
      peer: c.bob.user,
      lastSeq: 0,
      read: { lastReadSeq: 0, unreadCount: 0, mentionCount: 0 },
    });
    const bobRooms = await c.bob1.ok('room:list', {});
    expect(bobRooms.find((r) => r.id === dm.id)).toEqual({
      id: dm.id,
      kind: 'dm',
      name: 'alice',
      peer: c.alice.user,
      lastSeq: 0,
      read: { lastReadSeq: 0, unreadCount: 0, mentionCount: 0 },
    });
  });

  it('R6: room:members lists members with online; only members may ask (forbidden)', async () => {
    const server = await h.start();
    const alice = await h.register(server, 'alice');
    const bob = await h.register(server, 'bob');
    const dave = await h.register(server, 'dave'); // never connects
    const aliceTab = await h.connect(server, alice);
    const bobTab = await h.connect(server, bob);
    const lobby = await aliceTab.ok('room:create', { name: 'Lobby' });
    const general = (await aliceTab.ok('room:list', {})).find((r) => r.name === DEFAULT_ROOM_NAME)!;
    expect(await aliceTab.ok('room:members', { roomId: general.id })).toEqual([
      { userId: alice.user.id, username: 'alice', online: true, state: 'active' },
      { userId: bob.user.id, username: 'bob', online: true, state: 'active' },
      { userId: dave.user.id, username: 'dave', online: false, state: 'offline' },
    ]);
    expect(await bobTab.request('room:members', { roomId: lobby.id })).toEqual({ ok: false, error: 'forbidden' });
    expect(await bobTab.request('room:members', { roomId: 'no-such-room' })).toEqual({ ok: false, error: 'forbidden' });
  });

  it('R5: lastSeq in room:list follows the messages of the room', async () => {
    const server = await h.start();
    const c = await h.cast(server);
    const lobby = await c.alice1.ok('room:create', { name: 'Lobby' });
    for (let i = 0; i < 3; i++)
      await c.alice1.ok('message:send', { roomId: lobby.id, clientMessageId: newCmid(), text: `m${i}` });
    expect((await c.alice2.ok('room:list', {})).find((r) => r.id === lobby.id)?.lastSeq).toBe(3);
    expect((await c.bob1.ok('room:browse', {})).find((r) => r.id === lobby.id)?.lastSeq).toBe(3);
  });
});

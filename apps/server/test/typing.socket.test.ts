import { DEFAULT_ROOM_NAME } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { newCmid, until, useHarness, type TestClient, type TestServer } from './harness.js';

/*
 * Typing events are volatile: Socket.IO drops them for a receiver whose transport is
 * busy writing. Before each typing command the receivers are settled with a round trip,
 * so a dropped packet cannot masquerade as a pass or a failure.
 */
describe('typing over /chat', () => {
  const h = useHarness();

  async function settle(...tabs: TestClient[]): Promise<void> {
    for (const tab of tabs) await tab.sync();
  }

  /** alice with two tabs, bob, and carol who has left general. */
  async function cast(server: TestServer) {
    const alice = await h.register(server, 'alice');
    const bob = await h.register(server, 'bob');
    const carol = await h.register(server, 'carol');
    const alice1 = await h.connect(server, alice, 'alice1');
    const alice2 = await h.connect(server, alice, 'alice2');
    const bob1 = await h.connect(server, bob, 'bob1');
    const carol1 = await h.connect(server, carol, 'carol1');
    const generalId = (await alice1.ok('room:list', {})).find((r) => r.name === DEFAULT_ROOM_NAME)!.id;
    await carol1.ok('room:leave', { roomId: generalId });
    await settle(alice1, alice2, bob1, carol1);
    return { alice, bob, carol, alice1, alice2, bob1, carol1, generalId };
  }

  it('T1: typing:start and typing:stop reach the other members, never any tab of the typer', async () => {
    const server = await h.start();
    const c = await cast(server);
    const event = { roomId: c.generalId, userId: c.alice.user.id, username: 'alice' };

    expect(await c.alice1.request('typing:start', { roomId: c.generalId })).toEqual({ ok: true, data: null });
    expect(await c.bob1.waitFor('typing:started')).toEqual(event);
    await settle(c.bob1, c.alice1, c.alice2);

    expect(await c.alice1.request('typing:stop', { roomId: c.generalId })).toEqual({ ok: true, data: null });
    expect(await c.bob1.waitFor('typing:stopped')).toEqual(event);

    // The typer's tabs (the typing one and the other) heard nothing of it, nor did a non-member.
    await settle(c.alice1, c.alice2, c.carol1);
    for (const tab of [c.alice1, c.alice2, c.carol1]) {
      expect(tab.received('typing:started'), tab.label).toEqual([]);
      expect(tab.received('typing:stopped'), tab.label).toEqual([]);
    }
  });

  it('T1: typing without an ack callback is forwarded too', async () => {
    const server = await h.start();
    const c = await cast(server);
    c.alice2.emitNoAck('typing:start', { roomId: c.generalId });
    expect(await c.bob1.waitFor('typing:started')).toEqual({
      roomId: c.generalId,
      userId: c.alice.user.id,
      username: 'alice',
    });
  });

  it('T1: a stop without a start forwards nothing', async () => {
    const server = await h.start();
    const c = await cast(server);
    expect(await c.alice1.request('typing:stop', { roomId: c.generalId })).toEqual({ ok: true, data: null });
    await c.alice1.ok('message:send', { roomId: c.generalId, clientMessageId: newCmid(), text: 'marker' });
    await c.bob1.waitFor('message:created');
    expect(c.bob1.received('typing:stopped')).toEqual([]);
  });

  it('T5: a message from the typer ends its typing: the others get message:created and no typing:stopped, and a later close announces nothing', async () => {
    const server = await h.start();
    const c = await cast(server);
    await c.alice1.ok('typing:start', { roomId: c.generalId });
    await c.bob1.waitFor('typing:started');
    await settle(c.bob1);
    const message = await c.alice1.ok('message:send', {
      roomId: c.generalId,
      clientMessageId: newCmid(),
      text: 'done',
    });
    expect(await c.bob1.waitFor('message:created')).toEqual(message);
    // The server forgot the typing: closing the typer's connection now says nothing.
    c.alice1.close();
    await until(
      () => server.app.services.presence.connectionCount(c.alice.user.id) === 1,
      'the server saw alice1 close',
    );
    await c.alice2.ok('message:send', { roomId: c.generalId, clientMessageId: newCmid(), text: 'marker' });
    await c.bob1.waitFor('message:created', (m) => m.text === 'marker');
    expect(c.bob1.received('typing:stopped')).toEqual([]);
  });

  it('T2: when a connection closes mid-typing, the others get typing:stopped (the typer other tab does not)', async () => {
    const server = await h.start();
    const c = await cast(server);
    const lobby = await c.bob1.ok('room:create', { name: 'Lobby' });
    await c.alice1.ok('room:join', { roomId: lobby.id });
    await c.bob1.waitFor('room:member-joined');
    await settle(c.bob1, c.alice2);
    await c.alice1.ok('typing:start', { roomId: c.generalId });
    await c.alice1.ok('typing:start', { roomId: lobby.id });
    await c.bob1.waitFor('typing:started', (e) => e.roomId === lobby.id);
    await c.bob1.waitFor('typing:started', (e) => e.roomId === c.generalId);

    c.alice1.close();
    const event = { userId: c.alice.user.id, username: 'alice' };
    expect(await c.bob1.waitFor('typing:stopped', (e) => e.roomId === c.generalId)).toEqual({
      ...event,
      roomId: c.generalId,
    });
    expect(await c.bob1.waitFor('typing:stopped', (e) => e.roomId === lobby.id)).toEqual({
      ...event,
      roomId: lobby.id,
    });
    await settle(c.alice2, c.carol1);
    expect(c.alice2.received('typing:stopped')).toEqual([]);
    expect(c.carol1.received('typing:stopped')).toEqual([]);
  });

  it('T2: closing a connection that was not typing announces nothing', async () => {
    const server = await h.start();
    const c = await cast(server);
    await c.alice1.ok('typing:start', { roomId: c.generalId });
    await c.bob1.waitFor('typing:started');
    c.alice2.close();
    await until(
      () => server.app.services.presence.connectionCount(c.alice.user.id) === 1,
      'the server saw alice2 close',
    );
    await c.alice1.ok('message:send', { roomId: c.generalId, clientMessageId: newCmid(), text: 'marker' });
    await c.bob1.waitFor('message:created');
    // Nothing: alice2 was not typing, and the message ends alice1's typing silently (T5).
    expect(c.bob1.received('typing:stopped')).toEqual([]);
  });

  it('T3: a non-member typing is refused (forbidden) and forwarded to no one', async () => {
    const server = await h.start();
    const c = await cast(server);
    const secret = await c.bob1.ok('room:create', { name: 'secret', isPrivate: true });
    await settle(c.bob1);
    expect(await c.carol1.request('typing:start', { roomId: c.generalId })).toEqual({ ok: false, error: 'forbidden' });
    expect(await c.alice1.request('typing:start', { roomId: secret.id })).toEqual({ ok: false, error: 'forbidden' });
    expect(await c.alice1.request('typing:stop', { roomId: secret.id })).toEqual({ ok: false, error: 'forbidden' });
    expect(await c.carol1.request('typing:start', { roomId: 'no-such-room' })).toEqual({
      ok: false,
      error: 'forbidden',
    });
    // Then something bob does hear, later on each connection.
    await c.alice1.ok('message:send', { roomId: c.generalId, clientMessageId: newCmid(), text: 'marker' });
    await c.bob1.waitFor('message:created');
    expect(c.bob1.received('typing:started')).toEqual([]);
    await settle(c.alice2);
    expect(c.alice2.received('typing:started')).toEqual([]);
  });

  it('T3: after leaving a room, typing there is refused', async () => {
    const server = await h.start();
    const c = await cast(server);
    await c.alice1.ok('typing:start', { roomId: c.generalId });
    await c.bob1.waitFor('typing:started');
    await c.alice2.ok('room:leave', { roomId: c.generalId });
    await c.alice1.waitFor('room:removed');
    await settle(c.bob1);
    for (const tab of [c.alice1, c.alice2]) {
      expect(await tab.request('typing:start', { roomId: c.generalId }), tab.label).toEqual({
        ok: false,
        error: 'forbidden',
      });
    }
    await c.bob1.ok('message:send', { roomId: c.generalId, clientMessageId: newCmid(), text: 'marker' });
    await c.bob1.waitFor('message:created');
    expect(c.bob1.received('typing:started')).toHaveLength(1);
  });
});

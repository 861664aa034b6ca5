import { describe, expect, it } from 'vitest';
import { useHarness } from './harness.js';

/*
 * I6: invitations sent while the invitee had no connection open. room:invited reaches
 * only the sockets open at the time, so a client asks for the pending ones when it connects.
 */

describe('received invitations over /chat', () => {
  const h = useHarness();

  it('I6: an invitation sent while the invitee is offline is listed when they connect, with the room and who sent it', async () => {
    const server = await h.start();
    const owner = await h.register(server, 'owner');
    const bob = await h.register(server, 'bob');
    const ownerTab = await h.connect(server, owner, 'owner');
    const secret = await ownerTab.ok('room:create', { name: 'secret', isPrivate: true });
    const lobby = await ownerTab.ok('room:create', { name: 'lobby' });
    // bob has no connection open: nobody hears room:invited.
    await ownerTab.ok('room:invite', { roomId: secret.id, username: 'bob' });
    await ownerTab.ok('room:invite', { roomId: lobby.id, username: 'bob' });

    const bobTab = await h.connect(server, bob, 'bob');
    const received = await bobTab.ok('room:received-invitations', {});
    expect(received).toEqual([
      {
        room: expect.objectContaining({ id: secret.id, kind: 'private', name: 'secret', invited: true }),
        by: owner.user,
        createdAt: expect.any(Number),
      },
      {
        room: expect.objectContaining({ id: lobby.id, kind: 'public', name: 'lobby', invited: true }),
        by: owner.user,
        createdAt: expect.any(Number),
      },
    ]);
    expect(received[0]!.createdAt).toBeLessThanOrEqual(received[1]!.createdAt);
    // The room is not the invitee's yet: no read state, no messages.
    expect(received[0]!.room.read).toBeUndefined();

    // Joining consumes one; a withdrawal removes the other.
    await bobTab.ok('room:join', { roomId: secret.id });
    await ownerTab.ok('room:withdraw-invitation', { roomId: lobby.id, userId: bob.user.id });
    expect(await bobTab.ok('room:received-invitations', {})).toEqual([]);
  });

  it("I6: the list is the caller's own: nobody else's invitations show, and the inviter sees none of theirs", async () => {
    const server = await h.start();
    const owner = await h.register(server, 'owner');
    await h.register(server, 'bob');
    const carol = await h.register(server, 'carol');
    const ownerTab = await h.connect(server, owner, 'owner');
    const carolTab = await h.connect(server, carol, 'carol');
    const secret = await ownerTab.ok('room:create', { name: 'secret', isPrivate: true });
    await ownerTab.ok('room:invite', { roomId: secret.id, username: 'bob' });
    expect(await carolTab.ok('room:received-invitations', {})).toEqual([]);
    expect(await ownerTab.ok('room:received-invitations', {})).toEqual([]);
  });

  it('I6/W3: a payload with any key is invalid_payload', async () => {
    const server = await h.start();
    const bob = await h.register(server, 'bob');
    const bobTab = await h.connect(server, bob, 'bob');
    expect(await bobTab.request('room:received-invitations', { roomId: 'x' } as never)).toMatchObject({
      ok: false,
      error: 'invalid_payload',
    });
  });
});

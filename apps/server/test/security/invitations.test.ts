import type { RoomSummary } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { newCmid, useHarness, type Account, type TestClient, type TestServer } from '../harness.js';

/*
 * SEC-INVITE: I1–I3. Private rooms are reachable only by invitation, removal takes effect
 * on open sockets at once, and nobody learns of a private room they were not invited to.
 */

type Cast = {
  server: TestServer;
  owner: Account;
  bob: Account;
  carol: Account;
  ownerTab: TestClient;
  bobTabs: TestClient[];
  carolTab: TestClient;
  room: RoomSummary;
};

describe('SEC-INVITE: invitations and removal (I1–I3)', () => {
  const h = useHarness();

  async function cast(): Promise<Cast> {
    const server = await h.start();
    const owner = await h.register(server, 'owner');
    const bob = await h.register(server, 'bob');
    const carol = await h.register(server, 'carol');
    const ownerTab = await h.connect(server, owner, 'owner');
    const bobTabs = [await h.connect(server, bob, 'bob-1'), await h.connect(server, bob, 'bob-2')];
    const carolTab = await h.connect(server, carol, 'carol');
    const room = await ownerTab.ok('room:create', { name: 'war-room', isPrivate: true });
    return { server, owner, bob, carol, ownerTab, bobTabs, carolTab, room };
  }

  it('SEC-INVITE I1/I2: an invitation reaches every tab of the invitee; only the invitee sees the room in room:browse, with invited:true', async () => {
    const { ownerTab, bobTabs, carolTab, room, bob } = await cast();
    // Before: nobody but the owner knows the room exists.
    for (const tab of [...bobTabs, carolTab])
      expect((await tab.ok('room:browse', {})).some((r) => r.id === room.id)).toBe(false);

    expect(await ownerTab.ok('room:invite', { roomId: room.id, username: 'BOB' })).toEqual({
      roomId: room.id,
      userId: bob.user.id,
    });
    for (const tab of bobTabs) {
      const invited = await tab.waitFor('room:invited');
      expect(invited.room).toMatchObject({ id: room.id, kind: 'private', name: 'war-room', invited: true });
      expect(invited.by.username).toBe('owner');
      const browse = await tab.ok('room:browse', {});
      expect(browse.filter((r) => r.id === room.id)).toEqual([expect.objectContaining({ id: room.id, invited: true })]);
    }
    await carolTab.sync();
    await ownerTab.sync();
    expect(carolTab.received('room:invited')).toEqual([]);
    expect(ownerTab.received('room:invited')).toEqual([]);
    expect((await carolTab.ok('room:browse', {})).some((r) => r.id === room.id)).toBe(false);
    expect((await ownerTab.ok('room:browse', {})).some((r) => r.id === room.id)).toBe(false);
    expect((await carolTab.ok('room:browse', {})).some((r) => r.invited === true)).toBe(false);
  });

  it('SEC-INVITE I1: a non-invited user cannot join, read, send, type or list members; the invited user joins', async () => {
    const { ownerTab, bobTabs, carolTab, room } = await cast();
    await ownerTab.ok('room:invite', { roomId: room.id, username: 'bob' });
    expect(await carolTab.request('room:join', { roomId: room.id })).toEqual({ ok: false, error: 'forbidden' });
    expect(await carolTab.request('message:history', { roomId: room.id })).toEqual({ ok: false, error: 'forbidden' });
    expect(await carolTab.request('message:send', { roomId: room.id, clientMessageId: newCmid(), text: 'hi' })).toEqual(
      {
        ok: false,
        error: 'forbidden',
      },
    );
    expect(await carolTab.request('room:members', { roomId: room.id })).toEqual({ ok: false, error: 'forbidden' });
    expect(await carolTab.request('typing:start', { roomId: room.id })).toEqual({ ok: false, error: 'forbidden' });
    expect(await carolTab.request('room:invite', { roomId: room.id, username: 'carol' })).toEqual({
      ok: false,
      error: 'forbidden',
    });

    const joined = await bobTabs[0]!.ok('room:join', { roomId: room.id });
    expect(joined).toMatchObject({ id: room.id, kind: 'private' });
    for (const tab of bobTabs) await tab.waitFor('room:added', (r) => r.id === room.id);
    await ownerTab.waitFor('room:member-joined', (e) => e.roomId === room.id && e.member.username === 'bob');
    // The invitation is used up: the room leaves bob's browse list.
    expect((await bobTabs[0]!.ok('room:browse', {})).some((r) => r.id === room.id)).toBe(false);
    const sent = await ownerTab.ok('message:send', { roomId: room.id, clientMessageId: newCmid(), text: 'welcome' });
    for (const tab of bobTabs) await tab.waitFor('message:created', (m) => m.id === sent.id);
    await carolTab.sync();
    expect(carolTab.received('message:created').some((m) => m.roomId === room.id)).toBe(false);
    expect(carolTab.received('room:member-joined').some((e) => e.roomId === room.id)).toBe(false);
  });

  it('SEC-INVITE I3: the owner removes a member: their sockets leave at once (nothing sent after reaches them) and get room:removed', async () => {
    const { ownerTab, bobTabs, carolTab, room, bob, carol } = await cast();
    for (const name of ['bob', 'carol']) await ownerTab.ok('room:invite', { roomId: room.id, username: name });
    await bobTabs[0]!.ok('room:join', { roomId: room.id });
    await carolTab.ok('room:join', { roomId: room.id });

    expect(await ownerTab.ok('room:remove-member', { roomId: room.id, userId: bob.user.id })).toEqual({
      roomId: room.id,
      userId: bob.user.id,
    });
    // Sent immediately after the removal's ack: bob must not get it, carol must.
    const after = await ownerTab.ok('message:send', {
      roomId: room.id,
      clientMessageId: newCmid(),
      text: 'bob is gone',
    });
    await carolTab.waitFor('message:created', (m) => m.id === after.id);
    for (const tab of bobTabs) {
      expect(await tab.waitFor('room:removed', (e) => e.roomId === room.id)).toEqual({
        roomId: room.id,
        reason: 'removed',
      });
      await tab.sync();
      expect(tab.received('message:created').some((m) => m.id === after.id)).toBe(false);
    }
    expect(await carolTab.waitFor('room:member-left', (e) => e.userId === bob.user.id)).toEqual({
      roomId: room.id,
      userId: bob.user.id,
    });
    // Typing from carol is not relayed to bob either, and bob can no longer type, read or send there.
    carolTab.emitNoAck('typing:start', { roomId: room.id });
    await ownerTab.waitFor('typing:started', (e) => e.userId === carol.user.id);
    for (const tab of bobTabs) {
      await tab.sync();
      expect(tab.received('typing:started').some((e) => e.roomId === room.id && e.userId === carol.user.id)).toBe(
        false,
      );
    }
    const bobTab = bobTabs[1]!;
    expect(await bobTab.request('typing:start', { roomId: room.id })).toEqual({ ok: false, error: 'forbidden' });
    expect(await bobTab.request('message:history', { roomId: room.id })).toEqual({ ok: false, error: 'forbidden' });
    expect(await bobTab.request('message:send', { roomId: room.id, clientMessageId: newCmid(), text: 'x' })).toEqual({
      ok: false,
      error: 'forbidden',
    });
    expect((await bobTab.ok('room:list', {})).some((r) => r.id === room.id)).toBe(false);
  });

  it('SEC-INVITE I3: a non-owner member cannot remove anyone, and the owner cannot remove themself', async () => {
    const { ownerTab, bobTabs, carolTab, room, owner, carol } = await cast();
    for (const name of ['bob', 'carol']) await ownerTab.ok('room:invite', { roomId: room.id, username: name });
    await bobTabs[0]!.ok('room:join', { roomId: room.id });
    await carolTab.ok('room:join', { roomId: room.id });
    expect(await bobTabs[0]!.request('room:remove-member', { roomId: room.id, userId: carol.user.id })).toEqual({
      ok: false,
      error: 'forbidden',
    });
    expect(await bobTabs[0]!.request('room:remove-member', { roomId: room.id, userId: owner.user.id })).toEqual({
      ok: false,
      error: 'forbidden',
    });
    expect(await ownerTab.request('room:remove-member', { roomId: room.id, userId: owner.user.id })).toEqual({
      ok: false,
      error: 'forbidden',
    });
    const members = (await ownerTab.ok('room:members', { roomId: room.id })).map((m) => m.username).sort();
    expect(members).toEqual(['bob', 'carol', 'owner']);
    await carolTab.sync();
    expect(carolTab.received('room:removed')).toEqual([]);
  });

  it('SEC-INVITE I3: an owner who left the room no longer removes members', async () => {
    const { ownerTab, bobTabs, room, bob } = await cast();
    await ownerTab.ok('room:invite', { roomId: room.id, username: 'bob' });
    await bobTabs[0]!.ok('room:join', { roomId: room.id });
    await ownerTab.ok('room:leave', { roomId: room.id });
    expect(await ownerTab.request('room:remove-member', { roomId: room.id, userId: bob.user.id })).toEqual({
      ok: false,
      error: 'forbidden',
    });
    expect((await bobTabs[0]!.ok('room:members', { roomId: room.id })).map((m) => m.username)).toEqual(['bob']);
  });

  it('SEC-INVITE R4: a refused leave by an invited non-member keeps the invitation', async () => {
    const { ownerTab, bobTabs, room } = await cast();
    await ownerTab.ok('room:invite', { roomId: room.id, username: 'bob' });
    expect(await bobTabs[0]!.request('room:leave', { roomId: room.id })).toEqual({ ok: false, error: 'forbidden' });
    const browse = await bobTabs[0]!.ok('room:browse', {});
    expect(browse.filter((r) => r.id === room.id)).toEqual([expect.objectContaining({ id: room.id, invited: true })]);
    expect((await bobTabs[0]!.ok('room:join', { roomId: room.id })).id).toBe(room.id);
  });

  it('SEC-INVITE I3: a removed member of a private room cannot rejoin without a new invitation', async () => {
    const { ownerTab, bobTabs, room, bob } = await cast();
    await ownerTab.ok('room:invite', { roomId: room.id, username: 'bob' });
    await bobTabs[0]!.ok('room:join', { roomId: room.id });
    await ownerTab.ok('room:remove-member', { roomId: room.id, userId: bob.user.id });
    expect(await bobTabs[0]!.request('room:join', { roomId: room.id })).toEqual({ ok: false, error: 'forbidden' });
    expect((await bobTabs[0]!.ok('room:browse', {})).some((r) => r.id === room.id)).toBe(false);
    // An invitation pending at removal time does not survive it either.
    await ownerTab.ok('room:invite', { roomId: room.id, username: 'bob' });
    await bobTabs[0]!.ok('room:join', { roomId: room.id });
    await ownerTab.ok('room:remove-member', { roomId: room.id, userId: bob.user.id });
    expect(await bobTabs[1]!.request('room:join', { roomId: room.id })).toEqual({ ok: false, error: 'forbidden' });
    // A new invitation lets bob back in.
    await ownerTab.ok('room:invite', { roomId: room.id, username: 'bob' });
    expect(await bobTabs[1]!.request('room:join', { roomId: room.id })).toMatchObject({ ok: true });
  });

  it('SEC-INVITE I1: inviting to a DM is forbidden, an unknown username is not_found, a member is already_member, a non-member is forbidden', async () => {
    const { ownerTab, bobTabs, carolTab, room, bob } = await cast();
    const dm = await ownerTab.ok('dm:open', { userId: bob.user.id });
    expect(await ownerTab.request('room:invite', { roomId: dm.id, username: 'carol' })).toEqual({
      ok: false,
      error: 'forbidden',
    });
    expect(await bobTabs[0]!.request('room:invite', { roomId: dm.id, username: 'carol' })).toEqual({
      ok: false,
      error: 'forbidden',
    });
    expect(await ownerTab.request('room:invite', { roomId: room.id, username: 'nobody-here' })).toEqual({
      ok: false,
      error: 'not_found',
    });
    expect(await ownerTab.request('room:invite', { roomId: room.id, username: 'owner' })).toEqual({
      ok: false,
      error: 'already_member',
    });
    // Someone outside the room cannot invite, whether or not the room exists (no existence oracle).
    expect(await carolTab.request('room:invite', { roomId: room.id, username: 'carol' })).toEqual({
      ok: false,
      error: 'forbidden',
    });
    expect(await carolTab.request('room:invite', { roomId: 'no-such-room', username: 'carol' })).toEqual({
      ok: false,
      error: 'forbidden',
    });
    await carolTab.sync();
    expect(carolTab.received('room:invited')).toEqual([]);
    expect((await carolTab.ok('room:list', {})).some((r) => r.id === dm.id)).toBe(false);
  });

  it("SEC-INVITE I1/R2: an invitation to a public room lists it once in the invitee's browse", async () => {
    const { ownerTab, carolTab } = await cast();
    const lobby = await ownerTab.ok('room:create', { name: 'lobby' });
    await ownerTab.ok('room:invite', { roomId: lobby.id, username: 'carol' });
    await carolTab.waitFor('room:invited');
    const listed = (await carolTab.ok('room:browse', {})).filter((r) => r.id === lobby.id);
    expect(listed).toEqual([expect.objectContaining({ id: lobby.id, kind: 'public', invited: true })]);
    // Joining uses the invitation up; the room is then in the list, not in browse.
    await carolTab.ok('room:join', { roomId: lobby.id });
    expect((await carolTab.ok('room:browse', {})).some((r) => r.id === lobby.id)).toBe(false);
  });
});

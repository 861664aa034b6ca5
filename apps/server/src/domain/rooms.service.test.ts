import { DEFAULT_ROOM_NAME, ROOM_NAME_MAX, type User } from '@parley/shared-types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeOf, createDomainFixture, type DomainFixture } from '../../test/domain-fixture.js';
import { randomId } from './ids.js';
import { normalizeRoomName, RoomsService } from './rooms.service.js';

describe('normalizeRoomName', () => {
  it('R1: the name is trimmed before it is checked and stored', () => {
    expect(normalizeRoomName('  Lobby  ')).toBe('Lobby');
    expect(normalizeRoomName('\t\nLobby\r\n')).toBe('Lobby');
    expect(normalizeRoomName('two words')).toBe('two words');
  });

  it('R1: an empty or all-blank name is invalid_room_name', async () => {
    expect(await codeOf(() => normalizeRoomName(''))).toBe('invalid_room_name');
    expect(await codeOf(() => normalizeRoomName('   '))).toBe('invalid_room_name');
    expect(await codeOf(() => normalizeRoomName('\t\n'))).toBe('invalid_room_name');
  });

  it('R1: control characters inside the name are invalid_room_name', async () => {
    for (const bad of ['a\nb', 'a\tb', 'bell\u0007', 'nul\u0000x', 'del\u007fx', 'c1\u0085x']) {
      expect(await codeOf(() => normalizeRoomName(bad)), JSON.stringify(bad)).toBe('invalid_room_name');
    }
  });

  it('R1: length is counted in code points after trimming: 64 fit, 65 do not', async () => {
    expect(normalizeRoomName('a'.repeat(ROOM_NAME_MAX))).toBe('a'.repeat(ROOM_NAME_MAX));
    // 64 emoji are 128 UTF-16 units but 64 characters.
    const emoji = '😀'.repeat(ROOM_NAME_MAX);
    expect(normalizeRoomName(emoji)).toBe(emoji);
    expect(normalizeRoomName(`   ${'b'.repeat(ROOM_NAME_MAX)}   `)).toBe('b'.repeat(ROOM_NAME_MAX));
    expect(await codeOf(() => normalizeRoomName('a'.repeat(ROOM_NAME_MAX + 1)))).toBe('invalid_room_name');
    expect(await codeOf(() => normalizeRoomName('😀'.repeat(ROOM_NAME_MAX + 1)))).toBe('invalid_room_name');
  });

  it('R1: a single character is enough', () => {
    expect(normalizeRoomName('x')).toBe('x');
  });
});

describe('RoomsService', () => {
  let f: DomainFixture;
  let alice: User;
  let bob: User;

  beforeEach(async () => {
    f = await createDomainFixture();
    alice = await f.addUser('alice');
    bob = await f.addUser('bob');
  });
  afterEach(() => f.close());

  it('R7: the default room is public, named general, and ensureDefaultRoom is idempotent', async () => {
    expect(await f.rooms.ensureDefaultRoom()).toBe(f.generalId);
    expect(f.rooms.autoJoinRoomIds()).toEqual([f.generalId]);
    const room = await f.storage.rooms.findById(f.generalId);
    expect(room).toMatchObject({ kind: 'public', name: DEFAULT_ROOM_NAME, ownerId: null });
    // A second service over the same storage (a restart) finds the same room.
    const again = new RoomsService({
      storage: f.storage,
      clock: f.clock,
      newId: randomId,
      viewsOf: async (ids) => ids.map(() => ({ state: 'offline' as const })),
    });
    expect(again.autoJoinRoomIds()).toEqual([]);
    expect(await again.ensureDefaultRoom()).toBe(f.generalId);
    expect(again.autoJoinRoomIds()).toEqual([f.generalId]);
  });

  it('R7: new accounts are members of general', async () => {
    expect(await f.storage.rooms.isMember(f.generalId, alice.id)).toBe(true);
    expect((await f.rooms.list(bob.id)).map((r) => r.name)).toEqual([DEFAULT_ROOM_NAME]);
  });

  it('R1: create stores the trimmed name, makes the creator the first member and owner', async () => {
    const room = await f.rooms.create(alice, '  Lobby ', false);
    expect(room).toEqual({
      id: room.id,
      kind: 'public',
      name: 'Lobby',
      lastSeq: 0,
      ownerId: alice.id,
      read: { lastReadSeq: 0, unreadCount: 0, mentionCount: 0 },
    });
    expect(await f.storage.rooms.isMember(room.id, alice.id)).toBe(true);
    expect(await f.storage.rooms.listMembers(room.id)).toEqual([{ userId: alice.id, username: 'alice' }]);
    expect((await f.storage.rooms.findById(room.id))?.ownerId).toBe(alice.id);
  });

  it('R1: a private room is created with kind private', async () => {
    const room = await f.rooms.create(alice, 'secret', true);
    expect(room.kind).toBe('private');
  });

  it('R1: room names are unique regardless of case (room_name_taken), including general', async () => {
    await f.rooms.create(alice, 'Lobby', false);
    expect(await codeOf(() => f.rooms.create(bob, 'LOBBY', false))).toBe('room_name_taken');
    expect(await codeOf(() => f.rooms.create(bob, '  lobby  ', true))).toBe('room_name_taken');
    expect(await codeOf(() => f.rooms.create(bob, 'General', false))).toBe('room_name_taken');
    // Nothing was added for bob.
    expect((await f.rooms.list(bob.id)).map((r) => r.name)).toEqual([DEFAULT_ROOM_NAME]);
  });

  it('R1: an invalid name stores nothing', async () => {
    expect(await codeOf(() => f.rooms.create(alice, 'bad\nname', false))).toBe('invalid_room_name');
    expect(await f.rooms.browse(bob.id)).toEqual([]);
  });

  it('R2: browse lists public rooms the caller is not in, by name, and never private rooms or DMs', async () => {
    const zeta = await f.rooms.create(alice, 'zeta', false);
    const alpha = await f.rooms.create(alice, 'Alpha', false);
    await f.rooms.create(alice, 'hidden', true);
    await f.rooms.openDm(alice, bob.id);
    const carol = await f.addUser('carol');
    expect((await f.rooms.browse(carol.id)).map((r) => r.name)).toEqual(['Alpha', 'zeta']);
    // Alice is in everything she created (and general).
    expect(await f.rooms.browse(alice.id)).toEqual([]);
    await f.rooms.join(carol, alpha.id);
    expect((await f.rooms.browse(carol.id)).map((r) => r.id)).toEqual([zeta.id]);
  });

  it('R3: join adds a member to a public room; joining twice is fine and reports no new join', async () => {
    const room = await f.rooms.create(alice, 'Lobby', false);
    const first = await f.rooms.join(bob, room.id);
    expect(first.joined).toBe(true);
    expect(first.room).toEqual({
      id: room.id,
      kind: 'public',
      name: 'Lobby',
      lastSeq: 0,
      ownerId: alice.id,
      read: { lastReadSeq: 0, unreadCount: 0, mentionCount: 0 },
    });
    const second = await f.rooms.join(bob, room.id);
    expect(second.joined).toBe(false);
    expect(await f.storage.rooms.listMembers(room.id)).toHaveLength(2);
  });

  it('R3: a private room cannot be joined by a non-member (forbidden), but its member may re-join', async () => {
    const room = await f.rooms.create(alice, 'secret', true);
    expect(await codeOf(() => f.rooms.join(bob, room.id))).toBe('forbidden');
    expect(await f.storage.rooms.isMember(room.id, bob.id)).toBe(false);
    const again = await f.rooms.join(alice, room.id);
    expect(again).toMatchObject({ joined: false, room: { kind: 'private', name: 'secret' } });
  });

  it('R3: a DM cannot be joined by a third person (forbidden); an unknown room is not_found', async () => {
    const carol = await f.addUser('carol');
    const dm = await f.rooms.openDm(alice, bob.id);
    expect(await codeOf(() => f.rooms.join(carol, dm.mine.id))).toBe('forbidden');
    expect(await codeOf(() => f.rooms.join(carol, 'no-such-room'))).toBe('not_found');
  });

  it('R4: leave removes the caller; leaving a room one is not in is forbidden; an unknown room is not_found', async () => {
    const room = await f.rooms.create(alice, 'Lobby', false);
    await f.rooms.join(bob, room.id);
    await f.rooms.leave(bob, room.id);
    expect(await f.storage.rooms.isMember(room.id, bob.id)).toBe(false);
    expect(await codeOf(() => f.rooms.leave(bob, room.id))).toBe('forbidden');
    expect(await codeOf(() => f.rooms.leave(bob, 'no-such-room'))).toBe('not_found');
  });

  it('R4: leaving a DM is forbidden and keeps both members', async () => {
    const dm = await f.rooms.openDm(alice, bob.id);
    expect(await codeOf(() => f.rooms.leave(alice, dm.mine.id))).toBe('forbidden');
    expect(await f.storage.rooms.isMember(dm.mine.id, alice.id)).toBe(true);
  });

  it('R4: one can leave general like any public room', async () => {
    await f.rooms.leave(alice, f.generalId);
    expect((await f.rooms.browse(alice.id)).map((r) => r.id)).toEqual([f.generalId]);
  });

  it('R5: list gives the caller rooms and DMs; a DM is named after the other person', async () => {
    const lobby = await f.rooms.create(alice, 'Lobby', false);
    const dm = await f.rooms.openDm(alice, bob.id);
    const mine = await f.rooms.list(alice.id);
    expect(mine.map((r) => r.id).sort()).toEqual([f.generalId, lobby.id, dm.mine.id].sort());
    expect(mine.find((r) => r.id === dm.mine.id)).toEqual({
      id: dm.mine.id,
      kind: 'dm',
      name: 'bob',
      peer: { id: bob.id, username: 'bob' },
      lastSeq: 0,
      read: { lastReadSeq: 0, unreadCount: 0, mentionCount: 0 },
    });
    const theirs = await f.rooms.list(bob.id);
    expect(theirs.find((r) => r.id === dm.mine.id)).toMatchObject({ name: 'alice', peer: { id: alice.id } });
    expect(theirs.some((r) => r.id === lobby.id)).toBe(false);
  });

  it('R6: members lists members by username with online; only members may ask (forbidden)', async () => {
    const room = await f.rooms.create(bob, 'Lobby', false);
    await f.rooms.join(alice, room.id);
    f.online.add(alice.id);
    expect(await f.rooms.members(bob.id, room.id)).toEqual([
      { userId: alice.id, username: 'alice', online: true, state: 'active' },
      { userId: bob.id, username: 'bob', online: false, state: 'offline' },
    ]);
    const carol = await f.addUser('carol');
    expect(await codeOf(() => f.rooms.members(carol.id, room.id))).toBe('forbidden');
    expect(await codeOf(() => f.rooms.members(carol.id, 'no-such-room'))).toBe('forbidden');
  });

  it('D1: openDm creates the room once, whichever side opens it, each side seeing the other as its name', async () => {
    const first = await f.rooms.openDm(alice, bob.id);
    expect(first.created).toBe(true);
    expect(first.mine).toMatchObject({ kind: 'dm', name: 'bob', peer: { id: bob.id, username: 'bob' } });
    expect(first.theirs).toMatchObject({ id: first.mine.id, name: 'alice', peer: { id: alice.id } });
    const again = await f.rooms.openDm(alice, bob.id);
    const reverse = await f.rooms.openDm(bob, alice.id);
    expect(again.created).toBe(false);
    expect(reverse.created).toBe(false);
    expect(again.mine.id).toBe(first.mine.id);
    expect(reverse.mine).toMatchObject({ id: first.mine.id, name: 'alice' });
    expect((await f.storage.rooms.listMembers(first.mine.id))?.map((m) => m.username)).toEqual(['alice', 'bob']);
  });

  it('D1: opening a DM with oneself is invalid_payload; with an unknown user not_found', async () => {
    expect(await codeOf(() => f.rooms.openDm(alice, alice.id))).toBe('invalid_payload');
    expect(await codeOf(() => f.rooms.openDm(alice, 'nobody'))).toBe('not_found');
    expect((await f.rooms.list(alice.id)).some((r) => r.kind === 'dm')).toBe(false);
  });

  it('M7/T3: requireMember refuses non-members and unknown rooms alike', async () => {
    await f.rooms.requireMember(alice.id, f.generalId);
    const room = await f.rooms.create(alice, 'secret', true);
    expect(await codeOf(() => f.rooms.requireMember(bob.id, room.id))).toBe('forbidden');
    expect(await codeOf(() => f.rooms.requireMember(bob.id, 'nope'))).toBe('forbidden');
  });
});

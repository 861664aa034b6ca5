import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../src/storage/storage.js';
import { T0, dmDraft, message, room, seeders, session, user } from './storage.builders.js';

/*
 * One behavioural contract for every Storage implementation (SQLite now, PostgreSQL
 * later). Each test gets a fresh, empty, migrated store from `makeStorage` and closes it
 * afterwards. Tests only go through the Storage interface, so they hold for any backend.
 */

export function describeStorageContract(name: string, makeStorage: () => Promise<Storage>): void {
  describe(`Storage contract: ${name}`, () => {
    let storage: Storage;

    beforeEach(async () => {
      storage = await makeStorage();
    });
    afterEach(async () => {
      await storage.close();
    });

    const { addUser, addRoom } = seeders(() => storage);

    describe('state', () => {
      it('S8: a store with room to write says ok, before and after writes', async () => {
        expect(storage.state()).toBe('ok');
        await addUser('alice');
        expect(storage.state()).toBe('ok');
      });
    });

    describe('users', () => {
      it('A1: create stores a user that findById and findByUsername return whole', async () => {
        const u = await addUser('Alice');
        expect(await storage.users.findById(u.id)).toEqual(u);
        expect(await storage.users.findByUsername('Alice')).toEqual(u);
      });

      it('A2: findByUsername ignores case and keeps the stored spelling', async () => {
        const u = await addUser('Alice');
        expect(await storage.users.findByUsername('alice')).toEqual(u);
        expect(await storage.users.findByUsername('ALICE')).toEqual(u);
        expect(await storage.users.findByUsername('alicia')).toBeNull();
        expect(await storage.users.findById('no-such-id')).toBeNull();
      });

      it('A2: a username taken regardless of case answers username_taken and stores nothing', async () => {
        await addUser('Alice');
        const dup = user('aLICE');
        expect(await storage.users.create(dup, [])).toBe('username_taken');
        expect(await storage.users.findById(dup.id)).toBeNull();
        expect((await storage.users.findByUsername('alice'))?.username).toBe('Alice');
      });

      it('R7: create makes the user a member of every auto-join room', async () => {
        const general = await addRoom('general', null);
        const other = await addRoom('other', null);
        const u = await addUser('alice', [general.id, other.id]);
        expect(await storage.rooms.isMember(general.id, u.id)).toBe(true);
        expect(await storage.rooms.isMember(other.id, u.id)).toBe(true);
        expect((await storage.rooms.roomIdsForUser(u.id)).sort()).toEqual([general.id, other.id].sort());
      });

      it('R7: create with its auto-joins is atomic: a failing join leaves no user behind', async () => {
        const general = await addRoom('general', null);
        const u = user('alice');
        await expect(storage.users.create(u, [general.id, 'missing-room'])).rejects.toBeDefined();
        expect(await storage.users.findById(u.id)).toBeNull();
        expect(await storage.users.findByUsername('alice')).toBeNull();
        expect(await storage.rooms.listMembers(general.id)).toEqual([]);
        // The name is free again.
        expect(await storage.users.create(user('alice'), [general.id])).toBe('created');
      });

      it('A2: a taken username joins no room', async () => {
        const general = await addRoom('general', null);
        await addUser('alice', [general.id]);
        const dup = user('ALICE');
        expect(await storage.users.create(dup, [general.id])).toBe('username_taken');
        expect(await storage.rooms.listMembers(general.id)).toHaveLength(1);
      });
    });

    describe('sessions', () => {
      it('A5: create then find returns the session by key; unknown keys are null', async () => {
        const u = await addUser('alice');
        const s = session(u.id);
        await storage.sessions.create(s);
        expect(await storage.sessions.find(s.key)).toEqual(s);
        expect(await storage.sessions.find('unknown')).toBeNull();
      });

      it('A5: touch moves lastSeenAt forward, never back', async () => {
        const u = await addUser('alice');
        const s = session(u.id);
        await storage.sessions.create(s);
        await storage.sessions.touch(s.key, T0 + 500);
        expect((await storage.sessions.find(s.key))?.lastSeenAt).toBe(T0 + 500);
        await storage.sessions.touch(s.key, T0 + 100);
        expect(await storage.sessions.find(s.key)).toEqual({ ...s, lastSeenAt: T0 + 500 });
        // Touching an unknown session is harmless.
        await storage.sessions.touch('unknown', T0 + 1);
      });

      it('A7: delete answers whether the session existed', async () => {
        const u = await addUser('alice');
        const s = session(u.id);
        const other = session(u.id);
        await storage.sessions.create(s);
        await storage.sessions.create(other);
        expect(await storage.sessions.delete(s.key)).toBe(true);
        expect(await storage.sessions.find(s.key)).toBeNull();
        expect(await storage.sessions.delete(s.key)).toBe(false);
        expect(await storage.sessions.find(other.key)).toEqual(other);
      });

      it('A5: deleteExpired removes sessions past their end or idle since the cutoff, and counts them', async () => {
        const u = await addUser('alice');
        const overAge = session(u.id, { expiresAt: T0 + 100, lastSeenAt: T0 + 90 });
        const idle = session(u.id, { expiresAt: T0 + 10_000, lastSeenAt: T0 + 10 });
        const live = session(u.id, { expiresAt: T0 + 10_000, lastSeenAt: T0 + 90 });
        for (const s of [overAge, idle, live]) await storage.sessions.create(s);
        expect(await storage.sessions.deleteExpired(T0 + 100, T0 + 50)).toBe(2);
        expect(await storage.sessions.find(overAge.key)).toBeNull();
        expect(await storage.sessions.find(idle.key)).toBeNull();
        expect(await storage.sessions.find(live.key)).toEqual(live);
        expect(await storage.sessions.deleteExpired(T0 + 100, T0 + 50)).toBe(0);
      });
    });

    describe('rooms', () => {
      it('R1: create stores the room with its creator as first member', async () => {
        const alice = await addUser('alice');
        const r = await addRoom('Lobby', alice.id);
        expect(await storage.rooms.findById(r.id)).toEqual(r);
        expect(await storage.rooms.listMembers(r.id)).toEqual([{ userId: alice.id, username: 'alice' }]);
      });

      it('R7: a room created without a creator has no members', async () => {
        const r = await addRoom('general', null);
        expect(await storage.rooms.listMembers(r.id)).toEqual([]);
      });

      it('R1: names are unique regardless of case, across public and private rooms', async () => {
        const alice = await addUser('alice');
        await addRoom('Lobby', alice.id);
        const dup = room('LOBBY', 'private', alice.id);
        expect(await storage.rooms.create(dup, alice.id)).toBe('name_taken');
        expect(await storage.rooms.findById(dup.id)).toBeNull();
        expect(await storage.rooms.roomIdsForUser(alice.id)).toHaveLength(1);
      });

      it('R1: composed and decomposed spellings of a name are the same name', async () => {
        await addRoom('Caf\u00e9', null);
        expect(await storage.rooms.create(room('CAFE\u0301'), null)).toBe('name_taken');
        expect((await storage.rooms.findByName('cafe\u0301'))?.name).toBe('Caf\u00e9');
      });

      it('R1: findByName ignores case; findById and findByName answer null when missing', async () => {
        const r = await addRoom('Lobby', null);
        expect(await storage.rooms.findByName('lobby')).toEqual(r);
        expect(await storage.rooms.findByName('LOBBY')).toEqual(r);
        expect(await storage.rooms.findByName('nope')).toBeNull();
        expect(await storage.rooms.findById('nope')).toBeNull();
      });

      it('R2: listPublicNotJoined lists public rooms the user is not in, by name ignoring case', async () => {
        const alice = await addUser('alice');
        const bob = await addUser('bob');
        const zeta = await addRoom('zeta', bob.id);
        const beta = await addRoom('Beta', bob.id);
        const alpha = await addRoom('alpha', bob.id);
        const mine = await addRoom('mine', alice.id);
        await addRoom('secret', bob.id, 'private');
        await storage.rooms.openDm(dmDraft(), alice.id, bob.id);
        const carol = await addUser('carol');
        expect((await storage.rooms.listPublicNotJoined(carol.id)).map((r) => r.id)).toEqual([
          alpha.id,
          beta.id,
          mine.id,
          zeta.id,
        ]);
        expect((await storage.rooms.listPublicNotJoined(alice.id)).map((r) => r.name)).toEqual([
          'alpha',
          'Beta',
          'zeta',
        ]);
        expect((await storage.rooms.listPublicNotJoined(bob.id)).map((r) => r.name)).toEqual(['mine']);
      });

      it('R5: listForUser and viewForUser give rooms as the member sees them, with the DM peer', async () => {
        const alice = await addUser('alice');
        const bob = await addUser('bob');
        const lobby = await addRoom('Lobby', alice.id);
        const { room: dm } = await storage.rooms.openDm(dmDraft(), alice.id, bob.id);
        const views = await storage.rooms.listForUser(alice.id);
        // memberNames: groups only (G2).
        const fresh = { memberNames: null, lastReadSeq: 0, unreadCount: 0, mentionCount: 0, notify: null };
        expect(views.map((v) => v.id).sort()).toEqual([lobby.id, dm.id].sort());
        expect(views.find((v) => v.id === lobby.id)).toEqual({ ...lobby, peer: null, ...fresh });
        expect(views.find((v) => v.id === dm.id)).toEqual({ ...dm, peer: { id: bob.id, username: 'bob' }, ...fresh });
        expect(await storage.rooms.viewForUser(dm.id, bob.id)).toEqual({
          ...dm,
          peer: { id: alice.id, username: 'alice' },
          ...fresh,
        });
        expect(await storage.rooms.viewForUser(lobby.id, alice.id)).toEqual({ ...lobby, peer: null, ...fresh });
        // Not a member, or no such room: no view.
        expect(await storage.rooms.viewForUser(lobby.id, bob.id)).toBeNull();
        expect(await storage.rooms.viewForUser('nope', bob.id)).toBeNull();
        expect((await storage.rooms.listForUser(bob.id)).map((v) => v.id)).toEqual([dm.id]);
      });

      it('R5: a view carries the room current lastSeq', async () => {
        const alice = await addUser('alice');
        const lobby = await addRoom('Lobby', alice.id);
        await storage.messages.append(message(lobby.id, alice.id, 'cmid-0001'));
        await storage.messages.append(message(lobby.id, alice.id, 'cmid-0002'));
        expect((await storage.rooms.viewForUser(lobby.id, alice.id))?.lastSeq).toBe(2);
        expect((await storage.rooms.findById(lobby.id))?.lastSeq).toBe(2);
      });

      it('R3/R4: addMember and removeMember answer whether anything changed; isMember and roomIdsForUser follow', async () => {
        const alice = await addUser('alice');
        const bob = await addUser('bob');
        const lobby = await addRoom('Lobby', alice.id);
        expect(await storage.rooms.isMember(lobby.id, bob.id)).toBe(false);
        expect(await storage.rooms.addMember(lobby.id, bob.id, T0 + 5)).toBe(true);
        expect(await storage.rooms.addMember(lobby.id, bob.id, T0 + 6)).toBe(false);
        expect(await storage.rooms.isMember(lobby.id, bob.id)).toBe(true);
        expect(await storage.rooms.roomIdsForUser(bob.id)).toEqual([lobby.id]);
        expect(await storage.rooms.removeMember(lobby.id, bob.id)).toEqual({ wasMember: true, withdrawnInvitees: [] });
        expect(await storage.rooms.removeMember(lobby.id, bob.id)).toEqual({ wasMember: false, withdrawnInvitees: [] });
        expect(await storage.rooms.isMember(lobby.id, bob.id)).toBe(false);
        expect(await storage.rooms.roomIdsForUser(bob.id)).toEqual([]);
        expect(await storage.rooms.isMember('nope', bob.id)).toBe(false);
      });

      it('I1/I5: invite records one pending invitation; isInvited, listInvitedRooms and listInvitations see it; joining consumes it; withdrawing drops it', async () => {
        const owner = await addUser('owner');
        const bob = await addUser('bob');
        const carol = await addUser('Carol');
        const board = await addRoom('Board', owner.id);
        expect(await storage.rooms.invite(board.id, bob.id, owner.id, T0 + 1)).toBe('created');
        expect(await storage.rooms.invite(board.id, bob.id, owner.id, T0 + 2)).toBe('exists');
        expect(await storage.rooms.invite(board.id, carol.id, owner.id, T0 + 3)).toBe('created');
        expect(await storage.rooms.isInvited(board.id, bob.id)).toBe(true);
        expect(await storage.rooms.isInvited(board.id, owner.id)).toBe(false);
        expect((await storage.rooms.listInvitedRooms(bob.id)).map((r) => r.id)).toEqual([board.id]);
        expect(await storage.rooms.listInvitations(board.id)).toEqual([
          {
            roomId: board.id,
            userId: bob.id,
            username: 'bob',
            invitedBy: { id: owner.id, username: 'owner' },
            createdAt: T0 + 1,
          },
          {
            roomId: board.id,
            userId: carol.id,
            username: 'Carol',
            invitedBy: { id: owner.id, username: 'owner' },
            createdAt: T0 + 3,
          },
        ]);
        expect(await storage.rooms.addMember(board.id, bob.id, T0 + 4)).toBe(true);
        expect(await storage.rooms.isInvited(board.id, bob.id)).toBe(false);
        expect(await storage.rooms.listInvitedRooms(bob.id)).toEqual([]);
        expect(await storage.rooms.withdrawInvitation(board.id, carol.id)).toBe(true);
        expect(await storage.rooms.withdrawInvitation(board.id, carol.id)).toBe(false);
        expect(await storage.rooms.listInvitations(board.id)).toEqual([]);
        expect(await storage.rooms.listInvitations('nope')).toEqual([]);
      });

      it('I6: listInvitationsForUser lists my pending invitations oldest first, with who sent each; joining or a withdrawal drops one', async () => {
        const owner = await addUser('owner');
        const dave = await addUser('dave');
        const bob = await addUser('bob');
        const board = await addRoom('Board', owner.id);
        const attic = await addRoom('attic', dave.id);
        const cellar = await addRoom('Cellar', owner.id);
        expect(await storage.rooms.listInvitationsForUser(bob.id)).toEqual([]);
        await storage.rooms.invite(board.id, bob.id, owner.id, T0 + 5);
        await storage.rooms.invite(attic.id, bob.id, dave.id, T0 + 2);
        await storage.rooms.invite(cellar.id, bob.id, owner.id, T0 + 9);
        // Someone else's invitation is not mine.
        await storage.rooms.invite(board.id, dave.id, owner.id, T0 + 1);
        expect(await storage.rooms.listInvitationsForUser(bob.id)).toEqual([
          { room: attic, invitedBy: { id: dave.id, username: 'dave' }, createdAt: T0 + 2 },
          { room: board, invitedBy: { id: owner.id, username: 'owner' }, createdAt: T0 + 5 },
          { room: cellar, invitedBy: { id: owner.id, username: 'owner' }, createdAt: T0 + 9 },
        ]);
        await storage.rooms.addMember(board.id, bob.id, T0 + 10);
        expect(await storage.rooms.withdrawInvitation(cellar.id, bob.id)).toBe(true);
        expect((await storage.rooms.listInvitationsForUser(bob.id)).map((i) => i.room.id)).toEqual([attic.id]);
        // I4: the sender leaving withdraws it.
        await storage.rooms.removeMember(attic.id, dave.id);
        expect(await storage.rooms.listInvitationsForUser(bob.id)).toEqual([]);
        expect(await storage.rooms.listInvitationsForUser('nope')).toEqual([]);
      });

      it('I4: removing a member withdraws the invitations they sent to that room (and only those), and their own pending one', async () => {
        const owner = await addUser('owner');
        const insider = await addUser('insider');
        const accomplice = await addUser('accomplice');
        const friend = await addUser('friend');
        const board = await addRoom('Board', owner.id);
        const other = await addRoom('Other', insider.id);
        await storage.rooms.addMember(board.id, insider.id, T0);
        await storage.rooms.invite(board.id, accomplice.id, insider.id, T0 + 1);
        await storage.rooms.invite(board.id, friend.id, owner.id, T0 + 2);
        await storage.rooms.invite(other.id, accomplice.id, insider.id, T0 + 3);
        expect(await storage.rooms.removeMember(board.id, insider.id)).toEqual({
          wasMember: true,
          withdrawnInvitees: [accomplice.id],
        });
        expect(await storage.rooms.isInvited(board.id, accomplice.id)).toBe(false);
        expect(await storage.rooms.isInvited(board.id, friend.id)).toBe(true);
        expect(await storage.rooms.isInvited(other.id, accomplice.id)).toBe(true);
        // A pending invitation of the removed person goes too.
        await storage.rooms.invite(board.id, insider.id, owner.id, T0 + 4);
        expect(await storage.rooms.removeMember(board.id, insider.id)).toEqual({
          wasMember: false,
          withdrawnInvitees: [],
        });
        expect(await storage.rooms.isInvited(board.id, insider.id)).toBe(false);
      });

      it('R6: listMembers lists members by username ignoring case; null for an unknown room', async () => {
        const zed = await addUser('zed');
        const amy = await addUser('Amy');
        const bob = await addUser('bob');
        const lobby = await addRoom('Lobby', zed.id);
        await storage.rooms.addMember(lobby.id, bob.id, T0);
        await storage.rooms.addMember(lobby.id, amy.id, T0);
        expect(await storage.rooms.listMembers(lobby.id)).toEqual([
          { userId: amy.id, username: 'Amy' },
          { userId: bob.id, username: 'bob' },
          { userId: zed.id, username: 'zed' },
        ]);
        expect(await storage.rooms.listMembers('nope')).toBeNull();
      });

      it('D1: openDm creates the DM once with both members, and returns it for either order', async () => {
        const alice = await addUser('alice');
        const bob = await addUser('bob');
        const draft = dmDraft();
        const first = await storage.rooms.openDm(draft, alice.id, bob.id);
        expect(first.created).toBe(true);
        expect(first.room).toEqual({ ...draft, kind: 'dm', name: null, ownerId: null, lastSeq: 0 });
        const again = await storage.rooms.openDm(dmDraft(), alice.id, bob.id);
        const reverse = await storage.rooms.openDm(dmDraft(), bob.id, alice.id);
        expect(again).toEqual({ room: first.room, created: false });
        expect(reverse).toEqual({ room: first.room, created: false });
        expect(await storage.rooms.findById(draft.id)).toEqual(first.room);
        expect((await storage.rooms.listMembers(draft.id))?.map((m) => m.userId).sort()).toEqual(
          [alice.id, bob.id].sort(),
        );
        // A DM is neither findable by name nor browsable.
        const carol = await addUser('carol');
        expect(await storage.rooms.listPublicNotJoined(carol.id)).toEqual([]);
      });

      it('D1: concurrent openDm calls from both sides make one room', async () => {
        const alice = await addUser('alice');
        const bob = await addUser('bob');
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            i % 2
              ? storage.rooms.openDm(dmDraft(), alice.id, bob.id)
              : storage.rooms.openDm(dmDraft(), bob.id, alice.id),
          ),
        );
        expect(new Set(results.map((r) => r.room.id)).size).toBe(1);
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect((await storage.rooms.listForUser(alice.id)).filter((v) => v.kind === 'dm')).toHaveLength(1);
      });

      it('D1: each pair of users has its own DM', async () => {
        const alice = await addUser('alice');
        const bob = await addUser('bob');
        const carol = await addUser('carol');
        const ab = await storage.rooms.openDm(dmDraft(), alice.id, bob.id);
        const ac = await storage.rooms.openDm(dmDraft(), alice.id, carol.id);
        expect(ac.created).toBe(true);
        expect(ac.room.id).not.toBe(ab.room.id);
        expect(await storage.rooms.isMember(ab.room.id, carol.id)).toBe(false);
      });
    });

    describe('messages', () => {
      it('M1/M2: append stores the message with the room next seq and the author name', async () => {
        const alice = await addUser('alice');
        const lobby = await addRoom('Lobby', alice.id);
        const m = message(lobby.id, alice.id, 'cmid-0001', 'hello');
        const result = await storage.messages.append(m);
        expect(result).toEqual({
          status: 'created',
          message: {
            id: m.id,
            roomId: lobby.id,
            seq: 1,
            authorId: alice.id,
            authorName: 'alice',
            clientMessageId: 'cmid-0001',
            text: 'hello',
            createdAt: m.createdAt,
          },
        });
        const second = await storage.messages.append(message(lobby.id, alice.id, 'cmid-0002'));
        expect(second.status === 'created' && second.message.seq).toBe(2);
      });

      it('M2: seq is counted per room', async () => {
        const alice = await addUser('alice');
        const a = await addRoom('a', alice.id);
        const b = await addRoom('b', alice.id);
        await storage.messages.append(message(a.id, alice.id, 'cmid-a-01'));
        await storage.messages.append(message(a.id, alice.id, 'cmid-a-02'));
        const inB = await storage.messages.append(message(b.id, alice.id, 'cmid-b-01'));
        expect(inB.status === 'created' && inB.message.seq).toBe(1);
      });

      it('M3: appending the same (author, clientMessageId) again returns the original as duplicate and stores nothing', async () => {
        const alice = await addUser('alice');
        const lobby = await addRoom('Lobby', alice.id);
        const original = await storage.messages.append(message(lobby.id, alice.id, 'cmid-0001', 'first'));
        const retry = await storage.messages.append(message(lobby.id, alice.id, 'cmid-0001', 'changed'));
        expect(original.status).toBe('created');
        expect(retry.status).toBe('duplicate');
        if (original.status !== 'created' || retry.status !== 'duplicate') return;
        expect(retry.message).toEqual(original.message);
        expect((await storage.messages.history(lobby.id, { limit: 10 })).messages).toEqual([original.message]);
        expect((await storage.rooms.findById(lobby.id))?.lastSeq).toBe(1);
      });

      it('M3: a duplicate naming another room still returns the original, in its own room', async () => {
        const alice = await addUser('alice');
        const a = await addRoom('a', alice.id);
        const b = await addRoom('b', alice.id);
        await storage.messages.append(message(a.id, alice.id, 'cmid-0001'));
        const retry = await storage.messages.append(message(b.id, alice.id, 'cmid-0001'));
        expect(retry.status).toBe('duplicate');
        expect(retry.status === 'duplicate' && retry.message.roomId).toBe(a.id);
        expect((await storage.messages.history(b.id, { limit: 10 })).messages).toEqual([]);
      });

      it('M3: the same clientMessageId from another author is a new message', async () => {
        const alice = await addUser('alice');
        const bob = await addUser('bob');
        const lobby = await addRoom('Lobby', alice.id);
        await storage.rooms.addMember(lobby.id, bob.id, T0);
        await storage.messages.append(message(lobby.id, alice.id, 'cmid-0001'));
        const fromBob = await storage.messages.append(message(lobby.id, bob.id, 'cmid-0001'));
        expect(fromBob.status === 'created' && fromBob.message.seq).toBe(2);
      });

      it('M7: append refuses non-members and unknown rooms and stores nothing', async () => {
        const alice = await addUser('alice');
        const bob = await addUser('bob');
        const lobby = await addRoom('Lobby', alice.id);
        expect(await storage.messages.append(message(lobby.id, bob.id, 'cmid-0001'))).toEqual({ status: 'not_member' });
        expect(await storage.messages.append(message('no-such-room', bob.id, 'cmid-0002'))).toEqual({
          status: 'room_not_found',
        });
        expect((await storage.messages.history(lobby.id, { limit: 10 })).messages).toEqual([]);
        expect((await storage.rooms.findById(lobby.id))?.lastSeq).toBe(0);
        // The refused clientMessageId is still free once bob is a member.
        await storage.rooms.addMember(lobby.id, bob.id, T0);
        expect((await storage.messages.append(message(lobby.id, bob.id, 'cmid-0001'))).status).toBe('created');
      });

      it('M2: 200 concurrent appends to one room take seq 1..200 with no holes or repeats', async () => {
        const authors = await Promise.all(['ann', 'ben', 'cat', 'dan'].map((n) => addUser(n)));
        const lobby = await addRoom('Lobby', null);
        for (const a of authors) await storage.rooms.addMember(lobby.id, a.id, T0);
        const results = await Promise.all(
          Array.from({ length: 200 }, (_, i) =>
            storage.messages.append(
              message(lobby.id, authors[i % authors.length]!.id, `cmid-${String(i).padStart(4, '0')}`, `m${i}`),
            ),
          ),
        );
        const seqs = results.map((r) => (r.status === 'created' ? r.message.seq : -1)).sort((x, y) => x - y);
        expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
        const stored = (await storage.messages.history(lobby.id, { limit: 500 })).messages;
        expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
        expect((await storage.rooms.findById(lobby.id))?.lastSeq).toBe(200);
      });

      it('M3: concurrent appends of one clientMessageId store exactly one message', async () => {
        const alice = await addUser('alice');
        const lobby = await addRoom('Lobby', alice.id);
        const results = await Promise.all(
          Array.from({ length: 25 }, () => storage.messages.append(message(lobby.id, alice.id, 'cmid-same'))),
        );
        const created = results.filter((r) => r.status === 'created');
        expect(created).toHaveLength(1);
        expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(24);
        const ids = new Set(
          results.map((r) => (r.status === 'created' || r.status === 'duplicate' ? r.message.id : '')),
        );
        expect(ids.size).toBe(1);
        expect((await storage.messages.history(lobby.id, { limit: 50 })).messages).toHaveLength(1);
      });

      it('M6: history returns up to limit messages below before, ascending; the newest page without before', async () => {
        const alice = await addUser('alice');
        const lobby = await addRoom('Lobby', alice.id);
        for (let i = 1; i <= 10; i++)
          await storage.messages.append(message(lobby.id, alice.id, `cmid-${i}-xxxx`, `t${i}`));
        const seqs = async (options: { before?: number; limit: number }) =>
          (await storage.messages.history(lobby.id, options)).messages.map((m) => m.seq);
        expect(await seqs({ limit: 3 })).toEqual([8, 9, 10]);
        expect(await seqs({ limit: 3, before: 8 })).toEqual([5, 6, 7]);
        expect(await seqs({ limit: 3, before: 3 })).toEqual([1, 2]);
        expect(await seqs({ limit: 3, before: 1 })).toEqual([]);
        expect(await seqs({ limit: 100 })).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        expect(await seqs({ limit: 100, before: 1000 })).toHaveLength(10);
        const [first] = (await storage.messages.history(lobby.id, { limit: 1, before: 2 })).messages;
        expect(first).toMatchObject({ seq: 1, text: 't1', authorName: 'alice', clientMessageId: 'cmid-1-xxxx' });
      });

      it('M6: history of an unknown or empty room is empty', async () => {
        const lobby = await addRoom('Lobby', null);
        expect((await storage.messages.history(lobby.id, { limit: 10 })).messages).toEqual([]);
        expect((await storage.messages.history('no-such-room', { limit: 10 })).messages).toEqual([]);
      });

      it('M6: history keeps text exactly, including emoji and surrounding spaces', async () => {
        const alice = await addUser('alice');
        const lobby = await addRoom('Lobby', alice.id);
        const text = '  🎉 héllo\n<b>bold</b> \u0000 ';
        await storage.messages.append(message(lobby.id, alice.id, 'cmid-0001', text));
        expect((await storage.messages.history(lobby.id, { limit: 1 })).messages[0]?.text).toBe(text);
      });
    });
  });
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSearchQuery } from '../src/storage/search.query.js';
import type { RoomRecord, Storage } from '../src/storage/storage.js';
import { T0, message, room, seeders } from './storage.builders.js';

/*
 * Group conversations (SPEC G1–G7) through the Storage interface, for every backend: a
 * group is made whole or not at all, adds are all or none and never pass the cap, each
 * member sees the others as its name, and a group is found by `in:<member>`.
 */

const groupDraft = (): RoomRecord => room(null, 'group');
const CAP = 8;

export function describeGroupContract(name: string, makeStorage: () => Promise<Storage>): void {
  describe(`Storage contract, groups: ${name}`, () => {
    let storage: Storage;
    beforeEach(async () => {
      storage = await makeStorage();
    });
    afterEach(async () => {
      await storage.close();
    });
    const { addUser, addRoom } = seeders(() => storage);

    /** alice, Bob, carol in a new group. */
    async function threeInAGroup() {
      const alice = await addUser('alice');
      const bob = await addUser('Bob');
      const carol = await addUser('carol');
      const group = groupDraft();
      expect(await storage.rooms.createGroup(group, [alice.id, bob.id, carol.id])).toBe('created');
      return { alice, bob, carol, group };
    }

    it('G1, G2: createGroup makes a nameless group of its members; each sees the others by username, sorted ignoring case', async () => {
      const { alice, bob, carol, group } = await threeInAGroup();
      expect(await storage.rooms.findById(group.id)).toEqual({ ...group, kind: 'group', name: null, ownerId: null });
      expect((await storage.rooms.listMembers(group.id))?.map((m) => m.username)).toEqual(['alice', 'Bob', 'carol']);
      expect(await storage.rooms.viewForUser(group.id, alice.id)).toMatchObject({
        kind: 'group',
        memberNames: 'Bob, carol',
        peer: null,
        lastReadSeq: 0,
        unreadCount: 0,
      });
      expect((await storage.rooms.viewForUser(group.id, bob.id))?.memberNames).toBe('alice, carol');
      const listed = await storage.rooms.listForUser(carol.id);
      expect(listed.map((v) => [v.id, v.memberNames])).toEqual([[group.id, 'alice, Bob']]);
    });

    it('G1: a group with an unknown or deleted account is not made', async () => {
      const alice = await addUser('alice');
      const bob = await addUser('bob');
      const dave = await addUser('dave');
      expect(await storage.users.delete(dave.id, T0)).not.toBeNull();
      for (const ids of [
        [alice.id, bob.id, 'no-such-user'],
        [alice.id, bob.id, dave.id],
      ]) {
        const draft = groupDraft();
        expect(await storage.rooms.createGroup(draft, ids)).toBe('unknown_user');
        expect(await storage.rooms.findById(draft.id)).toBeNull();
      }
      expect(await storage.rooms.listForUser(alice.id)).toEqual([]);
    });

    it('G3: a member adds people, all at once; a newcomer starts with nothing unread and the names change for all', async () => {
      const { alice, bob, carol, group } = await threeInAGroup();
      const dave = await addUser('dave');
      const erin = await addUser('erin');
      await storage.messages.append(message(group.id, alice.id, 'cmid-group-1', 'before'));
      expect(await storage.rooms.addToGroup(group.id, bob.id, [dave.id, erin.id], CAP, T0 + 5)).toEqual({
        status: 'added',
      });
      expect(await storage.rooms.viewForUser(group.id, dave.id)).toMatchObject({
        memberNames: 'alice, Bob, carol, erin',
        lastReadSeq: 1,
        unreadCount: 0,
      });
      expect((await storage.rooms.viewForUser(group.id, carol.id))?.memberNames).toBe('alice, Bob, dave, erin');
      expect((await storage.messages.history(group.id, { limit: 10 })).messages.map((m) => m.text)).toEqual(['before']);
    });

    it('G3: refusals change nothing: a non-member, a room or DM, an unknown user, someone already in, past the cap', async () => {
      const { alice, bob, carol, group } = await threeInAGroup();
      const outsider = await addUser('outsider');
      const others = await Promise.all(['d1', 'd2', 'd3', 'd4', 'd5', 'd6'].map((n) => addUser(n)));
      const ids = others.map((u) => u.id);
      const add = (roomId: string, actorId: string, userIds: string[]) =>
        storage.rooms.addToGroup(roomId, actorId, userIds, CAP, T0);
      expect(await add(group.id, outsider.id, [ids[0]!])).toEqual({ status: 'not_member' });
      expect(await add('no-such-room', alice.id, [ids[0]!])).toEqual({ status: 'not_member' });
      const lobby = await addRoom('lobby', alice.id);
      expect(await add(lobby.id, alice.id, [ids[0]!])).toEqual({ status: 'not_group' });
      expect(await add(group.id, alice.id, [ids[0]!, 'no-such-user'])).toEqual({ status: 'unknown_user' });
      expect(await add(group.id, alice.id, [ids[0]!, carol.id])).toEqual({ status: 'already_member' });
      expect(await add(group.id, bob.id, ids)).toEqual({ status: 'full' });
      expect(await storage.rooms.listMembers(group.id)).toHaveLength(3);
      expect(await add(group.id, bob.id, ids.slice(0, 5))).toEqual({ status: 'added' });
      expect(await storage.rooms.listMembers(group.id)).toHaveLength(CAP);
      expect(await add(group.id, bob.id, [outsider.id])).toEqual({ status: 'full' });
    });

    it('G3: adds racing for the last places never pass the cap', async () => {
      const { alice, bob, carol, group } = await threeInAGroup();
      const others = await Promise.all(['d1', 'd2', 'd3', 'd4', 'd5', 'd6'].map((n) => addUser(n)));
      const actors = [alice.id, bob.id, carol.id];
      // Three adds of two each (six people) for five places: exactly two can succeed.
      const results = await Promise.all(
        actors.map((actor, i) =>
          storage.rooms.addToGroup(group.id, actor, [others[2 * i]!.id, others[2 * i + 1]!.id], CAP, T0),
        ),
      );
      expect(results.filter((r) => r.status === 'added')).toHaveLength(2);
      expect(results.filter((r) => r.status === 'full')).toHaveLength(1);
      expect(await storage.rooms.listMembers(group.id)).toHaveLength(7);
    });

    it('G4: a member who leaves is no member: appends and reads refused, names without them', async () => {
      const { alice, bob, carol, group } = await threeInAGroup();
      expect(await storage.rooms.removeMember(group.id, carol.id)).toEqual({ wasMember: true, withdrawnInvitees: [] });
      expect(await storage.rooms.isMember(group.id, carol.id)).toBe(false);
      expect(await storage.messages.append(message(group.id, carol.id, 'cmid-gone-1'))).toEqual({
        status: 'not_member',
      });
      expect(await storage.reads.get(carol.id, group.id)).toBeNull();
      expect((await storage.rooms.viewForUser(group.id, alice.id))?.memberNames).toBe('Bob');
      expect(await storage.rooms.viewForUser(group.id, carol.id)).toBeNull();
      await storage.rooms.removeMember(group.id, bob.id);
      expect((await storage.rooms.viewForUser(group.id, alice.id))?.memberNames).toBeNull();
    });

    it('G5: in:<username> finds the groups holding that person besides me; the hit names the group as I see it', async () => {
      const { alice, bob, carol, group } = await threeInAGroup();
      const sent = await storage.messages.append(message(group.id, bob.id, 'cmid-search-1', 'pancakes today'));
      expect(sent.status).toBe('created');
      const search = (userId: string, text: string) =>
        storage.messages.search(userId, parseSearchQuery(text)!, { limit: 10 });
      expect((await search(alice.id, 'pancakes in:carol')).hits).toEqual([
        expect.objectContaining({ roomId: group.id, roomKind: 'group', roomName: 'Bob, carol' }),
      ]);
      expect((await search(carol.id, 'pancakes in:BOB')).hits.map((h) => h.roomName)).toEqual(['alice, Bob']);
      // Not by the searcher's own name, nor by someone outside it.
      expect((await search(alice.id, 'pancakes in:alice')).hits).toEqual([]);
      const dave = await addUser('dave');
      expect((await search(alice.id, `pancakes in:${dave.username}`)).hits).toEqual([]);
    });

    it('G7: listPeopleOf: live people sharing any room, DM or group with me, by username, never me, limited', async () => {
      const { alice, bob, carol } = await threeInAGroup();
      const dave = await addUser('Dave');
      const erin = await addUser('erin');
      await addUser('stranger');
      const lobby = await addRoom('lobby', alice.id);
      await storage.rooms.addMember(lobby.id, dave.id, T0);
      await storage.rooms.addMember(lobby.id, erin.id, T0);
      expect(await storage.users.delete(erin.id, T0)).not.toBeNull();
      expect(await storage.rooms.listPeopleOf(alice.id, 10)).toEqual([
        { userId: bob.id, username: 'Bob' },
        { userId: carol.id, username: 'carol' },
        { userId: dave.id, username: 'Dave' },
      ]);
      expect((await storage.rooms.listPeopleOf(alice.id, 2)).map((p) => p.username)).toEqual(['Bob', 'carol']);
      expect((await storage.rooms.listPeopleOf(dave.id, 10)).map((p) => p.username)).toEqual(['alice']);
      // By the start of the name, case ignored; '_' is a plain character, not a wildcard.
      const underscored = await addUser('b_x');
      await storage.rooms.addMember(lobby.id, underscored.id, T0);
      expect((await storage.rooms.listPeopleOf(alice.id, 10, 'B')).map((p) => p.username)).toEqual(['b_x', 'Bob']);
      expect((await storage.rooms.listPeopleOf(alice.id, 10, 'b_')).map((p) => p.username)).toEqual(['b_x']);
      expect((await storage.rooms.listPeopleOf(alice.id, 10, 'dav')).map((p) => p.username)).toEqual(['Dave']);
      expect(await storage.rooms.listPeopleOf(alice.id, 10, 'stranger')).toEqual([]);
    });
  });
}

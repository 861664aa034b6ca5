import { DELETED_USER_NAME } from '@parley/shared-types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../src/storage/storage.js';
import { T0, dmDraft, message, seeders, session, user } from './storage.builders.js';

/*
 * The storage contract for a person's own account (SPEC A11–A14), run against every
 * Storage implementation like the core contract. Only the Storage interface is used.
 */

export function describeAccountContract(name: string, makeStorage: () => Promise<Storage>): void {
  describe(`Storage contract, accounts: ${name}`, () => {
    let storage: Storage;
    const { addUser, addRoom } = seeders(() => storage);

    beforeEach(async () => {
      storage = await makeStorage();
    });
    afterEach(async () => {
      await storage.close();
    });

    const sorted = (keys: string[]) => [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

    async function sessionsOf(userId: string, count: number) {
      const made = Array.from({ length: count }, () => session(userId));
      for (const s of made) await storage.sessions.create(s);
      return made;
    }

    async function send(roomId: string, authorId: string, cmid: string, text = 'hi', replyToId?: string) {
      const sent = await storage.messages.append(message(roomId, authorId, cmid, text, replyToId ? { replyToId } : {}));
      if (sent.status !== 'created') throw new Error(`append answered ${sent.status}`);
      return sent.message;
    }

    describe('password change', () => {
      it('A11: changePassword stores the new hash and ends every other session of the user, answering their keys', async () => {
        const alice = await addUser('alice');
        const bob = await addUser('bob');
        const [kept, other1, other2] = await sessionsOf(alice.id, 3);
        const [bobs] = await sessionsOf(bob.id, 1);
        const ended = await storage.users.changePassword(alice.id, 'new-hash', kept!.key);
        expect(ended).toEqual(sorted([other1!.key, other2!.key]));
        expect((await storage.users.findById(alice.id))?.passwordHash).toBe('new-hash');
        expect(await storage.sessions.find(kept!.key)).toEqual(kept);
        expect(await storage.sessions.find(other1!.key)).toBeNull();
        expect(await storage.sessions.find(other2!.key)).toBeNull();
        expect(await storage.sessions.find(bobs!.key)).toEqual(bobs);
        expect((await storage.users.findById(bob.id))?.passwordHash).toBe(bob.passwordHash);
      });

      it('A11: changePassword of an unknown or deleted account is null and changes nothing', async () => {
        expect(await storage.users.changePassword('no-such-user', 'h', 'k')).toBeNull();
        const alice = await addUser('alice');
        await storage.users.delete(alice.id, T0 + 5);
        expect(await storage.users.changePassword(alice.id, 'h', 'k')).toBeNull();
      });
    });

    describe('sign out everywhere', () => {
      it("A12: deleteForUser ends every session of the user and no one else's, answering their keys", async () => {
        const alice = await addUser('alice');
        const bob = await addUser('bob');
        const mine = await sessionsOf(alice.id, 2);
        const [bobs] = await sessionsOf(bob.id, 1);
        expect(await storage.sessions.deleteForUser(alice.id)).toEqual(sorted(mine.map((s) => s.key)));
        for (const s of mine) expect(await storage.sessions.find(s.key)).toBeNull();
        expect(await storage.sessions.find(bobs!.key)).toEqual(bobs);
        expect(await storage.sessions.deleteForUser(alice.id)).toEqual([]);
      });
    });

    describe('account deletion', () => {
      it('A13: the account is gone by id and by name; its sessions and memberships go; its name is free for a new account', async () => {
        const general = await addRoom('general', null);
        const alice = await addUser('alice', [general.id]);
        const bob = await addUser('bob', [general.id]);
        const [s1] = await sessionsOf(alice.id, 1);
        const deleted = await storage.users.delete(alice.id, T0 + 5);
        expect(deleted).toEqual({
          leftRoomIds: [general.id],
          authoredRoomIds: [],
          withdrawnInvitations: [],
          ownerChanges: [],
          sessionKeys: [s1!.key],
        });
        expect(await storage.users.findById(alice.id)).toBeNull();
        expect(await storage.users.findByUsername('alice')).toBeNull();
        expect(await storage.users.findByUsername(DELETED_USER_NAME)).toBeNull();
        expect(await storage.sessions.find(s1!.key)).toBeNull();
        expect(await storage.rooms.roomIdsForUser(alice.id)).toEqual([]);
        expect(await storage.rooms.isMember(general.id, alice.id)).toBe(false);
        expect(await storage.rooms.listMembers(general.id)).toEqual([{ userId: bob.id, username: 'bob' }]);
        // A second deletion finds nothing; neither does an unknown id.
        expect(await storage.users.delete(alice.id, T0 + 6)).toBeNull();
        expect(await storage.users.delete('no-such-user', T0 + 6)).toBeNull();
        // The name is free (any case), for an account that inherits nothing.
        const again = user('ALICE');
        expect(await storage.users.create(again, [general.id])).toBe('created');
        expect(again.id).not.toBe(alice.id);
        expect(await storage.users.findByUsername('alice')).toEqual(again);
        expect(await storage.rooms.roomIdsForUser(again.id)).toEqual([general.id]);
      });

      it('A13: its messages stay, by Deleted user, in history, single views, replies quoting them and reactions', async () => {
        const alice = await addUser('alice');
        const bob = await addUser('bob');
        const lobby = await addRoom('Lobby', bob.id);
        await storage.rooms.addMember(lobby.id, alice.id, T0 + 1);
        const hers = await send(lobby.id, alice.id, 'cmid-a-001', 'from alice');
        const reply = await send(lobby.id, bob.id, 'cmid-b-001', 'answer', hers.id);
        await storage.messages.change({
          kind: 'react',
          messageId: reply.id,
          actorId: alice.id,
          emoji: '👍',
          on: true,
          at: T0 + 2,
        });
        // Read first, so a store that keeps recent pages has them in hand before the deletion.
        const before = await storage.messages.history(lobby.id, { limit: 50 });
        expect(before.messages.map((m) => m.authorName)).toEqual(['alice', 'bob']);

        await storage.users.delete(alice.id, T0 + 5);
        const after = await storage.messages.history(lobby.id, { limit: 50 });
        expect(after.lastSeq).toBe(before.lastSeq);
        const [mine, answer] = after.messages;
        expect(mine).toMatchObject({
          id: hers.id,
          authorId: alice.id,
          authorName: DELETED_USER_NAME,
          text: 'from alice',
        });
        expect(answer?.replyTo).toMatchObject({ id: hers.id, authorId: alice.id, authorName: DELETED_USER_NAME });
        expect(answer?.reactions).toEqual([{ emoji: '👍', users: [{ id: alice.id, username: DELETED_USER_NAME }] }]);
        expect((await storage.messages.find(hers.id))?.authorName).toBe(DELETED_USER_NAME);
        const changes = await storage.messages.changesSince(lobby.id, 0, 100);
        expect(changes.messages.find((m) => m.id === hers.id)?.authorName).toBe(DELETED_USER_NAME);
      });

      it('A13: authoredRoomIds names every room holding its messages, rooms it had left included', async () => {
        const alice = await addUser('alice');
        const old = await addRoom('Old', null);
        const lobby = await addRoom('Lobby', null);
        for (const r of [old, lobby]) await storage.rooms.addMember(r.id, alice.id, T0);
        await send(old.id, alice.id, 'cmid-a-001');
        await storage.rooms.removeMember(old.id, alice.id);
        const deleted = await storage.users.delete(alice.id, T0 + 5);
        expect(deleted?.leftRoomIds).toEqual([lobby.id]);
        expect(deleted?.authoredRoomIds).toEqual([old.id]);
      });

      it('A13: a DM with the deleted person stays readable by the other, with no peer', async () => {
        const alice = await addUser('alice');
        const bob = await addUser('bob');
        const { room: dm } = await storage.rooms.openDm(dmDraft(), alice.id, bob.id);
        await send(dm.id, alice.id, 'cmid-a-001', 'psst');
        const deleted = await storage.users.delete(alice.id, T0 + 5);
        expect(deleted?.leftRoomIds).toEqual([dm.id]);
        expect(await storage.rooms.isMember(dm.id, bob.id)).toBe(true);
        const [view] = await storage.rooms.listForUser(bob.id);
        expect(view).toMatchObject({ id: dm.id, kind: 'dm', peer: null });
        const page = await storage.messages.history(dm.id, { limit: 50 });
        expect(page.messages.map((m) => [m.text, m.authorName])).toEqual([['psst', DELETED_USER_NAME]]);
      });

      it('I4: the invitations it sent are withdrawn and those it received dropped', async () => {
        const alice = await addUser('alice');
        const bob = await addUser('bob');
        const carol = await addUser('carol');
        const secret = await addRoom('Secret', alice.id, 'private');
        const other = await addRoom('Other', bob.id, 'private');
        await storage.rooms.addMember(secret.id, bob.id, T0);
        await storage.rooms.invite(secret.id, carol.id, alice.id, T0 + 1);
        await storage.rooms.invite(other.id, alice.id, bob.id, T0 + 1);
        const deleted = await storage.users.delete(alice.id, T0 + 5);
        expect(deleted?.withdrawnInvitations).toEqual([{ roomId: secret.id, userId: carol.id }]);
        expect(await storage.rooms.isInvited(secret.id, carol.id)).toBe(false);
        expect(await storage.rooms.listInvitations(other.id)).toEqual([]);
      });

      it('A14: a room it owned passes to its longest-standing member; one left empty keeps no owner', async () => {
        const alice = await addUser('alice');
        const bob = await addUser('bob');
        const carol = await addUser('carol');
        const lobby = await addRoom('Lobby', alice.id);
        const lonely = await addRoom('Lonely', alice.id, 'private');
        await storage.rooms.addMember(lobby.id, carol.id, T0 + 10);
        await storage.rooms.addMember(lobby.id, bob.id, T0 + 20);
        const deleted = await storage.users.delete(alice.id, T0 + 30);
        const expected = [
          { roomId: lobby.id, ownerId: carol.id },
          { roomId: lonely.id, ownerId: null },
        ].sort((a, b) => (a.roomId < b.roomId ? -1 : 1));
        expect(deleted?.ownerChanges).toEqual(expected);
        expect((await storage.rooms.findById(lobby.id))?.ownerId).toBe(carol.id);
        expect((await storage.rooms.findById(lonely.id))?.ownerId).toBeNull();
      });
    });

    describe('last seen and appear offline', () => {
      const byId = <R extends { userId: string }>(records: R[]) =>
        [...records].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));

      it('P5: a new account was never seen and does not appear offline; unknown ids are left out', async () => {
        const alice = await addUser('alice');
        expect(await storage.users.presenceOf([alice.id, 'no-such-user'])).toEqual([
          { userId: alice.id, lastSeenAt: null, appearOffline: false },
        ]);
        expect(await storage.users.presenceOf([])).toEqual([]);
      });

      it('P5: setLastSeen stores when each user went offline, the latest one winning', async () => {
        const alice = await addUser('alice');
        const bob = await addUser('bob');
        await storage.users.setLastSeen(alice.id, T0 + 10);
        await storage.users.setLastSeen(bob.id, T0 + 20);
        await storage.users.setLastSeen(alice.id, T0 + 30);
        expect(byId(await storage.users.presenceOf([alice.id, bob.id]))).toEqual(
          byId([
            { userId: alice.id, lastSeenAt: T0 + 30, appearOffline: false },
            { userId: bob.id, lastSeenAt: T0 + 20, appearOffline: false },
          ]),
        );
        // An unknown user: nothing to store, and no error.
        await storage.users.setLastSeen('no-such-user', T0 + 40);
      });

      it('P6: appearing offline stores the choice with its moment as last seen, which going offline then keeps', async () => {
        const alice = await addUser('alice');
        await storage.users.setLastSeen(alice.id, T0 + 10);
        expect(await storage.users.setAppearOffline(alice.id, true, T0 + 20)).toBe(true);
        expect(await storage.users.presenceOf([alice.id])).toEqual([
          { userId: alice.id, lastSeenAt: T0 + 20, appearOffline: true },
        ]);
        // Her connections closing later change nothing others see.
        await storage.users.setLastSeen(alice.id, T0 + 30);
        expect(await storage.users.presenceOf([alice.id])).toEqual([
          { userId: alice.id, lastSeenAt: T0 + 20, appearOffline: true },
        ]);
        // Back to her real state: the last seen stays until she really goes offline.
        expect(await storage.users.setAppearOffline(alice.id, false, T0 + 40)).toBe(true);
        expect(await storage.users.presenceOf([alice.id])).toEqual([
          { userId: alice.id, lastSeenAt: T0 + 20, appearOffline: false },
        ]);
        await storage.users.setLastSeen(alice.id, T0 + 50);
        expect(await storage.users.presenceOf([alice.id])).toEqual([
          { userId: alice.id, lastSeenAt: T0 + 50, appearOffline: false },
        ]);
        expect(await storage.users.setAppearOffline('no-such-user', true, T0 + 60)).toBe(false);
      });
    });
  });
}

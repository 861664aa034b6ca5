import type { Message, RoomChange } from '@parley/shared-types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeResult, MessageChange, Storage } from '../src/storage/storage.js';
import { T0, dmDraft, message, seeders } from './storage.builders.js';

/*
 * The storage contract for conversations (SPEC S1, E1–E7, U1–U3, N2), run against every
 * Storage implementation like the core contract. Only the Storage interface is used.
 */

export function describeConversationContract(name: string, makeStorage: () => Promise<Storage>): void {
  describe(`Storage contract, conversations: ${name}`, () => {
    let storage: Storage;
    const { addUser, addRoom } = seeders(() => storage);

    beforeEach(async () => {
      storage = await makeStorage();
    });
    afterEach(async () => {
      await storage.close();
    });

    /** alice's room Lobby with bob in it, and alice's first message. */
    async function lobbyWithMessage(text = 'hello @bob') {
      const alice = await addUser('alice');
      const bob = await addUser('bob');
      const lobby = await addRoom('Lobby', alice.id);
      await storage.rooms.addMember(lobby.id, bob.id, T0);
      const sent = await storage.messages.append(
        message(lobby.id, alice.id, 'cmid-0001', text, { mentionKeys: ['bob'] }),
      );
      if (sent.status !== 'created') throw new Error(`append answered ${sent.status}`);
      return { alice, bob, lobby, first: sent.message };
    }

    const at = T0 + 100;
    const edit = (messageId: string, actorId: string, text: string, mentionKeys: string[] = []): MessageChange => ({
      kind: 'edit',
      messageId,
      actorId,
      text,
      mentionKeys,
      at,
    });
    const del = (messageId: string, actorId: string): MessageChange => ({ kind: 'delete', messageId, actorId, at });
    const react = (messageId: string, actorId: string, on: boolean, emoji: '👍' | '🎉' = '👍'): MessageChange => ({
      kind: 'react',
      messageId,
      actorId,
      emoji,
      on,
      at,
    });
    const changed = (result: ChangeResult): { change: RoomChange; message: Message } => {
      if (result.status !== 'changed') throw new Error(`expected a change, got ${result.status}`);
      return result;
    };

    describe('messages as they are now', () => {
      it('E6: a mention of a member is recorded; a mention of a non-member is plain text', async () => {
        const { alice, lobby, bob, first } = await lobbyWithMessage();
        await addUser('carol');
        expect(first.mentions).toEqual([bob.id]);
        const next = await storage.messages.append(
          message(lobby.id, alice.id, 'cmid-0002', '@carol and @nobody', { mentionKeys: ['carol', 'nobody'] }),
        );
        expect(next.status === 'created' && next.message.mentions).toBeUndefined();
        expect(await storage.messages.find(first.id)).toEqual(first);
      });

      it('E1/S1: an edit by the author takes the next seq; the view has the new text, editedAt and version; history and find agree', async () => {
        const { alice, bob, first } = await lobbyWithMessage();
        const result = changed(await storage.messages.change(edit(first.id, alice.id, 'hello again', [])));
        expect(result.change).toEqual({ seq: 2, kind: 'message:edited', messageId: first.id });
        const expected = { ...first, text: 'hello again', editedAt: at, version: 2 };
        delete expected.mentions;
        expect(result.message).toEqual(expected);
        expect(await storage.messages.find(first.id)).toEqual(expected);
        expect(await storage.messages.history(first.roomId, { limit: 10 })).toEqual({
          messages: [expected],
          lastSeq: 2,
        });
        // Mentions follow the new text.
        const again = changed(await storage.messages.change(edit(first.id, alice.id, 'hi @bob', ['bob'])));
        expect(again.message.mentions).toEqual([bob.id]);
        expect(again.change.seq).toBe(3);
      });

      it('E1: the same text again, someone else, a tombstone, an unknown id or a non-member change nothing', async () => {
        const { alice, bob, lobby, first } = await lobbyWithMessage();
        const carol = await addUser('carol');
        expect(await storage.messages.change(edit(first.id, alice.id, first.text))).toEqual({
          status: 'unchanged',
          message: first,
        });
        expect(await storage.messages.change(edit(first.id, bob.id, 'not mine'))).toEqual({ status: 'forbidden' });
        expect(await storage.messages.change(edit(first.id, carol.id, 'not my room'))).toEqual({
          status: 'not_visible',
        });
        expect(await storage.messages.change(edit('no-such-message', alice.id, 'x'))).toEqual({
          status: 'not_visible',
        });
        changed(await storage.messages.change(del(first.id, alice.id)));
        expect(await storage.messages.change(edit(first.id, alice.id, 'back'))).toEqual({ status: 'deleted' });
        expect((await storage.rooms.findById(lobby.id))?.lastSeq).toBe(2);
      });

      it('E2: the author deletes: a tombstone in its place, with no text, reactions or mentions; a second deletion changes nothing', async () => {
        const { alice, bob, first } = await lobbyWithMessage();
        changed(await storage.messages.change(react(first.id, bob.id, true)));
        const result = changed(await storage.messages.change(del(first.id, alice.id)));
        expect(result.change).toEqual({ seq: 3, kind: 'message:deleted', messageId: first.id });
        const tombstone: Message = { ...first, text: '', deletedAt: at, version: 3 };
        delete tombstone.mentions;
        expect(result.message).toEqual(tombstone);
        expect(await storage.messages.find(first.id)).toEqual(tombstone);
        expect(await storage.messages.change(del(first.id, alice.id))).toEqual({
          status: 'unchanged',
          message: tombstone,
        });
        expect(await storage.messages.change(react(first.id, bob.id, true))).toEqual({ status: 'deleted' });
      });

      it('E2: the owner of a public or private room deletes anyone’s message there; other members cannot; in a DM only the author can', async () => {
        const alice = await addUser('alice');
        const bob = await addUser('bob');
        const carol = await addUser('carol');
        const lobby = await addRoom('Lobby', alice.id);
        await storage.rooms.addMember(lobby.id, bob.id, T0);
        await storage.rooms.addMember(lobby.id, carol.id, T0);
        const bobs = await storage.messages.append(message(lobby.id, bob.id, 'cmid-bob-1'));
        if (bobs.status !== 'created') throw new Error('append');
        expect(await storage.messages.change(del(bobs.message.id, carol.id))).toEqual({ status: 'forbidden' });
        expect(changed(await storage.messages.change(del(bobs.message.id, alice.id))).message.deletedAt).toBe(at);
        // An owner who left no longer moderates (not a member: the message is not visible).
        const again = await storage.messages.append(message(lobby.id, bob.id, 'cmid-bob-2'));
        await storage.rooms.removeMember(lobby.id, alice.id);
        expect(again.status === 'created' && (await storage.messages.change(del(again.message.id, alice.id)))).toEqual({
          status: 'not_visible',
        });

        const { room: dm } = await storage.rooms.openDm(dmDraft(), alice.id, bob.id);
        const inDm = await storage.messages.append(message(dm.id, bob.id, 'cmid-bob-3'));
        expect(inDm.status === 'created' && (await storage.messages.change(del(inDm.message.id, alice.id)))).toEqual({
          status: 'forbidden',
        });
      });

      it('E3: one reaction per person, message and emoji; adding twice or removing what is not there changes nothing; users listed in order', async () => {
        const { alice, bob, first } = await lobbyWithMessage();
        const added = changed(await storage.messages.change(react(first.id, bob.id, true)));
        expect(added.change).toEqual({ seq: 2, kind: 'reaction:added', messageId: first.id });
        expect(added.message.reactions).toEqual([{ emoji: '👍', users: [{ id: bob.id, username: 'bob' }] }]);
        expect(added.message.version).toBe(2);
        expect(await storage.messages.change(react(first.id, bob.id, true))).toEqual({
          status: 'unchanged',
          message: added.message,
        });
        const two = changed(await storage.messages.change(react(first.id, alice.id, true)));
        changed(await storage.messages.change(react(first.id, alice.id, true, '🎉')));
        expect((await storage.messages.find(first.id))?.reactions).toEqual([
          {
            emoji: '👍',
            users: [
              { id: bob.id, username: 'bob' },
              { id: alice.id, username: 'alice' },
            ],
          },
          { emoji: '🎉', users: [{ id: alice.id, username: 'alice' }] },
        ]);
        expect(two.change.seq).toBe(3);
        const removed = changed(await storage.messages.change(react(first.id, bob.id, false)));
        expect(removed.change).toEqual({ seq: 5, kind: 'reaction:removed', messageId: first.id });
        expect(removed.message.reactions?.[0]).toEqual({ emoji: '👍', users: [{ id: alice.id, username: 'alice' }] });
        expect(await storage.messages.change(react(first.id, bob.id, false))).toMatchObject({ status: 'unchanged' });
      });

      it('E4: a reply carries its original; another room’s message or a tombstone is refused; a later deletion shows in the reply', async () => {
        const { alice, bob, lobby, first } = await lobbyWithMessage('a'.repeat(200));
        const other = await addRoom('Other', alice.id);
        const elsewhere = await storage.messages.append(message(other.id, alice.id, 'cmid-other'));
        const reply = await storage.messages.append(
          message(lobby.id, bob.id, 'cmid-reply', 'yes', { replyToId: first.id }),
        );
        if (reply.status !== 'created') throw new Error('append');
        const ref = {
          id: first.id,
          seq: first.seq,
          authorId: alice.id,
          authorName: 'alice',
          excerpt: `${'a'.repeat(139)}…`,
          deleted: false,
        };
        expect(reply.message.replyTo).toEqual(ref);
        expect((await storage.messages.find(reply.message.id))?.replyTo).toEqual(ref);
        expect(
          elsewhere.status === 'created' &&
            (await storage.messages.append(
              message(lobby.id, bob.id, 'cmid-r2', 'x', { replyToId: elsewhere.message.id }),
            )),
        ).toEqual({
          status: 'invalid_reply',
        });
        expect(
          await storage.messages.append(message(lobby.id, bob.id, 'cmid-r3', 'x', { replyToId: 'no-such-message' })),
        ).toEqual({
          status: 'invalid_reply',
        });
        changed(await storage.messages.change(del(first.id, alice.id)));
        expect((await storage.messages.find(reply.message.id))?.replyTo).toEqual({
          ...ref,
          excerpt: '',
          deleted: true,
        });
        expect(
          await storage.messages.append(message(lobby.id, bob.id, 'cmid-r4', 'x', { replyToId: first.id })),
        ).toEqual({
          status: 'reply_deleted',
        });
        expect((await storage.rooms.findById(lobby.id))?.lastSeq).toBe(3);
      });
    });

    describe('the change log', () => {
      it('S1/S2: creations, edits, deletions and reactions number the room gaplessly; changesSince gives them in order with current views', async () => {
        const { alice, bob, lobby, first } = await lobbyWithMessage();
        const second = await storage.messages.append(message(lobby.id, bob.id, 'cmid-0002', 'second'));
        if (second.status !== 'created') throw new Error('append');
        changed(await storage.messages.change(react(first.id, bob.id, true)));
        changed(await storage.messages.change(edit(second.message.id, bob.id, 'second, fixed')));
        changed(await storage.messages.change(del(first.id, alice.id)));
        const read = await storage.messages.changesSince(lobby.id, 1, 100);
        expect(read.lastSeq).toBe(5);
        expect(read.changes).toEqual([
          { seq: 2, kind: 'message:created', messageId: second.message.id },
          { seq: 3, kind: 'reaction:added', messageId: first.id },
          { seq: 4, kind: 'message:edited', messageId: second.message.id },
          { seq: 5, kind: 'message:deleted', messageId: first.id },
        ]);
        expect(read.messages.map((m) => [m.id, m.text, m.version])).toEqual([
          [second.message.id, 'second, fixed', 4],
          [first.id, '', 5],
        ]);
        expect((await storage.messages.changesSince(lobby.id, 2, 2)).changes.map((c) => c.seq)).toEqual([3, 4]);
        expect(await storage.messages.changesSince(lobby.id, 5, 10)).toEqual({ changes: [], messages: [], lastSeq: 5 });
        expect(await storage.rooms.cursorsForUser(bob.id)).toEqual([{ roomId: lobby.id, lastSeq: 5 }]);
        const page = await storage.messages.history(lobby.id, { limit: 10 });
        expect(page.lastSeq).toBe(5);
        expect(page.messages.map((m) => m.text)).toEqual(['', 'second, fixed']);
      });

      it('S1: concurrent sends, edits and reactions in one room take every seq exactly once', async () => {
        const { alice, bob, lobby, first } = await lobbyWithMessage();
        const work: Array<Promise<unknown>> = [];
        for (let i = 0; i < 30; i++) {
          work.push(
            storage.messages.append(
              message(lobby.id, i % 2 ? alice.id : bob.id, `cmid-c-${String(i).padStart(3, '0')}`),
            ),
          );
          work.push(storage.messages.change(edit(first.id, alice.id, `edit ${i}`)));
          work.push(storage.messages.change(react(first.id, bob.id, i % 2 === 0)));
        }
        await Promise.all(work);
        const last = (await storage.rooms.findById(lobby.id))!.lastSeq;
        const read = await storage.messages.changesSince(lobby.id, 0, 1000);
        expect(read.changes.map((c) => c.seq)).toEqual(Array.from({ length: last }, (_, i) => i + 1));
      });
    });

    describe('read markers and notification levels', () => {
      it('U1: a member starts at the room’s newest seq; a new account at general’s', async () => {
        const { lobby } = await lobbyWithMessage();
        const carol = await addUser('carol');
        await storage.rooms.addMember(lobby.id, carol.id, T0);
        expect(await storage.reads.get(carol.id, lobby.id)).toEqual({
          roomId: lobby.id,
          lastReadSeq: 1,
          unreadCount: 0,
          mentionCount: 0,
          asOfSeq: 1,
        });
        const dave = await addUser('dave', [lobby.id]);
        expect((await storage.reads.get(dave.id, lobby.id))?.lastReadSeq).toBe(1);
        expect(await storage.reads.get(dave.id, 'no-such-room')).toBeNull();
      });

      it('U2: unread counts messages by others, not deleted, after the marker; mentions those of them that mention me', async () => {
        const { alice, bob, lobby, first } = await lobbyWithMessage();
        // bob joined before the first message: it is unread for him, and mentions him.
        expect(await storage.reads.get(bob.id, lobby.id)).toEqual({
          roomId: lobby.id,
          lastReadSeq: 0,
          unreadCount: 1,
          mentionCount: 1,
          asOfSeq: 1,
        });
        expect(await storage.reads.get(alice.id, lobby.id)).toMatchObject({ unreadCount: 0, mentionCount: 0 });
        await storage.messages.append(message(lobby.id, alice.id, 'cmid-0002', 'plain'));
        await storage.messages.append(message(lobby.id, bob.id, 'cmid-0003', 'mine'));
        changed(await storage.messages.change(react(first.id, alice.id, true)));
        expect(await storage.reads.get(bob.id, lobby.id)).toMatchObject({
          unreadCount: 2,
          mentionCount: 1,
          asOfSeq: 4,
        });
        changed(await storage.messages.change(del(first.id, alice.id)));
        expect(await storage.reads.get(bob.id, lobby.id)).toMatchObject({
          unreadCount: 1,
          mentionCount: 0,
          asOfSeq: 5,
        });
        const views = await storage.rooms.listForUser(bob.id);
        expect(views.find((v) => v.id === lobby.id)).toMatchObject({
          lastReadSeq: 0,
          unreadCount: 1,
          mentionCount: 0,
          lastSeq: 5,
        });
      });

      it('U3: mark moves forward only; past the newest seq or outside my rooms is refused', async () => {
        const { alice, bob, lobby } = await lobbyWithMessage();
        await storage.messages.append(message(lobby.id, alice.id, 'cmid-0002', 'two'));
        expect(await storage.reads.mark(bob.id, lobby.id, 1)).toEqual({
          roomId: lobby.id,
          lastReadSeq: 1,
          unreadCount: 1,
          mentionCount: 0,
          asOfSeq: 2,
        });
        expect(await storage.reads.mark(bob.id, lobby.id, 0)).toMatchObject({ lastReadSeq: 1 });
        expect(await storage.reads.mark(bob.id, lobby.id, 3)).toBe('beyond');
        expect(await storage.reads.mark(bob.id, lobby.id, 2)).toMatchObject({ lastReadSeq: 2, unreadCount: 0 });
        const carol = await addUser('carol');
        expect(await storage.reads.mark(carol.id, lobby.id, 1)).toBe('not_member');
        expect(await storage.reads.mark(bob.id, 'no-such-room', 0)).toBe('not_member');
      });

      it('N2: a member sets a room’s notification level; listForUser carries it; a non-member cannot', async () => {
        const { bob, lobby } = await lobbyWithMessage();
        expect((await storage.rooms.viewForUser(lobby.id, bob.id))?.notify).toBeNull();
        expect(await storage.reads.setNotify(bob.id, lobby.id, 'all')).toBe(true);
        expect((await storage.rooms.viewForUser(lobby.id, bob.id))?.notify).toBe('all');
        expect(await storage.reads.setNotify(bob.id, lobby.id, 'none')).toBe(true);
        expect((await storage.rooms.listForUser(bob.id)).find((v) => v.id === lobby.id)?.notify).toBe('none');
        const carol = await addUser('carol');
        expect(await storage.reads.setNotify(carol.id, lobby.id, 'all')).toBe(false);
      });
    });
  });
}

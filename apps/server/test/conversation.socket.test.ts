import { DEFAULT_ROOM_NAME, MESSAGE_TEXT_MAX, RESUME_MAX_CHANGES, type Message } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { newCmid, useHarness, type TestClient, type TestServer } from './harness.js';

/*
 * Edits, deletions, reactions, replies and mentions over /chat (SPEC E1–E7, S1, S2, S7):
 * every command, its refusals (which change nothing and broadcast nothing) and its
 * broadcasts, with real socket.io-client connections to the app on port 0.
 */

describe('conversations over /chat', () => {
  const h = useHarness();

  /** alice (two tabs), bob and dave in alice's room "Lobby"; carol connected but outside it. */
  async function cast(server: TestServer) {
    const [alice, bob, carol, dave] = [
      await h.register(server, 'alice'),
      await h.register(server, 'bob'),
      await h.register(server, 'carol'),
      await h.register(server, 'dave'),
    ];
    const alice1 = await h.connect(server, alice, 'alice1');
    const alice2 = await h.connect(server, alice, 'alice2');
    const bob1 = await h.connect(server, bob, 'bob1');
    const carol1 = await h.connect(server, carol, 'carol1');
    const dave1 = await h.connect(server, dave, 'dave1');
    const lobby = await alice1.ok('room:create', { name: 'Lobby' });
    await bob1.ok('room:join', { roomId: lobby.id });
    await dave1.ok('room:join', { roomId: lobby.id });
    return {
      alice,
      bob,
      carol,
      dave,
      alice1,
      alice2,
      bob1,
      carol1,
      dave1,
      lobby,
      members: [alice1, alice2, bob1, dave1],
    };
  }

  const say = (tab: TestClient, roomId: string, text: string, replyTo?: string) =>
    tab.ok('message:send', { roomId, clientMessageId: newCmid(), text, ...(replyTo ? { replyTo } : {}) });

  /** Nothing more reached `tabs` than what they had (a round trip on each first). */
  async function expectNoChangeBroadcast(tabs: TestClient[], before: Map<TestClient, number>) {
    for (const tab of tabs) {
      await tab.sync();
      expect(tab.received('message:changed').length, tab.label).toBe(before.get(tab) ?? 0);
    }
  }
  const counts = (tabs: TestClient[]) => new Map(tabs.map((t) => [t, t.received('message:changed').length]));

  describe('E1: edits', () => {
    it('E1: the author edits, any number of times; every member sees the new text, editedAt and the change seq; outsiders nothing', async () => {
      const server = await h.start();
      const c = await cast(server);
      const original = await say(c.alice1, c.lobby.id, 'helo');
      const edited = await c.alice1.ok('message:edit', { messageId: original.id, text: 'hello' });
      expect(edited).toEqual({ ...original, text: 'hello', editedAt: expect.any(Number), version: original.seq + 1 });
      for (const tab of c.members) {
        expect(await tab.waitFor('message:changed'), tab.label).toEqual({
          roomId: c.lobby.id,
          change: { seq: original.seq + 1, kind: 'message:edited', messageId: original.id },
          message: edited,
        });
      }
      const again = await c.alice2.ok('message:edit', { messageId: original.id, text: 'hello, world' });
      expect(again.version).toBe(original.seq + 2);
      expect((await c.bob1.waitFor('message:changed', (e) => e.change.seq === original.seq + 2)).message.text).toBe(
        'hello, world',
      );
      await c.carol1.sync();
      expect(c.carol1.received('message:changed')).toEqual([]);
      const page = await c.dave1.ok('message:history', { roomId: c.lobby.id });
      expect(page.messages).toEqual([again]);
      expect(page.lastSeq).toBe(original.seq + 2);
    });

    it('E1/M5/E7: someone else’s message, too long or blank text, an unknown id, a non-member, a tombstone: refused, nothing changes or is broadcast', async () => {
      const server = await h.start();
      const c = await cast(server);
      const original = await say(c.alice1, c.lobby.id, 'mine');
      const before = counts(c.members);
      expect(await c.bob1.request('message:edit', { messageId: original.id, text: 'hijacked' })).toMatchObject({
        ok: false,
        error: 'forbidden',
      });
      expect(await c.carol1.request('message:edit', { messageId: original.id, text: 'outsider' })).toMatchObject({
        ok: false,
        error: 'forbidden',
      });
      expect(await c.alice1.request('message:edit', { messageId: 'no-such-message', text: 'x' })).toMatchObject({
        ok: false,
        error: 'forbidden',
      });
      expect(await c.alice1.request('message:edit', { messageId: original.id, text: '   ' })).toMatchObject({
        ok: false,
        error: 'empty_message',
      });
      expect(
        await c.alice1.request('message:edit', { messageId: original.id, text: 'x'.repeat(MESSAGE_TEXT_MAX + 1) }),
      ).toMatchObject({
        ok: false,
        error: 'too_long',
      });
      // The same text again is fine, and no news.
      expect(await c.alice1.request('message:edit', { messageId: original.id, text: 'mine' })).toEqual({
        ok: true,
        data: original,
      });
      await expectNoChangeBroadcast(c.members, before);
      await c.alice1.ok('message:delete', { messageId: original.id });
      expect(await c.alice1.request('message:edit', { messageId: original.id, text: 'back' })).toMatchObject({
        ok: false,
        error: 'message_deleted',
      });
      expect((await server.app.storage.rooms.findById(c.lobby.id))?.lastSeq).toBe(original.seq + 1);
    });
  });

  describe('E2: deletions', () => {
    it('E2: the author deletes: every member sees a tombstone with no text or reactions; history keeps its place', async () => {
      const server = await h.start();
      const c = await cast(server);
      const first = await say(c.alice1, c.lobby.id, 'oops');
      const second = await say(c.bob1, c.lobby.id, 'after');
      await c.bob1.ok('reaction:add', { messageId: first.id, emoji: '👍' });
      const tombstone = await c.alice1.ok('message:delete', { messageId: first.id });
      expect(tombstone).toEqual({ ...first, text: '', deletedAt: expect.any(Number), version: second.seq + 2 });
      for (const tab of c.members) {
        const event = await tab.waitFor('message:changed', (e) => e.change.kind === 'message:deleted');
        expect(event).toEqual({
          roomId: c.lobby.id,
          change: { seq: second.seq + 2, kind: 'message:deleted', messageId: first.id },
          message: tombstone,
        });
      }
      const page = await c.bob1.ok('message:history', { roomId: c.lobby.id });
      expect(page.messages.map((m) => [m.id, m.text])).toEqual([
        [first.id, ''],
        [second.id, 'after'],
      ]);
      // Again: nothing changes.
      const before = counts(c.members);
      expect(await c.alice1.request('message:delete', { messageId: first.id })).toEqual({ ok: true, data: tombstone });
      await expectNoChangeBroadcast(c.members, before);
    });

    it('E2: the room’s owner deletes anyone’s message; another member cannot; in a DM only the author can', async () => {
      const server = await h.start();
      const c = await cast(server);
      const bobs = await say(c.bob1, c.lobby.id, 'by bob');
      const before = counts(c.members);
      expect(await c.dave1.request('message:delete', { messageId: bobs.id })).toMatchObject({
        ok: false,
        error: 'forbidden',
      });
      await expectNoChangeBroadcast(c.members, before);
      expect((await c.alice1.ok('message:delete', { messageId: bobs.id })).deletedAt).toEqual(expect.any(Number));
      const dm = await c.alice1.ok('dm:open', { userId: c.bob.user.id });
      const inDm = await say(c.bob1, dm.id, 'private');
      expect(await c.alice1.request('message:delete', { messageId: inDm.id })).toMatchObject({
        ok: false,
        error: 'forbidden',
      });
      expect(await c.carol1.request('message:delete', { messageId: inDm.id })).toMatchObject({
        ok: false,
        error: 'forbidden',
      });
    });
  });

  describe('E3: reactions', () => {
    it('E3: reactions are counted per person and emoji, toggled idempotently, and broadcast only when they change', async () => {
      const server = await h.start();
      const c = await cast(server);
      const m = await say(c.alice1, c.lobby.id, 'react to me');
      const bobUser = { id: c.bob.user.id, username: 'bob' };
      const daveUser = { id: c.dave.user.id, username: 'dave' };
      const one = await c.bob1.ok('reaction:add', { messageId: m.id, emoji: '🎉' });
      expect(one.reactions).toEqual([{ emoji: '🎉', users: [bobUser] }]);
      for (const tab of c.members) {
        expect(
          (await tab.waitFor('message:changed', (e) => e.change.kind === 'reaction:added')).message,
          tab.label,
        ).toEqual(one);
      }
      const before = counts(c.members);
      expect(await c.bob1.request('reaction:add', { messageId: m.id, emoji: '🎉' })).toEqual({ ok: true, data: one });
      await expectNoChangeBroadcast(c.members, before);
      const two = await c.dave1.ok('reaction:add', { messageId: m.id, emoji: '🎉' });
      expect(two.reactions).toEqual([{ emoji: '🎉', users: [bobUser, daveUser] }]);
      const back = await c.bob1.ok('reaction:remove', { messageId: m.id, emoji: '🎉' });
      expect(back.reactions).toEqual([{ emoji: '🎉', users: [daveUser] }]);
      expect((await c.alice1.waitFor('message:changed', (e) => e.change.kind === 'reaction:removed')).message).toEqual(
        back,
      );
      expect(await c.bob1.request('reaction:remove', { messageId: m.id, emoji: '🎉' })).toEqual({
        ok: true,
        data: back,
      });
    });

    it('E3/W3/E7: an emoji outside the set, a non-member or a tombstone are refused; nothing is stored or broadcast', async () => {
      const server = await h.start();
      const c = await cast(server);
      const m = await say(c.alice1, c.lobby.id, 'x');
      const before = counts(c.members);
      for (const emoji of ['🍕', 'thumbs', '', '👍👍', '<img>']) {
        expect(await c.bob1.raw('reaction:add', [{ messageId: m.id, emoji }]), emoji).toMatchObject({
          ok: false,
          error: 'invalid_payload',
        });
      }
      expect(await c.carol1.request('reaction:add', { messageId: m.id, emoji: '👍' })).toMatchObject({
        ok: false,
        error: 'forbidden',
      });
      await expectNoChangeBroadcast(c.members, before);
      await c.alice1.ok('message:delete', { messageId: m.id });
      expect(await c.bob1.request('reaction:add', { messageId: m.id, emoji: '👍' })).toMatchObject({
        ok: false,
        error: 'message_deleted',
      });
      expect((await server.app.storage.messages.find(m.id))?.reactions).toBeUndefined();
    });
  });

  describe('E4: replies, E6: mentions', () => {
    it('E4: a reply carries its original; a message of another room is invalid_reply, a tombstone message_deleted', async () => {
      const server = await h.start();
      const c = await cast(server);
      const original = await say(c.alice1, c.lobby.id, 'question?');
      const reply = await say(c.bob1, c.lobby.id, 'answer', original.id);
      expect(reply.replyTo).toEqual({
        id: original.id,
        seq: original.seq,
        authorId: c.alice.user.id,
        authorName: 'alice',
        excerpt: 'question?',
        deleted: false,
      });
      expect((await c.dave1.waitFor('message:created', (m) => m.id === reply.id)).replyTo).toEqual(reply.replyTo);
      const general = (await c.carol1.ok('room:list', {})).find((r) => r.name === DEFAULT_ROOM_NAME)!;
      const elsewhere = await say(c.carol1, general.id, 'elsewhere');
      const refuse = (replyTo: string) =>
        c.bob1.request('message:send', { roomId: c.lobby.id, clientMessageId: newCmid(), text: 'x', replyTo });
      expect(await refuse(elsewhere.id)).toMatchObject({ ok: false, error: 'invalid_reply' });
      expect(await refuse('no-such-message')).toMatchObject({ ok: false, error: 'invalid_reply' });
      await c.alice1.ok('message:delete', { messageId: original.id });
      expect(await refuse(original.id)).toMatchObject({ ok: false, error: 'message_deleted' });
      // The reply now shows its original was deleted.
      const page = await c.bob1.ok('message:history', { roomId: c.lobby.id });
      expect(page.messages.find((m) => m.id === reply.id)?.replyTo).toMatchObject({ deleted: true, excerpt: '' });
    });

    it('E6: mentions of members are listed; a non-member’s name is plain text; an edit re-reads them', async () => {
      const server = await h.start();
      const c = await cast(server);
      const m = await say(c.alice1, c.lobby.id, 'hi @Bob and @carol and @nobody, mail me at alice@example.com');
      expect(m.mentions).toEqual([c.bob.user.id]);
      expect((await c.bob1.waitFor('message:created', (x) => x.id === m.id)).mentions).toEqual([c.bob.user.id]);
      const edited = await c.alice1.ok('message:edit', { messageId: m.id, text: 'hi @dave' });
      expect(edited.mentions).toEqual([c.dave.user.id]);
    });
  });

  describe('S2, S7: changes reach a client that was away', () => {
    it('S2: resume after being offline delivers the edits, deletions and reactions made meanwhile, in seq order, with current views', async () => {
      const server = await h.start();
      const c = await cast(server);
      const a = await say(c.alice1, c.lobby.id, 'a');
      const b = await say(c.bob1, c.lobby.id, 'b');
      const cursor = b.seq;
      c.dave1.close();
      const fresh = await say(c.alice1, c.lobby.id, 'c');
      await c.alice1.ok('message:edit', { messageId: a.id, text: 'a, edited' });
      await c.bob1.ok('reaction:add', { messageId: a.id, emoji: '👍' });
      await c.bob1.ok('message:delete', { messageId: b.id });
      await c.alice1.ok('reaction:add', { messageId: fresh.id, emoji: '❤️' });
      await c.bob1.ok('reaction:remove', { messageId: a.id, emoji: '👍' });
      const back = await h.connect(server, c.dave, 'dave-back', { auth: { cursors: { [c.lobby.id]: cursor } } });
      await back.waitFor('sync:complete');
      const [sync] = back.received('sync:changes');
      expect(sync!.changes.map((ch) => [ch.seq, ch.kind])).toEqual([
        [cursor + 1, 'message:created'],
        [cursor + 2, 'message:edited'],
        [cursor + 3, 'reaction:added'],
        [cursor + 4, 'message:deleted'],
        [cursor + 5, 'reaction:added'],
        [cursor + 6, 'reaction:removed'],
      ]);
      const views = new Map(sync!.messages.map((m) => [m.id, m]));
      expect(views.get(a.id)).toMatchObject({ text: 'a, edited', version: cursor + 6 });
      expect(views.get(a.id)?.reactions).toBeUndefined();
      expect(views.get(b.id)).toMatchObject({ text: '', deletedAt: expect.any(Number) });
      expect(views.get(fresh.id)?.reactions).toEqual([
        { emoji: '❤️', users: [{ id: c.alice.user.id, username: 'alice' }] },
      ]);
      expect(sync!.messages).toHaveLength(3);
    });

    it('S7: message:changes gives the changes after a cursor; past the replay bound it says reset; outsiders are refused', async () => {
      const server = await h.start();
      const c = await cast(server);
      const a = await say(c.alice1, c.lobby.id, 'a');
      await c.alice1.ok('message:edit', { messageId: a.id, text: 'a2' });
      const page = await c.bob1.ok('message:changes', { roomId: c.lobby.id, after: a.seq - 1 });
      expect(page).toEqual({
        roomId: c.lobby.id,
        changes: [
          { seq: a.seq, kind: 'message:created', messageId: a.id },
          { seq: a.seq + 1, kind: 'message:edited', messageId: a.id },
        ],
        messages: [expect.objectContaining({ id: a.id, text: 'a2' })],
        lastSeq: a.seq + 1,
      });
      expect(await c.carol1.request('message:changes', { roomId: c.lobby.id, after: 0 })).toMatchObject({
        ok: false,
        error: 'forbidden',
      });
      const sends = Array.from({ length: RESUME_MAX_CHANGES + 1 }, (_, i) =>
        server.app.services.messages.send(c.alice.user, {
          roomId: c.lobby.id,
          clientMessageId: newCmid(),
          text: `bulk ${i}`,
        }),
      );
      const stored: Message[] = (await Promise.all(sends)).map((s) => s.message);
      const far = await c.bob1.ok('message:changes', { roomId: c.lobby.id, after: a.seq });
      expect(far).toEqual({ roomId: c.lobby.id, changes: [], messages: [], lastSeq: stored.at(-1)!.seq, reset: true });
    });
  });
});

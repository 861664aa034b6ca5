import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSearchQuery, type SearchCursor } from '../src/storage/search.query.js';
import type { SearchPage, Storage } from '../src/storage/storage.js';
import { T0, dmDraft, message, seeders } from './storage.builders.js';

/*
 * The storage contract for search (SPEC F1–F3), run against every Storage implementation.
 * Only the Storage interface is used.
 */

export function describeSearchContract(name: string, makeStorage: () => Promise<Storage>): void {
  describe(`Storage contract, search: ${name}`, () => {
    let storage: Storage;
    const { addUser, addRoom } = seeders(() => storage);

    beforeEach(async () => {
      storage = await makeStorage();
    });
    afterEach(async () => {
      await storage.close();
    });

    let sent = 0;
    async function say(roomId: string, authorId: string, text: string, createdAt = T0 + ++sent) {
      const result = await storage.messages.append(
        message(roomId, authorId, `cmid-${randomUUID()}`, text, { createdAt }),
      );
      if (result.status !== 'created') throw new Error(`append answered ${result.status}`);
      return result.message;
    }

    async function search(userId: string, text: string, options: { before?: SearchCursor; limit?: number } = {}) {
      const query = parseSearchQuery(text);
      if (!query) throw new Error(`nothing to search in ${JSON.stringify(text)}`);
      return storage.messages.search(userId, query, { limit: 20, ...options });
    }
    const ids = (page: SearchPage) => page.hits.map((h) => h.messageId);

    /** alice and bob in Lobby; carol's private room Vault without bob; a DM of alice and bob. */
    async function world() {
      const alice = await addUser('alice');
      const bob = await addUser('bob');
      const carol = await addUser('carol');
      const lobby = await addRoom('Lobby', alice.id);
      await storage.rooms.addMember(lobby.id, bob.id, T0);
      const vault = await addRoom('Vault', carol.id, 'private');
      await storage.rooms.addMember(vault.id, alice.id, T0);
      const { room: dm } = await storage.rooms.openDm(dmDraft(), alice.id, bob.id);
      return { alice, bob, carol, lobby, vault, dm };
    }

    it('F1: finds by every word, newest first, with the room, the author and the match marked', async () => {
      const { alice, bob, lobby } = await world();
      const report = await say(lobby.id, alice.id, 'The quarterly Report is ready for review');
      await say(lobby.id, bob.id, 'lunch at noon?');
      const later = await say(lobby.id, bob.id, 'report draft attached');
      const page = await search(bob.id, 'report');
      expect(ids(page)).toEqual([later.id, report.id]);
      const hit = page.hits[1]!;
      expect(hit).toMatchObject({
        roomId: lobby.id,
        roomKind: 'public',
        roomName: 'Lobby',
        authorId: alice.id,
        authorName: 'alice',
        seq: report.seq,
        createdAt: report.createdAt,
      });
      expect(hit.snippet.text).toBe('The quarterly Report is ready for review');
      expect(hit.snippet.ranges.map(([s, e]) => hit.snippet.text.slice(s, e))).toEqual(['Report']);
      expect(ids(await search(bob.id, 'quarterly report'))).toEqual([report.id]);
      expect(ids(await search(bob.id, 'quarterly lunch'))).toEqual([]);
      // The last word typed also matches as a prefix.
      expect(ids(await search(bob.id, 'quarter'))).toEqual([report.id]);
      expect(ids(await search(bob.id, 'quarter '))).toEqual([]);
    });

    it('F1: a quoted phrase matches its words in order, next to each other', async () => {
      const { alice, lobby } = await world();
      const ready = await say(lobby.id, alice.id, 'the report is ready now');
      await say(lobby.id, alice.id, 'ready? the report is not');
      expect(ids(await search(alice.id, '"report is ready"'))).toEqual([ready.id]);
      expect(ids(await search(alice.id, '"ready report"'))).toEqual([]);
      const both = await search(alice.id, 'ready report');
      expect(both.hits).toHaveLength(2);
      const phrase = (await search(alice.id, '"report is ready"')).hits[0]!.snippet;
      expect(phrase.ranges.map(([s, e]) => phrase.text.slice(s, e))).toEqual(['report', 'is', 'ready']);
    });

    it('F1: a message holding U+0000 is stored and found by its words (M6 keeps it exactly)', async () => {
      const { alice, lobby } = await world();
      const m = await say(lobby.id, alice.id, 'null \u0000 inside, still findable');
      expect(ids(await search(alice.id, 'null'))).toEqual([m.id]);
      expect((await search(alice.id, 'null')).hits[0]!.snippet.text).toBe('null \u0000 inside, still findable');
    });

    it('F1: from:<username> and in:<room> narrow; in:<username> names a DM', async () => {
      const { alice, bob, lobby, vault, dm } = await world();
      const a1 = await say(lobby.id, alice.id, 'deploy on friday');
      const b1 = await say(lobby.id, bob.id, 'deploy on monday');
      const v1 = await say(vault.id, alice.id, 'deploy keys rotated');
      const d1 = await say(dm.id, bob.id, 'deploy with me?');
      expect(ids(await search(alice.id, 'deploy from:bob'))).toEqual([d1.id, b1.id]);
      expect(ids(await search(alice.id, 'deploy from:ALICE'))).toEqual([v1.id, a1.id]);
      expect(ids(await search(alice.id, 'deploy in:lobby'))).toEqual([b1.id, a1.id]);
      expect(ids(await search(alice.id, 'in:"Vault"'))).toEqual([v1.id]);
      const inDm = await search(alice.id, 'deploy in:bob');
      expect(ids(inDm)).toEqual([d1.id]);
      expect(inDm.hits[0]).toMatchObject({ roomKind: 'dm', roomName: 'bob' });
      expect((await search(bob.id, 'deploy in:alice')).hits[0]).toMatchObject({ roomName: 'alice' });
      expect(ids(await search(alice.id, 'deploy from:nobody'))).toEqual([]);
    });

    it('F2: never a message of a room or DM I am not a member of, nor of a room I left', async () => {
      const { alice, bob, carol, lobby, vault } = await world();
      await say(vault.id, carol.id, 'secret plans');
      const { room: carolDm } = await storage.rooms.openDm(dmDraft(), alice.id, carol.id);
      await say(carolDm.id, carol.id, 'secret for alice only');
      expect(await search(bob.id, 'secret')).toEqual({ hits: [], next: null });
      expect(await search(bob.id, 'secret in:Vault')).toEqual({ hits: [], next: null });
      expect(await search(bob.id, 'from:carol')).toEqual({ hits: [], next: null });
      expect((await search(alice.id, 'secret')).hits).toHaveLength(2);
      await say(lobby.id, alice.id, 'secret handshake');
      await storage.rooms.removeMember(vault.id, alice.id);
      expect((await search(alice.id, 'secret')).hits.map((h) => h.roomId).sort()).toEqual(
        [carolDm.id, lobby.id].sort(),
      );
    });

    it('F3: a deleted message is never found', async () => {
      const { alice, bob, lobby } = await world();
      const gone = await say(lobby.id, alice.id, 'password is hunter2');
      expect(ids(await search(bob.id, 'hunter2'))).toEqual([gone.id]);
      const deleted = await storage.messages.change({ kind: 'delete', messageId: gone.id, actorId: alice.id, at: T0 });
      expect(deleted.status).toBe('changed');
      expect(ids(await search(bob.id, 'hunter2'))).toEqual([]);
      expect(ids(await search(bob.id, 'password'))).toEqual([]);
      expect(ids(await search(bob.id, 'from:alice'))).toEqual([]);
    });

    it('F3: an edited message is found by its new text, never by the text before', async () => {
      const { alice, bob, lobby } = await world();
      const m = await say(lobby.id, alice.id, 'meet at the harbour');
      const edited = await storage.messages.change({
        kind: 'edit',
        messageId: m.id,
        actorId: alice.id,
        text: 'meet at the station',
        mentionKeys: [],
        at: T0,
      });
      expect(edited.status).toBe('changed');
      expect(ids(await search(bob.id, 'harbour'))).toEqual([]);
      const page = await search(bob.id, 'station');
      expect(ids(page)).toEqual([m.id]);
      expect(page.hits[0]!.snippet.text).toBe('meet at the station');
    });

    it('F2: pages newest first through the before cursor, each hit once', async () => {
      const { alice, lobby } = await world();
      const sentIds: string[] = [];
      // Two share a creation time: within a room, the later seq comes first.
      for (const at of [T0 + 10, T0 + 20, T0 + 20, T0 + 30, T0 + 40]) {
        sentIds.push((await say(lobby.id, alice.id, `standup notes ${at}`, at)).id);
      }
      const seen: string[] = [];
      let before: SearchCursor | undefined;
      for (let pages = 0; pages < 5; pages++) {
        const page = await search(alice.id, 'standup', { limit: 2, ...(before ? { before } : {}) });
        seen.push(...ids(page));
        if (!page.next) break;
        before = page.next;
      }
      expect(seen).toEqual([...sentIds].reverse());
      // The limit is clamped.
      for (let i = 0; i < 52; i++) await say(lobby.id, alice.id, `flood ${i}`);
      expect((await search(alice.id, 'flood', { limit: 1000 })).hits).toHaveLength(50);
    });

    it("F1, F2 (property): over users × rooms × queries, the hits are exactly the matches in the searcher's rooms, newest first", async () => {
      const vocabulary = ['apple', 'banana', 'cherry', 'delta'];
      const worldArb = fc.record({
        // membership[u][r]: whether user u is in room r.
        membership: fc.array(fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), { minLength: 3, maxLength: 3 }),
        messages: fc.array(
          fc.record({
            room: fc.nat(2),
            author: fc.nat(2),
            words: fc.array(fc.constantFrom(...vocabulary), { minLength: 1, maxLength: 3 }),
          }),
          { maxLength: 12 },
        ),
        queries: fc.array(
          fc.record({
            searcher: fc.nat(2),
            words: fc.array(fc.constantFrom(...vocabulary, 'ban', 'che'), { maxLength: 2 }),
            from: fc.option(fc.nat(2), { nil: undefined }),
            in: fc.option(fc.nat(2), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
      });
      let run = 0;
      await fc.assert(
        fc.asyncProperty(worldArb, async (w) => {
          run += 1;
          const users = [];
          for (let u = 0; u < 3; u++) users.push(await addUser(`p${run}u${u}`));
          const rooms = [];
          for (let r = 0; r < 3; r++) rooms.push(await addRoom(`p${run}r${r}`, null, r === 2 ? 'private' : 'public'));
          for (let u = 0; u < 3; u++) {
            for (let r = 0; r < 3; r++) {
              if (w.membership[u]![r]) await storage.rooms.addMember(rooms[r]!.id, users[u]!.id, T0);
            }
          }
          // Messages are sent by members; every author joins for their message, then leaves
          // again when they were not meant to be a member, so rooms hold words of outsiders.
          const stored: { id: string; room: number; author: number; words: string[] }[] = [];
          for (const m of w.messages) {
            const roomId = rooms[m.room]!.id;
            const author = users[m.author]!;
            const member = w.membership[m.author]![m.room];
            if (!member) await storage.rooms.addMember(roomId, author.id, T0);
            stored.push({ ...m, id: (await say(roomId, author.id, m.words.join(' '))).id });
            if (!member) await storage.rooms.removeMember(roomId, author.id);
          }
          for (const q of w.queries) {
            const parts = [...q.words];
            if (q.from !== undefined) parts.push(`from:${users[q.from]!.username}`);
            if (q.in !== undefined) parts.push(`in:${rooms[q.in]!.name}`);
            const query = parseSearchQuery(parts.join(' '));
            if (!query) continue;
            const mine = new Set(rooms.filter((_, r) => w.membership[q.searcher]![r]).map((r) => r.id));
            const page = await storage.messages.search(users[q.searcher]!.id, query, { limit: 50 });
            for (const hit of page.hits) expect(mine.has(hit.roomId)).toBe(true);
            // Complete too, whichever way the backend reads (the index, the author's
            // messages, the named room): exactly the model's matches, newest first.
            const matches = (words: string[]) =>
              query.words.every((qw, i) =>
                words.some((x) => x === qw || (query.prefixLast && i === query.words.length - 1 && x.startsWith(qw))),
              );
            const expected = stored
              .filter(
                (m) =>
                  w.membership[q.searcher]![m.room] &&
                  (q.from === undefined || m.author === q.from) &&
                  (q.in === undefined || m.room === q.in) &&
                  matches(m.words),
              )
              .map((m) => m.id)
              .reverse();
            expect(ids(page)).toEqual(expected);
          }
        }),
        { numRuns: 15 },
      );
    });
  });
}

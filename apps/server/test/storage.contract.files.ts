import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewFile, Storage } from '../src/storage/storage.js';
import { T0, message, seeders } from './storage.builders.js';

/*
 * The storage contract for files and their bytes (SPEC B1, B4, B7, B8), run against every
 * Storage implementation. Only the Storage interface is used.
 */

async function* pieces(...chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk;
}

async function* failingAfter(chunk: Uint8Array): AsyncGenerator<Uint8Array> {
  yield chunk;
  throw new Error('the client went away');
}

async function bytesOf(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export function describeFileContract(name: string, makeStorage: () => Promise<Storage>): void {
  describe(`Storage contract, files: ${name}`, () => {
    let storage: Storage;
    const { addUser, addRoom } = seeders(() => storage);

    beforeEach(async () => {
      storage = await makeStorage();
    });
    afterEach(async () => {
      await storage.close();
    });

    const draft = (roomId: string, uploaderId: string, extra: Partial<NewFile> = {}): NewFile => ({
      id: randomUUID(),
      roomId,
      uploaderId,
      name: 'notes.txt',
      contentType: 'application/octet-stream',
      createdAt: T0,
      ...extra,
    });

    async function world() {
      const alice = await addUser('alice');
      const bob = await addUser('bob');
      const lobby = await addRoom('Lobby', alice.id);
      await storage.rooms.addMember(lobby.id, bob.id, T0);
      return { alice, bob, lobby };
    }

    it('B1: bytes streamed in come back out whole, across chunk boundaries, with the file pending', async () => {
      const { alice, lobby } = await world();
      // Larger than a PostgreSQL chunk, in pieces that do not line up with it.
      const big = Buffer.alloc(700_000);
      for (let i = 0; i < big.length; i++) big[i] = (i * 31) % 251;
      const file = await storage.files.create(
        draft(lobby.id, alice.id, { name: 'big.png', contentType: 'image/png', width: 640, height: 480 }),
        pieces(big.subarray(0, 1), big.subarray(1, 300_001), big.subarray(300_001)),
      );
      expect(file).toMatchObject({ size: big.length, messageId: null, width: 640, height: 480 });
      expect(await storage.files.find(file.id)).toEqual(file);
      expect((await bytesOf((await storage.files.open(file.id))!)).equals(big)).toBe(true);
      const empty = await storage.files.create(draft(lobby.id, alice.id), pieces());
      expect(empty.size).toBe(0);
      expect(await bytesOf((await storage.files.open(empty.id))!)).toHaveLength(0);
    });

    it('B2: an upload whose bytes fail part-way leaves no file and no bytes', async () => {
      const { alice, lobby } = await world();
      const id = randomUUID();
      await expect(
        storage.files.create(draft(lobby.id, alice.id, { id }), failingAfter(Buffer.alloc(300_000, 1))),
      ).rejects.toThrow('the client went away');
      expect(await storage.files.find(id)).toBeNull();
      expect(await storage.files.open(id)).toBeNull();
    });

    it('B4: a message takes its author’s pending files of its room, in order, once; anything else stores nothing', async () => {
      const { alice, bob, lobby } = await world();
      const other = await addRoom('Other', alice.id);
      const one = await storage.files.create(draft(lobby.id, alice.id, { name: 'one.txt' }), pieces(Buffer.from('1')));
      const two = await storage.files.create(draft(lobby.id, alice.id, { name: 'two.txt' }), pieces(Buffer.from('2')));
      const bobs = await storage.files.create(draft(lobby.id, bob.id), pieces(Buffer.from('b')));
      const elsewhere = await storage.files.create(draft(other.id, alice.id), pieces(Buffer.from('e')));
      for (const ids of [[bobs.id], [elsewhere.id], [one.id, one.id], ['missing']]) {
        const refused = await storage.messages.append(
          message(lobby.id, alice.id, `cmid-${randomUUID()}`, '', { attachmentIds: ids }),
        );
        expect(refused.status).toBe('invalid_attachment');
      }
      const { messages } = await storage.messages.history(lobby.id, { limit: 10 });
      expect(messages).toEqual([]);
      const sent = await storage.messages.append(
        message(lobby.id, alice.id, `cmid-${randomUUID()}`, '', { attachmentIds: [two.id, one.id] }),
      );
      if (sent.status !== 'created') throw new Error(sent.status);
      const expected = [two, one].map((f) => ({ id: f.id, name: f.name, size: 1, contentType: f.contentType }));
      expect(sent.message.attachments).toEqual(expected);
      expect((await storage.messages.find(sent.message.id))?.attachments).toEqual(expected);
      expect((await storage.messages.history(lobby.id, { limit: 10 })).messages[0]?.attachments).toEqual(expected);
      expect((await storage.files.find(one.id))?.messageId).toBe(sent.message.id);
      const again = await storage.messages.append(
        message(lobby.id, alice.id, `cmid-${randomUUID()}`, 'again', { attachmentIds: [one.id] }),
      );
      expect(again.status).toBe('invalid_attachment');
    });

    it('B7: deleting a message deletes its files and their bytes, in the same change', async () => {
      const { alice, lobby } = await world();
      const file = await storage.files.create(draft(lobby.id, alice.id), pieces(Buffer.from('secret')));
      const sent = await storage.messages.append(
        message(lobby.id, alice.id, `cmid-${randomUUID()}`, 'with a file', { attachmentIds: [file.id] }),
      );
      if (sent.status !== 'created') throw new Error(sent.status);
      const result = await storage.messages.change({
        kind: 'delete',
        messageId: sent.message.id,
        actorId: alice.id,
        at: T0 + 5,
      });
      expect(result).toMatchObject({ status: 'changed', removedFileIds: [file.id] });
      if (result.status === 'changed') expect(result.message.attachments).toBeUndefined();
      expect(await storage.files.find(file.id)).toBeNull();
      expect(await storage.files.open(file.id)).toBeNull();
    });

    it('B8: the sweep removes pending files older than the cutoff, never sent ones', async () => {
      const { alice, lobby } = await world();
      const old = await storage.files.create(draft(lobby.id, alice.id, { createdAt: T0 }), pieces(Buffer.from('o')));
      const fresh = await storage.files.create(
        draft(lobby.id, alice.id, { createdAt: T0 + 100 }),
        pieces(Buffer.from('f')),
      );
      const sentFile = await storage.files.create(
        draft(lobby.id, alice.id, { createdAt: T0 }),
        pieces(Buffer.from('s')),
      );
      await storage.messages.append(
        message(lobby.id, alice.id, `cmid-${randomUUID()}`, '', { attachmentIds: [sentFile.id] }),
      );
      expect(await storage.files.sweepPending(T0 + 50)).toEqual([old.id]);
      expect(await storage.files.open(old.id)).toBeNull();
      expect(await storage.files.find(fresh.id)).not.toBeNull();
      expect(await storage.files.find(sentFile.id)).not.toBeNull();
      expect(await storage.files.sweepPending(T0 + 50)).toEqual([]);
    });
  });
}

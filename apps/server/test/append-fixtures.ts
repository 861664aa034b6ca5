import type { NewMessage, Storage } from '../src/storage/storage.js';

/*
 * The one-user, one-room world of the storage-level append tests: alice (u1) in room r1,
 * and numbered messages from her. `text` may be anything, to provoke a failing insert.
 */

export async function seedAliceInRoom(storage: Storage): Promise<Storage> {
  await storage.users.create({ id: 'u1', username: 'alice', passwordHash: 'x', createdAt: 1 }, []);
  await storage.rooms.create({ id: 'r1', kind: 'public', name: 'one', ownerId: 'u1', lastSeq: 0, createdAt: 1 }, 'u1');
  return storage;
}

export const numberedMessage = (n: number, text: unknown = `m${n}`): NewMessage => ({
  id: `id-${n}`,
  roomId: 'r1',
  authorId: 'u1',
  clientMessageId: `client-${n}`,
  text: text as string,
  createdAt: n,
});

import type { User } from '@parley/shared-types';
import { ManualClock } from '../src/domain/clock.js';
import { randomId } from '../src/domain/ids.js';
import { MessagesService } from '../src/domain/messages.service.js';
import { RoomsService } from '../src/domain/rooms.service.js';
import { openSqliteStorage } from '../src/storage/sqlite/sqlite.storage.js';
import type { Storage } from '../src/storage/storage.js';

/**
 * Real in-memory SQLite plus the room and message services on a manual clock, for the
 * domain unit tests. Users are inserted straight into storage (no password hashing):
 * these tests are about rooms and messages, not sign-in.
 */
export type DomainFixture = {
  clock: ManualClock;
  storage: Storage;
  rooms: RoomsService;
  messages: MessagesService;
  online: Set<string>;
  generalId: string;
  addUser(username: string): Promise<User>;
  close(): Promise<void>;
};

export async function createDomainFixture(): Promise<DomainFixture> {
  const clock = new ManualClock();
  const storage = openSqliteStorage({ filename: ':memory:' });
  const online = new Set<string>();
  const rooms = new RoomsService({
    storage,
    clock,
    newId: randomId,
    viewsOf: async (ids) => ids.map((id) => ({ state: online.has(id) ? ('active' as const) : ('offline' as const) })),
  });
  const messages = new MessagesService({ storage, clock, newId: randomId });
  const generalId = await rooms.ensureDefaultRoom();
  return {
    clock,
    storage,
    rooms,
    messages,
    online,
    generalId,
    async addUser(username) {
      const user = { id: randomId(), username, passwordHash: 'not-a-real-hash', createdAt: clock.now() };
      const outcome = await storage.users.create(user, rooms.autoJoinRoomIds());
      if (outcome !== 'created') throw new Error(`fixture could not create ${username}: ${outcome}`);
      return { id: user.id, username };
    },
    close: () => storage.close(),
  };
}

/** Runs `fn` and returns the DomainError code it threw (fails if it did not throw one). */
export async function codeOf(fn: () => Promise<unknown> | unknown): Promise<string> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof Error && error.name === 'DomainError' && 'code' in error) return String(error.code);
    throw error;
  }
  throw new Error('expected a DomainError, but the call succeeded');
}

/** A client message id of the shape the schema accepts. */
export const cmid = (n: number | string) => `cmid-${String(n).padStart(6, '0')}`;

import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { NewMessage, RoomRecord, SessionRecord, Storage, UserRecord } from '../src/storage/storage.js';

/** Records for the storage contract suites, and seeding through the Storage interface only. */

export const T0 = 1_700_000_000_000;

export const user = (username: string, extra: Partial<UserRecord> = {}): UserRecord => ({
  id: randomUUID(),
  username,
  passwordHash: `$argon2id$fake$${username}`,
  createdAt: T0,
  ...extra,
});

export const room = (
  roomName: string | null,
  kind: RoomRecord['kind'] = 'public',
  ownerId: string | null = null,
): RoomRecord => ({
  id: randomUUID(),
  kind,
  name: roomName,
  ownerId,
  lastSeq: 0,
  createdAt: T0,
});

export const dmDraft = (): RoomRecord => room(null, 'dm');

export const message = (
  roomId: string,
  authorId: string,
  clientMessageId: string,
  text = 'hi',
  extra: Partial<NewMessage> = {},
): NewMessage => ({
  id: randomUUID(),
  roomId,
  authorId,
  clientMessageId,
  text,
  createdAt: T0 + 1,
  ...extra,
});

export const session = (userId: string, extra: Partial<SessionRecord> = {}): SessionRecord => ({
  key: randomUUID().replaceAll('-', ''),
  userId,
  createdAt: T0,
  lastSeenAt: T0,
  expiresAt: T0 + 1000,
  ...extra,
});

/** Seeding helpers bound to the store of the current test. */
export function seeders(storage: () => Storage) {
  return {
    async addUser(username: string, autoJoin: readonly string[] = []): Promise<UserRecord> {
      const u = user(username);
      expect(await storage().users.create(u, autoJoin)).toBe('created');
      return u;
    },
    async addRoom(
      roomName: string,
      creatorId: string | null,
      kind: RoomRecord['kind'] = 'public',
    ): Promise<RoomRecord> {
      const r = room(roomName, kind, creatorId);
      expect(await storage().rooms.create(r, creatorId)).toBe('created');
      return r;
    },
  };
}

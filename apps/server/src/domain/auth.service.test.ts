import { DEFAULT_ROOM_NAME, PASSWORD_MAX, USERNAME_MAX } from '@parley/shared-types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeOf } from '../../test/domain-fixture.js';
import { argon2Hasher } from '../security/argon2.hasher.js';
import { openSqliteStorage } from '../storage/sqlite/sqlite.storage.js';
import type { Storage } from '../storage/storage.js';
import { AuthService, sessionKeyOf } from './auth.service.js';
import { ManualClock } from './clock.js';
import { randomId } from './ids.js';
import { RoomsService } from './rooms.service.js';

const MINUTE_MS = 60_000;
const IDLE_MS = 60 * MINUTE_MS;
const ABSOLUTE_MS = 24 * 60 * MINUTE_MS;

describe('AuthService', () => {
  let clock: ManualClock;
  let storage: Storage;
  let rooms: RoomsService;
  let auth: AuthService;

  beforeEach(async () => {
    clock = new ManualClock();
    storage = openSqliteStorage({ filename: ':memory:' });
    rooms = new RoomsService({
      storage,
      clock,
      newId: randomId,
      viewsOf: async (ids) => ids.map(() => ({ state: 'offline' as const })),
    });
    await rooms.ensureDefaultRoom();
    auth = new AuthService({
      storage,
      clock,
      newId: randomId,
      hasher: argon2Hasher(),
      policy: { idleMs: IDLE_MS, absoluteMs: ABSOLUTE_MS },
      autoJoinRoomIds: () => rooms.autoJoinRoomIds(),
    });
  });
  afterEach(() => storage.close());

  describe('registration', () => {
    it('A1: register creates the account, signs it in and joins general (R7)', async () => {
      const signed = await auth.register('alice', 'password1');
      expect(signed.user).toEqual({ id: signed.user.id, username: 'alice' });
      expect(signed.expiresAt).toBe(clock.now() + ABSOLUTE_MS);
      expect(await auth.authenticate(signed.token)).toEqual({ user: signed.user, sessionKey: signed.sessionKey });
      expect((await rooms.list(signed.user.id)).map((r) => r.name)).toEqual([DEFAULT_ROOM_NAME]);
    });

    it('A2: usernames are 3–32 of A–Z a–z 0–9 _ - (invalid_username otherwise)', async () => {
      for (const bad of ['ab', 'a'.repeat(USERNAME_MAX + 1), 'has space', 'bob!', 'héllo', 'dot.name', '', ' alice']) {
        expect(await codeOf(() => auth.register(bad, 'password1')), JSON.stringify(bad)).toBe('invalid_username');
      }
      expect(await storage.users.findByUsername('ab')).toBeNull();
    });

    it('A2: the edges of the username rule are accepted', async () => {
      await auth.register('abc', 'password1');
      await auth.register('A'.repeat(USERNAME_MAX), 'password1');
      await auth.register('under_score-dash9', 'password1');
      expect(await storage.users.findByUsername('under_score-dash9')).not.toBeNull();
    });

    it('A2: usernames are unique regardless of case (username_taken)', async () => {
      await auth.register('Alice', 'password1');
      expect(await codeOf(() => auth.register('alice', 'other-password'))).toBe('username_taken');
      expect(await codeOf(() => auth.register('ALICE', 'other-password'))).toBe('username_taken');
      // The original account is intact and keeps the case it was registered with.
      const signed = await auth.login('aLiCe', 'password1');
      expect(signed.user.username).toBe('Alice');
    });

    it('A3: passwords are 8–1024 code points (invalid_password otherwise), any Unicode', async () => {
      expect(await codeOf(() => auth.register('short', '1234567'))).toBe('invalid_password');
      expect(await codeOf(() => auth.register('long', 'p'.repeat(PASSWORD_MAX + 1)))).toBe('invalid_password');
      // 7 emoji are 14 UTF-16 units but 7 characters: too short.
      expect(await codeOf(() => auth.register('emoji7', '🔑'.repeat(7)))).toBe('invalid_password');
      await auth.register('eight', '12345678');
      await auth.register('emoji8', '🔑'.repeat(8));
      // 1024 emoji are 2048 UTF-16 units but exactly the maximum in characters.
      await auth.register('emojimax', '🔑'.repeat(PASSWORD_MAX));
      expect((await auth.login('emojimax', '🔑'.repeat(PASSWORD_MAX))).user.username).toBe('emojimax');
      expect(await codeOf(() => auth.register('emojiover', '🔑'.repeat(PASSWORD_MAX + 1)))).toBe('invalid_password');
    });

    it('A3: passwords are stored only as argon2id hashes', async () => {
      const signed = await auth.register('alice', 'password1');
      const record = await storage.users.findById(signed.user.id);
      expect(record?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(record?.passwordHash).not.toContain('password1');
    });
  });

  describe('sign-in', () => {
    it('A3: passwords are never trimmed: "password1 " and "password1" are different passwords', async () => {
      await auth.register('alice', 'password1 ');
      expect(await codeOf(() => auth.login('alice', 'password1'))).toBe('invalid_credentials');
      expect((await auth.login('alice', 'password1 ')).user.username).toBe('alice');
      await auth.register('bob', '  padded  ');
      expect(await codeOf(() => auth.login('bob', 'padded  '))).toBe('invalid_credentials');
      expect(await codeOf(() => auth.login('bob', '  padded'))).toBe('invalid_credentials');
      expect((await auth.login('bob', '  padded  ')).user.username).toBe('bob');
    });

    it('A3: passwords are compared in full: 200-character passwords differing only in the last character', async () => {
      const base = 'q'.repeat(199);
      await auth.register('alice', `${base}A`);
      expect(await codeOf(() => auth.login('alice', `${base}B`))).toBe('invalid_credentials');
      expect(await codeOf(() => auth.login('alice', base))).toBe('invalid_credentials');
      expect((await auth.login('alice', `${base}A`)).user.username).toBe('alice');
    });

    it('A3: a composed and a decomposed accent are the same password (NFC)', async () => {
      await auth.register('alice', 'caf\u00e9-password');
      expect((await auth.login('alice', 'cafe\u0301-password')).user.username).toBe('alice');
    });

    it('A4: a wrong password and an unknown username both get invalid_credentials', async () => {
      await auth.register('alice', 'password1');
      expect(await codeOf(() => auth.login('alice', 'password2'))).toBe('invalid_credentials');
      expect(await codeOf(() => auth.login('nobody', 'password1'))).toBe('invalid_credentials');
      // Malformed input cannot match an account either, and says no more than that.
      expect(await codeOf(() => auth.login('no spaces allowed', 'password1'))).toBe('invalid_credentials');
      expect(await codeOf(() => auth.login('alice', 'short'))).toBe('invalid_credentials');
      expect(await codeOf(() => auth.login('alice', 'p'.repeat(PASSWORD_MAX + 1)))).toBe('invalid_credentials');
    });

    it('A5: every sign-in gets a new random 256-bit session id; only its SHA-256 is stored', async () => {
      const registered = await auth.register('alice', 'password1');
      const first = await auth.login('alice', 'password1');
      const second = await auth.login('alice', 'password1');
      const tokens = [registered.token, first.token, second.token];
      expect(new Set(tokens).size).toBe(3);
      for (const token of tokens) {
        expect(Buffer.from(token, 'base64url')).toHaveLength(32);
        expect(await storage.sessions.find(token)).toBeNull();
        expect(await storage.sessions.find(sessionKeyOf(token))).toMatchObject({ userId: registered.user.id });
      }
      expect(first.sessionKey).toBe(sessionKeyOf(first.token));
      expect(first.sessionKey).toMatch(/^[0-9a-f]{64}$/);
    });
  });

  describe('sessions', () => {
    it('A5: an unknown session id authenticates nobody', async () => {
      expect(await auth.authenticate('not-a-session')).toBeNull();
    });

    it('A5: a session unused for the idle period ends', async () => {
      const signed = await auth.register('alice', 'password1');
      clock.advance(IDLE_MS - 1);
      expect(await auth.authenticate(signed.token)).not.toBeNull();
      // That use renewed it, so almost another idle period later it is still valid.
      clock.advance(IDLE_MS - 1);
      expect(await auth.authenticate(signed.token)).not.toBeNull();
      // A full idle period without use ends it, and it is gone from storage.
      clock.advance(IDLE_MS);
      expect(await auth.authenticate(signed.token)).toBeNull();
      expect(await storage.sessions.find(signed.sessionKey)).toBeNull();
    });

    it('A5: a session ends at its absolute lifetime whatever the activity', async () => {
      const signed = await auth.register('alice', 'password1');
      const step = IDLE_MS / 2;
      let elapsed = 0;
      while (elapsed + step < ABSOLUTE_MS) {
        clock.advance(step);
        elapsed += step;
        expect(await auth.authenticate(signed.token), `after ${elapsed} ms`).not.toBeNull();
      }
      clock.advance(ABSOLUTE_MS - elapsed);
      expect(await auth.authenticate(signed.token)).toBeNull();
    });

    it('A7: logout ends that session only; a second logout finds nothing', async () => {
      const one = await auth.register('alice', 'password1');
      const two = await auth.login('alice', 'password1');
      expect(await auth.logout(one.token)).toBe(one.sessionKey);
      expect(await auth.authenticate(one.token)).toBeNull();
      expect(await auth.authenticate(two.token)).not.toBeNull();
      expect(await auth.logout(one.token)).toBeNull();
      expect(await auth.logout('never-issued')).toBeNull();
    });

    it('A5: purgeExpiredSessions removes idle and over-age sessions and keeps live ones', async () => {
      const stale = await auth.register('alice', 'password1');
      clock.advance(IDLE_MS - 10 * MINUTE_MS);
      const fresh = await auth.login('alice', 'password1');
      clock.advance(10 * MINUTE_MS);
      expect(await auth.purgeExpiredSessions()).toBe(1);
      expect(await storage.sessions.find(stale.sessionKey)).toBeNull();
      expect(await storage.sessions.find(fresh.sessionKey)).not.toBeNull();
    });
  });
});

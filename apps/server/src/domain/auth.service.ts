import { createHash, randomBytes } from 'node:crypto';
import { PASSWORD_MAX, PASSWORD_MIN, USERNAME_PATTERN, charCount, type User } from '@parley/shared-types';
import { isStorageRefusal, type Storage } from '../storage/storage.js';
import type { Clock } from './clock.js';
import { DomainError } from './domain-error.js';
import type { IdGenerator } from './ids.js';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export type SessionPolicy = {
  /** A session unused this long ends. */
  idleMs: number;
  /** A session ends this long after sign-in, whatever the activity. */
  absoluteMs: number;
};

export type SignedIn = { user: User; token: string; sessionKey: string; expiresAt: number };
export type Authenticated = { user: User; sessionKey: string };

const USERNAME_RE = new RegExp(USERNAME_PATTERN);
/** How often `last_seen_at` is written for a busy session: one write a minute at most. */
const TOUCH_INTERVAL_MS = 60_000;

/** The database stores only a hash of the session id, so a leaked copy opens nothing. */
export function sessionKeyOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * A UTF-16 surrogate not part of a pair is not text: encoders turn it into U+FFFD, so two
 * different passwords would hash alike (A3 compares in full). Refused outright.
 */
const LONE_SURROGATE = /\p{Cs}/u;

/** A3: the length rule and well-formed text; `invalid_password` otherwise. */
export function checkPassword(password: string): void {
  const length = charCount(password);
  if (length < PASSWORD_MIN || length > PASSWORD_MAX || LONE_SURROGATE.test(password)) {
    throw new DomainError('invalid_password');
  }
}

/**
 * Passwords are normalized to NFC so the same text typed on two keyboards (composed or
 * decomposed accents) is one password, then used whole: never trimmed or truncated.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFC');
}

export class AuthService {
  /** Verified against when the username is unknown, so both failures cost the same. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly deps: {
      storage: Storage;
      hasher: PasswordHasher;
      clock: Clock;
      newId: IdGenerator;
      policy: SessionPolicy;
      /** Rooms every new account joins (the default room). */
      autoJoinRoomIds: () => readonly string[];
    },
  ) {}

  async register(username: string, password: string): Promise<SignedIn> {
    if (!USERNAME_RE.test(username)) throw new DomainError('invalid_username');
    checkPassword(password);
    const { storage, hasher, clock, newId } = this.deps;
    const passwordHash = await hasher.hash(normalizePassword(password));
    const user = { id: newId(), username, passwordHash, createdAt: clock.now() };
    const outcome = await storage.users.create(user, this.deps.autoJoinRoomIds());
    if (outcome === 'username_taken') throw new DomainError('username_taken');
    return this.startSession({ id: user.id, username });
  }

  /**
   * A password that is not well-formed text is refused as such, before any account is
   * looked up: it says nothing about accounts, and no stored password can equal it.
   */
  assertSignInPassword(password: string): void {
    if (LONE_SURROGATE.test(password)) throw new DomainError('invalid_password');
  }

  async login(username: string, password: string): Promise<SignedIn> {
    const { storage, hasher } = this.deps;
    this.assertSignInPassword(password);
    const length = charCount(password);
    const record = USERNAME_RE.test(username) ? await storage.users.findByUsername(username) : null;
    // Out-of-range passwords cannot match any account; still spend the same time.
    const candidate = length >= PASSWORD_MIN && length <= PASSWORD_MAX ? password : '\u0000';
    if (!record) {
      await hasher.verify(await this.getDummyHash(), normalizePassword(candidate));
      throw new DomainError('invalid_credentials');
    }
    const valid = await hasher.verify(record.passwordHash, normalizePassword(candidate));
    if (!valid || candidate !== password) throw new DomainError('invalid_credentials');
    return this.startSession({ id: record.id, username: record.username });
  }

  /** Ends the session; returns its key (to disconnect its sockets) or null if unknown. */
  async logout(token: string): Promise<string | null> {
    const key = sessionKeyOf(token);
    const deleted = await this.deps.storage.sessions.delete(key);
    return deleted ? key : null;
  }

  /** The user behind a session id, or null when unknown, idle too long or past its lifetime. */
  async authenticate(token: string): Promise<Authenticated | null> {
    return this.authenticateKey(sessionKeyOf(token));
  }

  /** The same check by the stored key: how open sockets re-check their session. */
  async authenticateKey(key: string): Promise<Authenticated | null> {
    const { storage, clock, policy } = this.deps;
    const session = await storage.sessions.find(key);
    if (!session) return null;
    const now = clock.now();
    if (now >= session.expiresAt || now - session.lastSeenAt >= policy.idleMs) {
      await storage.sessions.delete(key).catch(unlessStorageRefused);
      return null;
    }
    const user = await storage.users.findById(session.userId);
    if (!user) return null;
    // S8: a store that cannot write still lets its users in to read; the touch comes later.
    if (now - session.lastSeenAt >= TOUCH_INTERVAL_MS)
      await storage.sessions.touch(key, now).catch(unlessStorageRefused);
    return { user: { id: user.id, username: user.username }, sessionKey: key };
  }

  async purgeExpiredSessions(): Promise<number> {
    const now = this.deps.clock.now();
    return this.deps.storage.sessions.deleteExpired(now, now - this.deps.policy.idleMs);
  }

  private async startSession(user: User): Promise<SignedIn> {
    const { storage, clock, policy } = this.deps;
    // 256 random bits, new at every sign-in (no fixation).
    const token = randomBytes(32).toString('base64url');
    const key = sessionKeyOf(token);
    const now = clock.now();
    const expiresAt = now + policy.absoluteMs;
    await storage.sessions.create({ key, userId: user.id, createdAt: now, lastSeenAt: now, expiresAt });
    return { user, token, sessionKey: key, expiresAt };
  }

  /** Computes the dummy hash ahead of the first unknown-user sign-in, so that one costs the same too. */
  async warmUp(): Promise<void> {
    await this.getDummyHash();
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= this.deps.hasher.hash(randomBytes(16).toString('hex'));
    return this.dummyHash;
  }
}

/** Swallows a storage refusal (S8) of a write that can wait; anything else goes on. */
function unlessStorageRefused(error: unknown): void {
  if (!isStorageRefusal(error)) throw error;
}

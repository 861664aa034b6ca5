import type { User } from '@parley/shared-types';
import type { DeletedAccount, Storage } from '../storage/storage.js';
import { checkPassword, normalizePassword, type PasswordHasher } from './auth.service.js';
import type { Clock } from './clock.js';
import { DomainError } from './domain-error.js';

/**
 * A11–A14: what the signed-in person does to their own account. Each check of a password
 * here answers `wrong_password`, not `invalid_credentials`: the person is known, only the
 * password is in question. Budgets for those guesses are the transport's (A9).
 */
export class AccountService {
  constructor(private readonly deps: { storage: Storage; hasher: PasswordHasher; clock: Clock }) {}

  /** A3 for a new password; the transport asks before spending any sign-in budget (A9). */
  assertNewPassword(password: string): void {
    checkPassword(password);
  }

  /**
   * A11: the new password obeys A3 and is checked before the current one, so a refusal for
   * its form costs no guess. Answers the keys of the other sessions it ended.
   */
  async changePassword(
    user: User,
    sessionKey: string,
    currentPassword: string,
    newPassword: string,
  ): Promise<string[]> {
    checkPassword(newPassword);
    await this.verify(user.id, currentPassword);
    const hash = await this.deps.hasher.hash(normalizePassword(newPassword));
    const ended = await this.deps.storage.users.changePassword(user.id, hash, sessionKey);
    // Deleted meanwhile (from another tab): nothing left to change.
    if (ended === null) throw new DomainError('unauthorized');
    return ended;
  }

  /** A12: every session of the person, this one included; their keys. */
  signOutEverywhere(userId: string): Promise<string[]> {
    return this.deps.storage.sessions.deleteForUser(userId);
  }

  /** A13: after the password, the account goes; answers what changed for others. */
  async deleteAccount(user: User, password: string): Promise<DeletedAccount> {
    await this.verify(user.id, password);
    const deleted = await this.deps.storage.users.delete(user.id, this.deps.clock.now());
    if (!deleted) throw new DomainError('unauthorized');
    return deleted;
  }

  /** The stored hash against the password as typed (A3: compared in full, never trimmed). */
  private async verify(userId: string, password: string): Promise<void> {
    const record = await this.deps.storage.users.findById(userId);
    if (!record) throw new DomainError('unauthorized');
    // A password that is not text, or out of A3's range, cannot be the stored one.
    checkPasswordShape(password);
    if (!(await this.deps.hasher.verify(record.passwordHash, normalizePassword(password)))) {
      throw new DomainError('wrong_password');
    }
  }
}

/** Out-of-range or malformed text is no stored password: refused as wrong, without hashing. */
function checkPasswordShape(password: string): void {
  try {
    checkPassword(password);
  } catch {
    throw new DomainError('wrong_password');
  }
}

/**
 * Uniqueness keys computed the same way by every storage implementation, in JavaScript,
 * so SQLite and PostgreSQL (whose lower() differs on some scripts) agree on what
 * "the same name regardless of case" means.
 */
export function caseKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/** One key per pair of users, whatever the order they are given in. */
export function dmKey(userA: string, userB: string): string {
  return userA < userB ? `${userA}:${userB}` : `${userB}:${userA}`;
}

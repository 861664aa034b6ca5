import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares a presented secret with the configured one in time that does not depend on where they differ. */
export function sameSecret(presented: string, expected: string): boolean {
  // Hashing first gives equal lengths, which timingSafeEqual needs.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

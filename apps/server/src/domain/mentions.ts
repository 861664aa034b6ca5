import { MENTIONS_MAX } from '@parley/shared-types';
import { caseKey } from '../storage/keys.js';

/*
 * E6: `@username` written in a message. Not preceded by a letter, digit, `_`, `.` or `-`
 * (so `ann@example.com` mentions nobody), and ending where a username cannot go on.
 * Whether the name is a member of the room is decided where the message is stored.
 */
const MENTION = /(?<![\p{L}\p{N}_.\-@])@([A-Za-z0-9_-]{3,32})(?![A-Za-z0-9_-])/gu;

/** The distinct usernames mentioned in `text`, as case keys, at most MENTIONS_MAX. */
export function mentionKeysOf(text: string): string[] {
  const keys = new Set<string>();
  for (const match of text.matchAll(MENTION)) {
    keys.add(caseKey(match[1]!));
    if (keys.size >= MENTIONS_MAX) break;
  }
  return [...keys];
}

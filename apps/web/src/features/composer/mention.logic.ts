/*
 * E6 in the composer: the `@word` being typed at the caret, the members it may mean, and
 * the text once one is picked. Pure, so the rules are tested without a browser.
 */

/** At most this many suggestions are offered at once. */
export const MAX_SUGGESTIONS = 8;

/** `@` then what is typed so far, right before the caret, not inside a word or an address. */
const AT_CARET = /(?:^|[^\p{L}\p{N}_.\-@])@([A-Za-z0-9_-]{0,32})$/u;

export type MentionQuery = { prefix: string; start: number; end: number };

/** The mention being typed at `caret`, if any: its prefix and where `@prefix` starts and ends. */
export function mentionAt(text: string, caret: number): MentionQuery | null {
  const match = AT_CARET.exec(text.slice(0, caret));
  if (!match) return null;
  const prefix = match[1]!;
  return { prefix, start: caret - prefix.length - 1, end: caret };
}

/** Members whose username begins with `prefix` (any case), by name, without me. */
export function suggestionsFor(prefix: string, usernames: readonly string[], myName: string | undefined): string[] {
  const wanted = prefix.toLowerCase();
  return usernames
    .filter((name) => name !== myName && name.toLowerCase().startsWith(wanted))
    .sort((a, b) => a.localeCompare(b, undefined, { sensitivity: 'base' }))
    .slice(0, MAX_SUGGESTIONS);
}

/** The text with `@prefix` replaced by `@username `, and where the caret goes after it. */
export function insertMention(text: string, query: MentionQuery, username: string): { text: string; caret: number } {
  const inserted = `@${username} `;
  const rest = text.slice(query.end).replace(/^ /, '');
  return { text: text.slice(0, query.start) + inserted + rest, caret: query.start + inserted.length };
}

import { GROUP_MAX_MEMBERS, type RoomSummary, type User } from '@parley/shared-types';

/** G1: people one can pick besides oneself for one conversation. */
export const MAX_PICKED = GROUP_MAX_MEMBERS - 1;
/** Options shown at once: enough to scroll through, few enough to read. */
export const OPTIONS_MAX = 50;

/** A username's sort key, as the server's (case ignored, then code units): usernames are ASCII (A2). */
const keyOf = (username: string) => username.toLowerCase();
const byKey = (a: string, b: string) => {
  const [ka, kb] = [keyOf(a), keyOf(b)];
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

/**
 * The People combobox's options for what was typed: people not excluded (picked already,
 * or in the conversation), those whose name starts with it first, then those containing
 * it; a leading `@` is ignored, as is case.
 */
export function peopleOptions(people: readonly User[], typed: string, excluded: ReadonlySet<string>): User[] {
  const query = keyOf(typed.trim().replace(/^@/, ''));
  const open = people.filter((p) => !excluded.has(p.id));
  const starts = open.filter((p) => keyOf(p.username).startsWith(query));
  const contains = query
    ? open.filter((p) => !keyOf(p.username).startsWith(query) && keyOf(p.username).includes(query))
    : [];
  return [...starts, ...contains].slice(0, OPTIONS_MAX);
}

/** G2: what a group of me and `others` is called for me: their names sorted ignoring case, comma-separated. */
export function groupNameOf(others: readonly Pick<User, 'username'>[]): string {
  return others
    .map((p) => p.username)
    .sort(byKey)
    .join(', ');
}

/**
 * The conversation I already have with exactly these people, if any: the DM with one
 * person, or the group whose other members they are (a group's name lists them all, and
 * usernames are unique, so the name says who is in it).
 */
export function existingConversation(rooms: Readonly<Record<string, RoomSummary>>, others: readonly User[]) {
  const all = Object.values(rooms);
  if (others.length === 1) return all.find((r) => r.kind === 'dm' && r.peer?.id === others[0]!.id);
  const name = groupNameOf(others);
  return all.find((r) => r.kind === 'group' && r.name === name);
}

import type { TypingEvent } from '@parley/shared-types';

/** Someone typing in a room, as this client last heard. */
export type Typer = TypingEvent & {
  /** When this typing run began; orders the names. */
  startedAt: number;
  /** When typing:started was last heard; drives expiry. */
  lastHeard: number;
};

export type Typers = Record<string, Typer>;

export function typerKey(roomId: string, userId: string): string {
  return `${roomId}\u0000${userId}`;
}

/** Adds or refreshes a typer; the start time of a run survives refreshes. */
export function addTyper(typers: Typers, event: TypingEvent, now: number): Typers {
  const key = typerKey(event.roomId, event.userId);
  const existing = typers[key];
  const startedAt = existing?.startedAt ?? now;
  return { ...typers, [key]: { ...event, startedAt, lastHeard: now } };
}

/** Drops typers not heard about for `ttlMs`; returns `typers` itself when none expired. */
export function pruneTypers(typers: Typers, now: number, ttlMs: number): Typers {
  const kept = Object.entries(typers).filter(([, t]) => now - t.lastHeard < ttlMs);
  return kept.length === Object.keys(typers).length ? typers : Object.fromEntries(kept);
}

/** Names of the room's typers, in the order they started typing. */
export function typingNames(typers: Typers, roomId: string): string[] {
  return Object.values(typers)
    .filter((t) => t.roomId === roomId)
    .sort((a, b) => a.startedAt - b.startedAt)
    .map((t) => t.username);
}

/** The typing line; empty when nobody types. Uses the real ellipsis (U+2026). */
export function typingText(names: readonly string[]): string {
  const [first, second] = names;
  if (first === undefined) return '';
  if (second === undefined) return `${first} is typing…`;
  if (names.length === 2) return `${first} and ${second} are typing…`;
  return 'Several people are typing…';
}

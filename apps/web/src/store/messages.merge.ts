import type { HistoryPage, Message } from '@parley/shared-types';

/**
 * What the app holds of one room's history, and how far it is known to be whole.
 *
 * `cursor` is the resume cursor of S2: the newest seq held without a gap, counted from
 * the newest page that was loaded. Seqs are gapless per room (S1), so a message with
 * seq = cursor + 1 extends the run; one further ahead is kept and shown, but the cursor
 * stays put until the hole below it is filled (by sync:changes or a gap fill). A
 * reconnect sends the cursor and the server replays exactly what is missing, which is
 * why a disconnect needs no "stale" marking any more.
 */
export type RoomTimeline = {
  /** Ascending by seq, unique by id. */
  messages: Message[];
  /** Older messages exist before messages[0] on the server. */
  hasMore: boolean;
  /** The newest page has been applied since the last reset (until then, "loading"). */
  loaded: boolean;
  loadingOlder: boolean;
  /** Newest seq held without a gap; null until loaded (rooms never loaded send none). */
  cursor: number | null;
};

export const EMPTY_TIMELINE: RoomTimeline = {
  messages: [],
  hasMore: false,
  loaded: false,
  loadingOlder: false,
  cursor: null,
};

/**
 * Unions two ascending runs, deduplicating by id. Returns `base` itself when `extra`
 * adds nothing, so subscribers see no change.
 */
export function mergeMessages(base: Message[], extra: Message[]): Message[] {
  if (extra.length === 0) return base;
  const known = new Set(base.map((m) => m.id));
  const fresh = extra.filter((m) => !known.has(m.id));
  if (fresh.length === 0) return base;
  const seen = new Set<string>();
  return [...base, ...fresh]
    .filter((m) => (seen.has(m.id) ? false : (seen.add(m.id), true)))
    .sort((a, b) => a.seq - b.seq);
}

/** Walks `cursor` up through `messages` (ascending) while each next seq is cursor + 1. */
export function advanceCursor(cursor: number, messages: readonly Message[]): number {
  let next = cursor;
  for (const message of messages) {
    if (message.seq <= next) continue;
    if (message.seq !== next + 1) break;
    next = message.seq;
  }
  return next;
}

/**
 * Messages that arrived on their own: live (message:created, a send ack), replayed
 * (sync:changes) or fetched to fill a hole. Merged by id in seq order; the cursor
 * advances only as far as the run stays gapless.
 */
export function insertMessages(timeline: RoomTimeline, incoming: readonly Message[]): RoomTimeline {
  const oldest = timeline.messages[0];
  // Below the oldest held message while older ones exist on the server (e.g. a resend of
  // an old message answered with its original, M3): showing it would hide a hole that
  // "Load older messages" could then never fill. That button brings it in its place.
  const usable =
    oldest && timeline.hasMore ? incoming.filter((m) => m.seq >= oldest.seq) : [...incoming];
  const messages = mergeMessages(timeline.messages, usable);
  if (messages === timeline.messages) return timeline;
  const cursor = timeline.cursor === null ? null : advanceCursor(timeline.cursor, messages);
  return { ...timeline, messages, cursor };
}

/**
 * The newest page (on first opening a room, or after a reset). A page is a gapless run
 * ending at the room's newest seq when it was read, so it sets the cursor. If it joins
 * what we hold, everything is kept; if not (a hole below it, or the room was never
 * loaded and only live messages are held), older held messages are dropped rather than
 * shown with a gap: "Load older messages" fetches them back in order.
 */
export function applyNewestPage(timeline: RoomTimeline, page: HistoryPage): RoomTimeline {
  const loaded = { ...timeline, loaded: true };
  const first = page.messages[0];
  const last = page.messages.at(-1);
  if (!first || !last) {
    // The room is empty on the server; keep live messages that raced the answer.
    return { ...loaded, hasMore: false, cursor: advanceCursor(0, timeline.messages) };
  }
  const held = timeline.messages;
  const joins = timeline.cursor !== null && first.seq <= timeline.cursor + 1;
  if (!joins) {
    const notOlder = held.filter((m) => m.seq >= first.seq);
    const messages = mergeMessages(page.messages, notOlder);
    return { ...loaded, messages, hasMore: page.hasMore, cursor: advanceCursor(last.seq, messages) };
  }
  const messages = mergeMessages(held, page.messages);
  const oldestHeld = held[0];
  return {
    ...loaded,
    messages,
    // Whoever provides the oldest message knows whether anything is older.
    hasMore: !oldestHeld || first.seq < oldestHeld.seq ? page.hasMore : timeline.hasMore,
    cursor: advanceCursor(Math.max(timeline.cursor ?? 0, last.seq), messages),
  };
}

/**
 * Applies an older page fetched with `before`. Ignored (null) when the run changed
 * meanwhile (a reset replaced it), since the page would then not join it.
 */
export function applyOlderPage(
  timeline: RoomTimeline,
  page: HistoryPage,
  before: number,
): RoomTimeline | null {
  if (timeline.messages[0]?.seq !== before) return null;
  return {
    ...timeline,
    messages: mergeMessages(timeline.messages, page.messages),
    hasMore: page.hasMore,
    loadingOlder: false,
  };
}

/** The seqs missing between the cursor and the next held message, if any. */
export function findHole(timeline: RoomTimeline): { from: number; to: number } | null {
  const { cursor } = timeline;
  if (cursor === null) return null;
  const next = timeline.messages.find((m) => m.seq > cursor);
  return next ? { from: cursor + 1, to: next.seq - 1 } : null;
}

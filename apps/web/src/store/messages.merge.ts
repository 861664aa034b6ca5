import type { HistoryPage, Message } from '@parley/shared-types';

/**
 * What the app holds of one room's history: a run of messages with no hole in it.
 * While connected every message:created of my rooms arrives, so the run stays whole;
 * a disconnect makes it `stale`: whatever came meanwhile is unknown until the newest
 * page is fetched again.
 */
export type RoomTimeline = {
  /** Ascending by seq, unique by id. */
  messages: Message[];
  /** Older messages exist before messages[0] on the server. */
  hasMore: boolean;
  /** The newest page has been fetched at least once (until then, "loading"). */
  loaded: boolean;
  loadingOlder: boolean;
  /** A disconnect happened since the last newest page. */
  stale: boolean;
  /** Newest seq held when the timeline went stale: known whole up to here. */
  staleAfterSeq: number | null;
};

export const EMPTY_TIMELINE: RoomTimeline = {
  messages: [],
  hasMore: false,
  loaded: false,
  loadingOlder: false,
  stale: false,
  staleAfterSeq: null,
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

/** A live message (message:created or a send ack) joins its room's run. */
export function insertMessage(timeline: RoomTimeline, message: Message): RoomTimeline {
  const messages = mergeMessages(timeline.messages, [message]);
  return messages === timeline.messages ? timeline : { ...timeline, messages };
}

/** The connection dropped: mark the run so the next newest page can spot a hole. */
export function markStale(timeline: RoomTimeline): RoomTimeline {
  // Already stale: the older boundary is the one still known to be whole.
  if (timeline.stale) return timeline;
  return { ...timeline, stale: true, staleAfterSeq: timeline.messages.at(-1)?.seq ?? null };
}

/**
 * Applies the newest page (on open and on every reconnect). If we were disconnected and
 * the page does not reach back to what we knew, while older messages exist, there may
 * be a hole we cannot see: the messages before the page are dropped rather than shown
 * with a gap ("Load older" fetches them back). Newer live messages are always kept.
 */
export function applyNewestPage(timeline: RoomTimeline, page: HistoryPage): RoomTimeline {
  const synced = { ...timeline, loaded: true, stale: false, staleAfterSeq: null };
  const first = page.messages[0];
  if (!first) {
    // The server holds no messages at all; keep live ones that raced the answer.
    return { ...synced, hasMore: false };
  }
  const held = timeline.messages;
  const boundary = timeline.stale ? timeline.staleAfterSeq : null;
  const mayHaveHole = page.hasMore && boundary !== null && boundary < first.seq;
  if (held.length === 0 || mayHaveHole) {
    const notOlder = held.filter((m) => m.seq >= first.seq);
    return { ...synced, messages: mergeMessages(page.messages, notOlder), hasMore: page.hasMore };
  }
  const oldestHeld = held[0]!;
  return {
    ...synced,
    messages: mergeMessages(held, page.messages),
    // Whoever provides the oldest message knows whether anything is older; live-only
    // runs (never loaded) cannot tell, so they trust the page.
    hasMore: first.seq < oldestHeld.seq || !timeline.loaded ? page.hasMore : timeline.hasMore,
  };
}

/**
 * Applies an older page fetched with `before`. Ignored (null) when the run changed
 * meanwhile (a reconnect replaced it), since the page would then not join it.
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

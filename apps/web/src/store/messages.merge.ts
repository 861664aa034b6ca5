import type { HistoryPage, Message } from '@parley/shared-types';

/** What the app holds of one room's history: a contiguous run of the newest messages. */
export type RoomTimeline = {
  /** Ascending by seq, unique by id. */
  messages: Message[];
  /** Older messages exist before messages[0] on the server. */
  hasMore: boolean;
  /** The newest page has been fetched at least once (until then, "loading"). */
  loaded: boolean;
  loadingOlder: boolean;
};

export const EMPTY_TIMELINE: RoomTimeline = {
  messages: [],
  hasMore: false,
  loaded: false,
  loadingOlder: false,
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

/**
 * Applies the newest page (on open and on every reconnect). If the page does not reach
 * back to what we hold and older messages exist, there may be a hole we cannot see (we
 * were away for more than a page): the held run is dropped rather than shown with a gap.
 * "Load older" fetches it back.
 */
export function applyNewestPage(timeline: RoomTimeline, page: HistoryPage): RoomTimeline {
  const first = page.messages[0];
  if (!first) {
    // The server holds no messages at all; keep live ones that raced the answer.
    return { ...timeline, loaded: true, hasMore: false };
  }
  const held = timeline.messages;
  const newestHeld = held.at(-1);
  const mayHaveGap = page.hasMore && newestHeld !== undefined && newestHeld.seq < first.seq;
  if (held.length === 0 || mayHaveGap) {
    // Live messages newer than the page (arrived while it was in flight) are kept.
    const newer = held.filter((m) => m.seq > (page.messages.at(-1)?.seq ?? 0));
    return {
      ...timeline,
      messages: mergeMessages(page.messages, newer),
      hasMore: page.hasMore,
      loaded: true,
    };
  }
  const oldestHeld = held[0]!;
  return {
    ...timeline,
    messages: mergeMessages(held, page.messages),
    // Whoever now provides the oldest message knows whether anything is older.
    hasMore: first.seq < oldestHeld.seq ? page.hasMore : timeline.hasMore,
    loaded: true,
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

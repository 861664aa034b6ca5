import { versionOf, type HistoryPage, type Message } from '@parley/shared-types';

/**
 * What the app holds of one room: its messages as they are now, and how far its change
 * log (SPEC S1) is known without a gap.
 *
 * `messages` are views (E5), one per id, ascending by seq; a newer view of a message
 * (higher version) replaces an older one, never the reverse. `cursor` is the resume cursor
 * of S2 and is kept apart from the messages: every change takes a seq (creations, edits,
 * deletions, reactions), so the cursor walks the change seqs that were applied, not the
 * message seqs. `ahead` holds the change seqs applied above a hole; the cursor moves once
 * the hole is filled (by sync:changes or message:changes).
 */
export type RoomTimeline = {
  /** Ascending by seq, unique by id, each the newest view seen. */
  messages: Message[];
  /** Older messages exist before messages[0] on the server. */
  hasMore: boolean;
  /** The newest page has been applied since the last reset (until then, "loading"). */
  loaded: boolean;
  loadingOlder: boolean;
  /** Newest change seq applied without a gap; null until loaded (rooms never loaded send none). */
  cursor: number | null;
  /** Change seqs applied above `cursor + 1`, ascending. */
  ahead: number[];
};

export const EMPTY_TIMELINE: RoomTimeline = {
  messages: [],
  hasMore: false,
  loaded: false,
  loadingOlder: false,
  cursor: null,
  ahead: [],
};

/** Index of the message with `seq` in an ascending run, or where it would go. */
function indexOfSeq(messages: readonly Message[], seq: number): number {
  let lo = 0;
  let hi = messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (messages[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Puts each view in its place: a newer version of a held message replaces it, a message
 * not held goes in by seq. Returns `base` itself when nothing changed, so subscribers see
 * no change. `accept` may refuse a message that is not held (it would leave a hole).
 */
export function upsertViews(
  base: Message[],
  views: readonly Message[],
  accept: (view: Message) => boolean = () => true,
): Message[] {
  let out = base;
  for (const view of views) {
    const at = indexOfSeq(out, view.seq);
    const held = out[at];
    if (held && held.seq === view.seq) {
      if (held.id !== view.id || versionOf(view) <= versionOf(held)) continue;
      if (out === base) out = [...base];
      out[at] = view;
    } else if (accept(view)) {
      if (out === base) out = [...base];
      out.splice(at, 0, view);
    }
  }
  return out;
}

/** Moves `cursor` up through `ahead` while each next seq follows on; returns both. */
export function advanceCursor(cursor: number, ahead: readonly number[]): { cursor: number; ahead: number[] } {
  let next = cursor;
  let i = 0;
  while (i < ahead.length && ahead[i]! <= next + 1) {
    next = Math.max(next, ahead[i]!);
    i++;
  }
  return { cursor: next, ahead: ahead.slice(i) };
}

/** `ahead` with `seqs` added (those above `floor`), ascending and unique. */
function withSeen(ahead: readonly number[], seqs: readonly number[], floor: number): number[] {
  const fresh = seqs.filter((s) => s > floor && !ahead.includes(s));
  if (fresh.length === 0) return ahead as number[];
  return [...ahead, ...fresh].sort((a, b) => a - b);
}

/**
 * The one way changes enter a timeline, whatever carried them: a send's ack, a live
 * message:created or message:changed, a resume's sync:changes, a fetched hole. `views`
 * are messages as they are after the changes; `seqs` the change seqs they account for
 * (none for an ack that cannot tell whether anything changed).
 */
export function applyChanges(
  timeline: RoomTimeline,
  views: readonly Message[],
  seqs: readonly number[] = [],
): RoomTimeline {
  const oldest = timeline.messages[0];
  // Below the oldest held message while older ones exist on the server: showing it would
  // hide a hole that "Load older messages" could then never fill. That button brings it
  // (as it is then) in its place; its change seq still counts as applied.
  const accept = (view: Message) => !(oldest && timeline.hasMore && view.seq < oldest.seq);
  const messages = upsertViews(timeline.messages, views, accept);
  const floor = timeline.cursor ?? 0;
  const seen = withSeen(timeline.ahead, seqs, floor);
  const moved = timeline.cursor === null ? { cursor: null, ahead: seen } : advanceCursor(timeline.cursor, seen);
  if (
    messages === timeline.messages &&
    moved.cursor === timeline.cursor &&
    moved.ahead.length === timeline.ahead.length
  ) {
    return timeline;
  }
  return { ...timeline, messages, cursor: moved.cursor, ahead: moved.ahead };
}

/**
 * The newest page (on first opening a room, or after a reset). It reflects every change
 * up to `page.lastSeq`, which becomes the cursor (then moves on through changes already
 * applied above it). Held messages older than the page are dropped when the page is
 * news (changes happened since what we hold, and could have touched them): "Load older
 * messages" brings them back as they are now.
 */
export function applyNewestPage(timeline: RoomTimeline, page: HistoryPage): RoomTimeline {
  const loaded = { ...timeline, loaded: true };
  if (timeline.cursor !== null && page.lastSeq <= timeline.cursor) {
    // Nothing we have not seen: only newer views of what we hold.
    return { ...loaded, messages: upsertViews(timeline.messages, page.messages, () => false) };
  }
  const first = page.messages[0];
  const kept = first ? timeline.messages.filter((m) => m.seq >= first.seq) : timeline.messages;
  const messages = upsertViews(page.messages, kept);
  const moved = advanceCursor(
    page.lastSeq,
    timeline.ahead.filter((s) => s > page.lastSeq),
  );
  // Nothing older than the page is kept, so the page knows whether anything is older.
  return { ...loaded, messages, hasMore: page.hasMore, cursor: moved.cursor, ahead: moved.ahead };
}

/**
 * Applies an older page fetched with `before`. Ignored (null) when the run changed
 * meanwhile (a reset replaced it), since the page would then not join it.
 */
export function applyOlderPage(timeline: RoomTimeline, page: HistoryPage, before: number): RoomTimeline | null {
  if (timeline.messages[0]?.seq !== before) return null;
  return {
    ...timeline,
    messages: upsertViews(timeline.messages, page.messages),
    hasMore: page.hasMore,
    loadingOlder: false,
  };
}

/** The change seqs missing between the cursor and the first one applied above it, if any. */
export function findHole(timeline: RoomTimeline): { from: number; to: number } | null {
  const { cursor } = timeline;
  const next = timeline.ahead[0];
  if (cursor === null || next === undefined) return null;
  return { from: cursor + 1, to: next - 1 };
}

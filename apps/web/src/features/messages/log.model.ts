import type { Message } from '@parley/shared-types';
import type { OutboxEntry } from '../../store/outbox.slice';

/*
 * What the virtualized Messages log renders, and how it keeps its place. Pure, so the
 * rules are tested without a browser; MessageLog.tsx only wires them to react-virtuoso.
 */

/** Messages by one author this close together are shown as one block. */
export const GROUP_GAP_MS = 5 * 60_000;

export type LogItem =
  | { kind: 'stored'; key: string; message: Message; mine: boolean; continued: boolean }
  | { kind: 'pending'; key: string; entry: OutboxEntry };

/**
 * Stored messages (ascending by seq) then my pending ones (in the order written). Keys
 * are stable across updates: a stored message by id, a pending one by clientMessageId.
 */
export function buildLogItems(
  messages: readonly Message[],
  pending: readonly OutboxEntry[],
  myId: string | undefined,
): LogItem[] {
  const items: LogItem[] = new Array(messages.length + pending.length);
  let prev: Message | undefined;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    const continued =
      prev !== undefined && prev.authorId === message.authorId && message.createdAt - prev.createdAt < GROUP_GAP_MS;
    items[i] = { kind: 'stored', key: `m:${message.id}`, message, mine: message.authorId === myId, continued };
    prev = message;
  }
  for (let j = 0; j < pending.length; j++) {
    const entry = pending[j]!;
    items[messages.length + j] = { kind: 'pending', key: `p:${entry.clientMessageId}`, entry };
  }
  return items;
}

/*
 * Keeping the place when older pages come in. react-virtuoso keeps the scroll position
 * when `firstItemIndex` goes down by exactly the number of items put in front. The
 * index is counted from an anchor, a seq fixed when the first messages show:
 * BASE − (number of held messages older than the anchor). Appending leaves it alone;
 * a page put in front lowers it by the page's length. When the held run loses what was
 * in front of the anchor (a reset, S3, or a newest page that does not join), the list
 * starts over: a new generation, which remounts the list.
 */
export const FIRST_INDEX_BASE = 1_000_000_000;

export type LogAnchor = { seq: number | null; generation: number };

export const INITIAL_ANCHOR: LogAnchor = { seq: null, generation: 0 };

/** The anchor for `messages`; `prev` itself when it still holds. */
export function nextAnchor(prev: LogAnchor, messages: readonly Message[]): LogAnchor {
  const first = messages[0];
  if (!first) return prev.seq === null ? prev : { seq: null, generation: prev.generation + 1 };
  if (prev.seq === null) return { seq: first.seq, generation: prev.generation };
  if (first.seq > prev.seq) return { seq: first.seq, generation: prev.generation + 1 };
  return prev;
}

/** How many of `messages` (ascending by seq) have a seq below `seq`: a binary search. */
export function countBelow(messages: readonly Message[], seq: number): number {
  let lo = 0;
  let hi = messages.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (messages[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function firstItemIndex(anchor: LogAnchor, messages: readonly Message[]): number {
  return anchor.seq === null ? FIRST_INDEX_BASE : FIRST_INDEX_BASE - countBelow(messages, anchor.seq);
}

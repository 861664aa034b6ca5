import type { Message, User } from '@parley/shared-types';
import { isOperation, targets, withPendingOps } from '../../store/outbox.overlay';
import type { OutboxEntry } from '../../store/outbox.slice';

/*
 * What the virtualized Messages log renders, and how it keeps its place. Pure, so the
 * rules are tested without a browser; MessageLog.tsx only wires them to react-virtuoso.
 */

/** Messages by one author this close together are shown as one block. */
export const GROUP_GAP_MS = 5 * 60_000;

export type LogItem =
  /**
   * `busy`: an edit, deletion or reaction of mine about it is still in the outbox. `day`:
   * set on the first message of a day (local time), which shows that day's separator.
   */
  | {
      kind: 'stored';
      key: string;
      message: Message;
      mine: boolean;
      continued: boolean;
      busy: boolean;
      day: DayKey | null;
    }
  | { kind: 'pending'; key: string; entry: OutboxEntry; view: Message; day: DayKey | null }
  /** U4: above the first unread message when the room was opened. */
  | { kind: 'divider'; key: string };

export const DIVIDER_KEY = 'new-messages';

/** A calendar day in local time, as `YYYY-MM-DD`. */
export type DayKey = string;

export function dayKeyOf(ms: number): DayKey {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const fullDay = new Intl.DateTimeFormat(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' });

/** A day separator's name: `Today`, `Yesterday`, or the date in the reader's locale. */
export function dayLabel(day: DayKey, now: number): string {
  if (day === dayKeyOf(now)) return 'Today';
  const yesterday = new Date(now);
  yesterday.setDate(yesterday.getDate() - 1);
  if (day === dayKeyOf(yesterday.getTime())) return 'Yesterday';
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return fullDay.format(new Date(y, m - 1, d));
}

/** A message of mine still in the outbox, as a message (for its reactions and replies to it). */
function pendingView(entry: OutboxEntry, me: User | null): Message {
  return {
    id: `pending:${entry.clientMessageId}`,
    roomId: entry.roomId,
    seq: Number.MAX_SAFE_INTEGER,
    authorId: me?.id ?? '',
    authorName: me?.username ?? '',
    clientMessageId: entry.clientMessageId,
    text: entry.text,
    createdAt: entry.queuedAt,
    ...(entry.attachments ? { attachments: entry.attachments } : {}),
  };
}

/**
 * Stored messages (ascending by seq) then my pending ones (in the order written), with my
 * queued operations shown on them, and the "New messages" divider before the first
 * message by someone else after `unreadAfter` (my marker when the room was opened). Keys
 * are stable across updates: a stored message by id, a pending one by clientMessageId.
 */
export function buildLogItems(
  messages: readonly Message[],
  outbox: readonly OutboxEntry[],
  me: User | null,
  unreadAfter: number | null = null,
): LogItem[] {
  const ops = outbox.filter(isOperation);
  const sends = outbox.filter((e) => !isOperation(e));
  const myId = me?.id;
  const items: LogItem[] = [];
  let prev: Message | undefined;
  let divided = unreadAfter === null;
  let lastDay: DayKey | null = null;
  /** The day of a message when it starts a new one, else null. */
  const newDay = (ms: number): DayKey | null => {
    const day = dayKeyOf(ms);
    if (day === lastDay) return null;
    lastDay = day;
    return day;
  };
  for (const stored of messages) {
    const { message, busy } = me && ops.length > 0 ? withPendingOps(stored, ops, me) : { message: stored, busy: false };
    if (!divided && message.seq > unreadAfter! && message.authorId !== myId && message.deletedAt === undefined) {
      items.push({ kind: 'divider', key: DIVIDER_KEY });
      divided = true;
      prev = undefined;
    }
    const day = newDay(message.createdAt);
    // A new day starts a new block, like the divider does.
    const continued =
      day === null &&
      prev !== undefined &&
      prev.authorId === message.authorId &&
      message.createdAt - prev.createdAt < GROUP_GAP_MS;
    items.push({
      kind: 'stored',
      key: `m:${message.id}`,
      message,
      mine: message.authorId === myId,
      continued,
      busy,
      day,
    });
    prev = message;
  }
  for (const entry of sends) {
    const base = pendingView(entry, me);
    const view = me && ops.some((op) => targets(op.target, base, me.id)) ? withPendingOps(base, ops, me).message : base;
    items.push({ kind: 'pending', key: `p:${entry.clientMessageId}`, entry, view, day: newDay(view.createdAt) });
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

/** The index the anchor's item must keep: BASE − the items in front of it (older messages, and the divider when it is there). */
export function firstItemIndex(anchor: LogAnchor, messages: readonly Message[], dividerBeforeAnchor = false): number {
  if (anchor.seq === null) return FIRST_INDEX_BASE;
  return FIRST_INDEX_BASE - countBelow(messages, anchor.seq) - (dividerBeforeAnchor ? 1 : 0);
}

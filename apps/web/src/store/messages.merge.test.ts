import type { HistoryPage, Message } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import {
  advanceCursor,
  applyNewestPage,
  applyOlderPage,
  EMPTY_TIMELINE,
  findHole,
  insertMessages,
  mergeMessages,
  type RoomTimeline,
} from './messages.merge';

const ROOM = 'room1';

function msg(seq: number, id = `m${seq}`): Message {
  return {
    id,
    roomId: ROOM,
    seq,
    authorId: 'u1',
    authorName: 'alice',
    clientMessageId: `client-${id}`,
    text: `text ${seq}`,
    createdAt: 1_700_000_000_000 + seq,
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const page = (seqs: number[], hasMore: boolean): HistoryPage => ({
  roomId: ROOM,
  messages: seqs.map((s) => msg(s)),
  hasMore,
  lastSeq: seqs.at(-1) ?? 0,
});

/** A loaded timeline holding `seqs`, its cursor at the last of them. */
const loaded = (seqs: number[], hasMore = false): RoomTimeline =>
  applyNewestPage(EMPTY_TIMELINE, page(seqs, hasMore));

const seqsOf = (t: RoomTimeline) => t.messages.map((m) => m.seq);
const live = (t: RoomTimeline, ...seqs: number[]) => seqs.reduce((acc, s) => insertMessages(acc, [msg(s)]), t);

describe('mergeMessages', () => {
  it('unions two runs sorted by seq without duplicating ids', () => {
    const merged = mergeMessages([msg(1), msg(3)], [msg(3), msg(2), msg(4)]);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('returns the same array when nothing is new, so subscribers see no change', () => {
    const base = [msg(1), msg(2)];
    expect(mergeMessages(base, [msg(2)])).toBe(base);
    expect(mergeMessages(base, [])).toBe(base);
  });

  it('dedupes by id even when the copies differ', () => {
    const merged = mergeMessages([msg(5, 'same')], [{ ...msg(5, 'same'), text: 'other' }]);
    expect(merged).toHaveLength(1);
  });
});

describe('advanceCursor', () => {
  it('walks through consecutive seqs and stops at the first hole', () => {
    expect(advanceCursor(3, [msg(1), msg(4), msg(5), msg(7)])).toBe(5);
    expect(advanceCursor(0, [])).toBe(0);
    expect(advanceCursor(2, [msg(5)])).toBe(2);
  });
});

describe('S2: the resume cursor', () => {
  it('is null before the newest page and the last seq of the page after it', () => {
    expect(EMPTY_TIMELINE.cursor).toBeNull();
    const t = loaded([4, 5, 6], true);
    expect(t.cursor).toBe(6);
    expect(t.loaded).toBe(true);
  });

  it('is 0 for a room the server reports empty', () => {
    expect(loaded([]).cursor).toBe(0);
  });

  it('a live message with seq = cursor + 1 advances it', () => {
    const t = live(loaded([1, 2]), 3);
    expect(t.cursor).toBe(3);
    expect(seqsOf(t)).toEqual([1, 2, 3]);
  });

  it('a message further ahead is kept and shown but leaves the cursor until the hole is filled', () => {
    const t = live(loaded([1, 2]), 5);
    expect(seqsOf(t)).toEqual([1, 2, 5]);
    expect(t.cursor).toBe(2);
    expect(findHole(t)).toEqual({ from: 3, to: 4 });

    const partly = insertMessages(t, [msg(3)]);
    expect(partly.cursor).toBe(3);
    expect(findHole(partly)).toEqual({ from: 4, to: 4 });

    const whole = insertMessages(partly, [msg(4)]);
    expect(whole.cursor).toBe(5);
    expect(findHole(whole)).toBeNull();
  });

  it('sync:changes overlapping live events merge by id, in seq order, and advance the cursor', () => {
    // Cursor 2 sent; live 5 and 6 arrived before the replay 3..6.
    const t = insertMessages(live(loaded([1, 2]), 5, 6), [3, 4, 5, 6].map((s) => msg(s)));
    expect(seqsOf(t)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.cursor).toBe(6);
  });

  it('a repeat changes nothing (same object)', () => {
    const t = live(loaded([1, 2]), 3);
    expect(insertMessages(t, [msg(3), msg(2)])).toBe(t);
  });

  it('a room never loaded has no cursor, whatever arrives live', () => {
    const t = live(EMPTY_TIMELINE, 40, 41);
    expect(t.cursor).toBeNull();
    expect(seqsOf(t)).toEqual([40, 41]);
  });

  it('a live message below the held run, while older ones exist, is not shown (no hidden hole)', () => {
    const t = loaded([51, 52], true);
    expect(insertMessages(t, [msg(30)])).toBe(t);
    // Without older messages on the server it is simply the oldest.
    expect(seqsOf(insertMessages(loaded([2, 3]), [msg(1)]))).toEqual([1, 2, 3]);
  });
});

describe('applyNewestPage', () => {
  it('fills an empty timeline and marks it loaded', () => {
    const t = applyNewestPage(EMPTY_TIMELINE, page([4, 5, 6], true));
    expect(seqsOf(t)).toEqual([4, 5, 6]);
    expect(t.hasMore).toBe(true);
  });

  it('a page joining the held run keeps the older history and advances the cursor', () => {
    const t = applyNewestPage(loaded([1, 2, 3, 4]), page([3, 4, 5, 6], true));
    expect(seqsOf(t)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.cursor).toBe(6);
    // Our run still starts at seq 1, which had nothing older.
    expect(t.hasMore).toBe(false);
  });

  it('a page leaving a hole above the held run replaces the older run', () => {
    const t = applyNewestPage(loaded([1, 2]), page([60, 61], true));
    expect(seqsOf(t)).toEqual([60, 61]);
    expect(t.hasMore).toBe(true);
    expect(t.cursor).toBe(61);
  });

  it('for a room never loaded, drops live messages older than the page, keeps newer ones', () => {
    const held = live(EMPTY_TIMELINE, 40, 41, 62, 64);
    const t = applyNewestPage(held, page([60, 61], true));
    expect(seqsOf(t)).toEqual([60, 61, 62, 64]);
    expect(t.cursor).toBe(62);
  });

  it('keeps live messages that raced the answer of an empty room, and counts them', () => {
    const t = applyNewestPage(live(EMPTY_TIMELINE, 1), page([], false));
    expect(seqsOf(t)).toEqual([1]);
    expect(t.loaded).toBe(true);
    expect(t.cursor).toBe(1);
  });

  it('S3: after a reset (empty timeline) the newest page starts over, even below the old cursor', () => {
    const t = applyNewestPage(EMPTY_TIMELINE, page(range(1, 3), false));
    expect(t.cursor).toBe(3);
  });
});

describe('applyOlderPage', () => {
  it('prepends the older page and takes its hasMore, leaving the cursor', () => {
    const base = { ...loaded([51, 52], true), loadingOlder: true };
    const t = applyOlderPage(base, page([49, 50], false), 51);
    expect(t && seqsOf(t)).toEqual([49, 50, 51, 52]);
    expect(t?.hasMore).toBe(false);
    expect(t?.loadingOlder).toBe(false);
    expect(t?.cursor).toBe(52);
  });

  it('ignores a page whose boundary no longer matches the held run', () => {
    expect(applyOlderPage(loaded([60, 61], true), page([49, 50], true), 51)).toBeNull();
  });
});

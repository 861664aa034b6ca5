import type { HistoryPage, Message } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import {
  applyNewestPage,
  applyOlderPage,
  EMPTY_TIMELINE,
  insertMessage,
  markStale,
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

const page = (seqs: number[], hasMore: boolean): HistoryPage => ({
  roomId: ROOM,
  messages: seqs.map((s) => msg(s)),
  hasMore,
});

const timeline = (seqs: number[], hasMore: boolean): RoomTimeline => ({
  ...EMPTY_TIMELINE,
  messages: seqs.map((s) => msg(s)),
  hasMore,
  loaded: true,
});

const seqsOf = (t: RoomTimeline) => t.messages.map((m) => m.seq);

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

describe('insertMessage', () => {
  it('places a live message by seq and ignores a repeat', () => {
    const t = insertMessage(timeline([1, 3], false), msg(2));
    expect(seqsOf(t)).toEqual([1, 2, 3]);
    expect(insertMessage(t, msg(2))).toBe(t);
  });
});

describe('applyNewestPage', () => {
  it('fills an empty timeline and marks it loaded', () => {
    const t = applyNewestPage(EMPTY_TIMELINE, page([4, 5, 6], true));
    expect(seqsOf(t)).toEqual([4, 5, 6]);
    expect(t.hasMore).toBe(true);
    expect(t.loaded).toBe(true);
  });

  it('merges an overlapping page after a reconnect, keeping older history', () => {
    const t = applyNewestPage(timeline([1, 2, 3, 4], false), page([3, 4, 5, 6], true));
    expect(seqsOf(t)).toEqual([1, 2, 3, 4, 5, 6]);
    // Our run still starts at seq 1, which had nothing older.
    expect(t.hasMore).toBe(false);
  });

  it('after a disconnect, drops a held run that may leave a hole before the new page', () => {
    const t = applyNewestPage(markStale(timeline([1, 2], false)), page([60, 61], true));
    expect(seqsOf(t)).toEqual([60, 61]);
    expect(t.hasMore).toBe(true);
    expect(t.stale).toBe(false);
  });

  it('after a disconnect, keeps live messages newer than the page when dropping the old run', () => {
    const held = insertMessage(markStale(timeline([1, 2], false)), msg(70));
    const t = applyNewestPage(held, page([60, 61], true));
    expect(seqsOf(t)).toEqual([60, 61, 70]);
  });

  it('a second disconnect keeps the first boundary (live messages in between are not proof)', () => {
    let held = insertMessage(markStale(timeline([1, 2], false)), msg(70));
    held = markStale(held);
    expect(held.staleAfterSeq).toBe(2);
    expect(seqsOf(applyNewestPage(held, page([60, 61], true)))).toEqual([60, 61, 70]);
  });

  it('without a disconnect the run is whole, so a page above it is merged', () => {
    // Live messages 40..42 arrived while connected, before the room was ever opened.
    const live = [40, 41, 42].reduce((t, s) => insertMessage(t, msg(s)), EMPTY_TIMELINE);
    const t = applyNewestPage(live, page([41, 42], true));
    expect(seqsOf(t)).toEqual([40, 41, 42]);
    expect(t.hasMore).toBe(true);
  });

  it('after a disconnect, a page reaching back to the known run is merged', () => {
    const t = applyNewestPage(markStale(timeline([1, 2, 3], false)), page([3, 4, 5], true));
    expect(seqsOf(t)).toEqual([1, 2, 3, 4, 5]);
    expect(t.hasMore).toBe(false);
  });

  it('unions when the page holds everything (no hasMore)', () => {
    const t = applyNewestPage(timeline([1, 2], false), page([1, 2, 3], false));
    expect(seqsOf(t)).toEqual([1, 2, 3]);
  });

  it('keeps live messages when the server reports an empty room', () => {
    const held = insertMessage(EMPTY_TIMELINE, msg(1));
    const t = applyNewestPage(held, page([], false));
    expect(seqsOf(t)).toEqual([1]);
    expect(t.loaded).toBe(true);
  });
});

describe('applyOlderPage', () => {
  it('prepends the older page and takes its hasMore', () => {
    const t = applyOlderPage({ ...timeline([51, 52], true), loadingOlder: true }, page([49, 50], false), 51);
    expect(t && seqsOf(t)).toEqual([49, 50, 51, 52]);
    expect(t?.hasMore).toBe(false);
    expect(t?.loadingOlder).toBe(false);
  });

  it('ignores a page whose boundary no longer matches the held run', () => {
    expect(applyOlderPage(timeline([60, 61], true), page([49, 50], true), 51)).toBeNull();
  });
});

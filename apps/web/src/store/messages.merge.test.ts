import type { HistoryPage, Message } from '@parley/shared-types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  advanceCursor,
  applyChanges,
  applyNewestPage,
  applyOlderPage,
  EMPTY_TIMELINE,
  findHole,
  upsertViews,
  type RoomTimeline,
} from './messages.merge';

const ROOM = 'room1';

function msg(seq: number, extra: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    roomId: ROOM,
    seq,
    authorId: 'u1',
    authorName: 'alice',
    clientMessageId: `client-m${seq}`,
    text: `text ${seq}`,
    createdAt: 1_700_000_000_000 + seq,
    ...extra,
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const page = (seqs: number[], hasMore: boolean, lastSeq = seqs.at(-1) ?? 0): HistoryPage => ({
  roomId: ROOM,
  messages: seqs.map((s) => msg(s)),
  hasMore,
  lastSeq,
});

/** A loaded timeline holding `seqs`, its cursor at the room's last seq. */
const loaded = (seqs: number[], hasMore = false, lastSeq?: number): RoomTimeline =>
  applyNewestPage(EMPTY_TIMELINE, page(seqs, hasMore, lastSeq));

const seqsOf = (t: RoomTimeline) => t.messages.map((m) => m.seq);
/** Live message:created events, one at a time. */
const live = (t: RoomTimeline, ...seqs: number[]) => seqs.reduce((acc, s) => applyChanges(acc, [msg(s)], [s]), t);
/** A live message:changed: the change `seq` and the message as it is after it. */
const edited = (seq: number, changeSeq: number, text: string) =>
  msg(seq, { text, editedAt: changeSeq, version: changeSeq });

describe('upsertViews (E5: the newest view of each message)', () => {
  it('puts new messages in seq order and returns the same array when nothing changes', () => {
    const base = [msg(1), msg(3)];
    expect(upsertViews(base, [msg(3), msg(2), msg(4)]).map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(upsertViews(base, [msg(3)])).toBe(base);
    expect(upsertViews(base, [])).toBe(base);
  });

  it('a newer version replaces a held message; an older or equal one never does', () => {
    const newer = edited(1, 5, 'fixed');
    const base = [msg(1)];
    expect(upsertViews(base, [newer])).toEqual([newer]);
    expect(upsertViews([newer], [msg(1)])).toEqual([newer]);
    expect(upsertViews([newer], [edited(1, 4, 'older edit')])).toEqual([newer]);
  });

  it('a message the caller does not accept is left out; a held one is still updated', () => {
    expect(upsertViews([msg(5)], [msg(2), edited(5, 9, 'x')], () => false)).toEqual([edited(5, 9, 'x')]);
  });
});

describe('advanceCursor', () => {
  it('walks through the seqs that follow on and stops at the first hole', () => {
    expect(advanceCursor(3, [4, 5, 7])).toEqual({ cursor: 5, ahead: [7] });
    expect(advanceCursor(0, [])).toEqual({ cursor: 0, ahead: [] });
    expect(advanceCursor(2, [5])).toEqual({ cursor: 2, ahead: [5] });
  });
});

describe('S2: the resume cursor walks change seqs, apart from the messages', () => {
  it('is null before the newest page, and the room’s lastSeq after it (not the last message’s seq)', () => {
    expect(EMPTY_TIMELINE.cursor).toBeNull();
    const t = loaded([4, 5, 6], true, 9);
    expect(t.cursor).toBe(9);
    expect(t.loaded).toBe(true);
    expect(loaded([]).cursor).toBe(0);
  });

  it('S1: an edit takes a seq: it moves the cursor and replaces the view, adding no message', () => {
    const t = applyChanges(loaded([1, 2]), [edited(1, 3, 'fixed')], [3]);
    expect(seqsOf(t)).toEqual([1, 2]);
    expect(t.messages[0]?.text).toBe('fixed');
    expect(t.cursor).toBe(3);
    const next = live(t, 4);
    expect(next.cursor).toBe(4);
  });

  it('a change further ahead is applied and shown, but the cursor waits until the hole is filled', () => {
    const t = live(loaded([1, 2]), 5);
    expect(seqsOf(t)).toEqual([1, 2, 5]);
    expect(t.cursor).toBe(2);
    expect(findHole(t)).toEqual({ from: 3, to: 4 });
    // The hole was an edit and a reaction, filled by message:changes.
    const filled = applyChanges(t, [edited(2, 4, 'two, fixed')], [3, 4]);
    expect(filled.cursor).toBe(5);
    expect(findHole(filled)).toBeNull();
    expect(filled.messages[1]?.text).toBe('two, fixed');
  });

  it('sync:changes overlapping live events merge by id and version, and advance the cursor', () => {
    // Cursor 2 sent; live 5 and an edit of 5 (seq 6) arrived before the replay 3..6.
    const early = applyChanges(live(loaded([1, 2]), 5), [edited(5, 6, 'five, fixed')], [6]);
    const t = applyChanges(early, [msg(3), msg(4), edited(5, 6, 'five, fixed')], [3, 4, 5, 6]);
    expect(seqsOf(t)).toEqual([1, 2, 3, 4, 5]);
    expect(t.messages.at(-1)?.text).toBe('five, fixed');
    expect(t.cursor).toBe(6);
  });

  it('a repeat changes nothing (same object)', () => {
    const t = live(loaded([1, 2]), 3);
    expect(applyChanges(t, [msg(3), msg(2)], [3, 2])).toBe(t);
  });

  it('a room never loaded has no cursor, whatever arrives live, and keeps what arrived', () => {
    const t = live(EMPTY_TIMELINE, 40, 41);
    expect(t.cursor).toBeNull();
    expect(seqsOf(t)).toEqual([40, 41]);
  });

  it('a message below the held run, while older ones exist, is not shown (no hidden hole), but its seq is applied', () => {
    const t = loaded([51, 52], true);
    const next = applyChanges(t, [edited(30, 53, 'old one edited')], [53]);
    expect(seqsOf(next)).toEqual([51, 52]);
    expect(next.cursor).toBe(53);
    // Without older messages on the server it is simply the oldest.
    expect(seqsOf(applyChanges(loaded([2, 3]), [msg(1)]))).toEqual([1, 2, 3]);
  });
});

describe('applyNewestPage', () => {
  it('fills an empty timeline and marks it loaded', () => {
    const t = applyNewestPage(EMPTY_TIMELINE, page([4, 5, 6], true));
    expect(seqsOf(t)).toEqual([4, 5, 6]);
    expect(t.hasMore).toBe(true);
  });

  it('a page no newer than the cursor only updates views (never older ones)', () => {
    const held = applyChanges(loaded([1, 2, 3, 4]), [edited(2, 5, 'new')], [5]);
    const t = applyNewestPage(held, page([3, 4], true, 4));
    expect(seqsOf(t)).toEqual([1, 2, 3, 4]);
    expect(t.messages[1]?.text).toBe('new');
    expect(t.cursor).toBe(5);
    expect(t.hasMore).toBe(false);
  });

  it('a page with news replaces what is older than it (changes may have touched it)', () => {
    const t = applyNewestPage(loaded([1, 2]), page([60, 61], true, 70));
    expect(seqsOf(t)).toEqual([60, 61]);
    expect(t.hasMore).toBe(true);
    expect(t.cursor).toBe(70);
  });

  it('for a room never loaded, drops live messages older than the page, keeps newer ones, and moves on through them', () => {
    const held = live(EMPTY_TIMELINE, 40, 41, 62, 64);
    const t = applyNewestPage(held, page([60, 61], true));
    expect(seqsOf(t)).toEqual([60, 61, 62, 64]);
    expect(t.cursor).toBe(62);
    expect(t.ahead).toEqual([64]);
  });

  it('E5: a live edit that raced the page keeps the newer view', () => {
    const held = applyChanges(EMPTY_TIMELINE, [edited(3, 5, 'edited live')], [5]);
    const t = applyNewestPage(held, page([2, 3], false, 4));
    expect(t.messages.map((m) => m.text)).toEqual(['text 2', 'edited live']);
    expect(t.cursor).toBe(5);
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
    const t = applyOlderPage(base, page([49, 50], false, 52), 51);
    expect(t && seqsOf(t)).toEqual([49, 50, 51, 52]);
    expect(t?.hasMore).toBe(false);
    expect(t?.loadingOlder).toBe(false);
    expect(t?.cursor).toBe(52);
  });

  it('ignores a page whose boundary no longer matches the held run', () => {
    expect(applyOlderPage(loaded([60, 61], true), page([49, 50], true), 51)).toBeNull();
  });
});

describe('C1 with several nodes: live changes may arrive in any order', () => {
  /**
   * A room's history as its changes, seq 1…n: each either creates a message or edits one
   * created earlier, with the view the server broadcast at that seq.
   */
  const history = fc.array(fc.nat(), { minLength: 1, maxLength: 24 }).map((picks) => {
    const events: { seq: number; view: Message }[] = [];
    const created: number[] = [];
    picks.forEach((pick, i) => {
      const seq = i + 1;
      // Every third pick (when there is something to edit) edits; the rest create.
      if (created.length > 0 && pick % 3 === 0) {
        const target = created[pick % created.length]!;
        events.push({ seq, view: msg(target, { text: `edit ${seq}`, editedAt: seq, version: seq }) });
      } else {
        created.push(seq);
        events.push({ seq, view: msg(seq) });
      }
    });
    return events;
  });

  it('C1, S1: whatever the arrival order, the room ends as in seq order: every message once, each at its newest view, the cursor at the last seq', () => {
    fc.assert(
      fc.property(
        history.chain((events) =>
          fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length })),
        ),
        ([inOrder, arrived]) => {
          const apply = (evs: typeof inOrder) =>
            evs.reduce((t, e) => applyChanges(t, [e.view], [e.seq]), loaded([], false, 0));
          const expected = apply(inOrder);
          const actual = apply(arrived);
          expect(actual.messages).toEqual(expected.messages);
          expect(actual.cursor).toBe(inOrder.length);
          expect(findHole(actual)).toBeNull();
          // And before the last arrival, a hole is seen whenever a lower seq was still missing.
          const beforeLast = apply(arrived.slice(0, -1));
          const missing = arrived.at(-1)!.seq;
          if (missing < inOrder.length) expect(beforeLast.cursor).toBeLessThan(missing);
        },
      ),
      { numRuns: 300 },
    );
  });
});

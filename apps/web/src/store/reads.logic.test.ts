import type { Message, RoomChange } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { MAX_UNREAD_LOG, countsOf, readFromState, withChanges, withState } from './reads.logic';

const ME = 'me';
const view = (seq: number, extra: Partial<Message> = {}): Message => ({
  id: `m${seq}`,
  roomId: 'r',
  seq,
  authorId: 'bob',
  authorName: 'bob',
  clientMessageId: `c${seq}`,
  text: 't',
  createdAt: seq,
  ...extra,
});
const created = (seq: number): RoomChange => ({ seq, kind: 'message:created', messageId: `m${seq}` });
const base = readFromState({ lastReadSeq: 4, unreadCount: 2, mentionCount: 1, asOfSeq: 6 });

describe('read state counting (U2–U4)', () => {
  it('U4: creations after the state by others count; mine, and ones the state covers, do not; mentions apart', () => {
    const read = withChanges(
      base,
      [created(5), created(7), created(8), created(9)],
      [view(5), view(7, { mentions: [ME] }), view(8, { authorId: ME }), view(9)],
      ME,
    );
    expect(countsOf(read, ME)).toEqual({ unread: 4, mentions: 2 });
    // The same changes again (a replay overlapping live events) count once.
    expect(
      countsOf(withChanges(read, [created(7), created(9)], [view(7, { mentions: [ME] }), view(9)], ME), ME),
    ).toEqual({ unread: 4, mentions: 2 });
  });

  it('U4: an edit or deletion of a message counted here follows it; one from before the state marks the room stale', () => {
    let read = withChanges(base, [created(7)], [view(7, { mentions: [ME] })], ME);
    read = withChanges(
      read,
      [{ seq: 8, kind: 'message:deleted', messageId: 'm7' }],
      [view(7, { deletedAt: 8, version: 8, text: '' })],
      ME,
    );
    expect(countsOf(read, ME)).toEqual({ unread: 2, mentions: 1 });
    expect(read.stale).toBe(false);
    read = withChanges(
      read,
      [{ seq: 9, kind: 'message:deleted', messageId: 'm5' }],
      [view(5, { deletedAt: 9, version: 9, text: '' })],
      ME,
    );
    expect(read.stale).toBe(true);
    // A reaction, or a change to a message already read, settles nothing and needs nothing.
    const calm = withChanges(
      base,
      [
        { seq: 7, kind: 'reaction:added', messageId: 'm5' },
        { seq: 8, kind: 'message:edited', messageId: 'm3' },
      ],
      [view(5), view(3)],
      ME,
    );
    expect(calm).toBe(base);
  });

  it('U3: a newer state replaces the counts and drops the creations it covers; an older one is ignored', () => {
    const read = withChanges(base, [created(7), created(8)], [view(7), view(8)], ME);
    const next = withState(read, { lastReadSeq: 7, unreadCount: 0, mentionCount: 0, asOfSeq: 7 });
    expect(next.log.map((e) => e.seq)).toEqual([8]);
    expect(countsOf(next, ME)).toEqual({ unread: 1, mentions: 0 });
    expect(withState(next, { lastReadSeq: 4, unreadCount: 2, mentionCount: 1, asOfSeq: 6 })).toBe(next);
    expect(withState(next, { lastReadSeq: 2, unreadCount: 9, mentionCount: 0, asOfSeq: 9 })).toBe(next);
  });

  it('asks for a fresh state rather than grow its log without bound', () => {
    const changes = Array.from({ length: MAX_UNREAD_LOG + 1 }, (_, i) => created(7 + i));
    const views = changes.map((c) => view(c.seq));
    expect(withChanges(base, changes, views, ME).stale).toBe(true);
  });
});

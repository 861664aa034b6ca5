import type { Message } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../store/outbox.slice';
import {
  buildLogItems,
  countBelow,
  dayKeyOf,
  dayLabel,
  FIRST_INDEX_BASE,
  firstItemIndex,
  GROUP_GAP_MS,
  INITIAL_ANCHOR,
  nextAnchor,
} from './log.model';

function msg(seq: number, overrides: Partial<Message> = {}): Message {
  return {
    id: `id-${seq}`,
    roomId: 'r1',
    seq,
    authorId: 'a',
    authorName: 'alice',
    clientMessageId: `client-${seq}`,
    text: `text ${seq}`,
    createdAt: seq * 1000,
    ...overrides,
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => msg(from + i));

describe('log items', () => {
  it('stored messages, then my pending ones, with stable keys', () => {
    const pending: OutboxEntry = { clientMessageId: 'c-9', roomId: 'r1', text: 'x', queuedAt: 1, status: 'sending' };
    const items = buildLogItems([msg(1), msg(2, { authorId: 'me' })], [pending], { id: 'me', username: 'me' });
    expect(items.map((i) => i.key)).toEqual(['m:id-1', 'm:id-2', 'p:c-9']);
    expect(items.map((i) => (i.kind === 'stored' ? i.mine : null))).toEqual([false, true, null]);
  });

  it('groups messages of one author sent close together', () => {
    const items = buildLogItems(
      [msg(1), msg(2), msg(3, { authorId: 'b' }), msg(4, { authorId: 'b', createdAt: 3000 + GROUP_GAP_MS })],
      [],
      null,
    );
    expect(items.map((i) => i.kind === 'stored' && i.continued)).toEqual([false, true, false, false]);
  });

  it('U4: the New messages divider goes before the first message by someone else after my marker', () => {
    const me = { id: 'me', username: 'me' };
    const items = buildLogItems(
      [msg(1), msg(2, { authorId: 'me' }), msg(3, { deletedAt: 5 }), msg(4), msg(5)],
      [],
      me,
      1,
    );
    expect(items.map((i) => i.key)).toEqual(['m:id-1', 'm:id-2', 'm:id-3', 'new-messages', 'm:id-4', 'm:id-5']);
    // The first message after the divider starts a new group.
    expect(items[4]?.kind === 'stored' && items[4].continued).toBe(false);
    expect(buildLogItems([msg(1), msg(2)], [], me, 2).some((i) => i.kind === 'divider')).toBe(false);
    expect(buildLogItems([msg(1), msg(2)], [], me, null).some((i) => i.kind === 'divider')).toBe(false);
  });

  it('E1–E3: my queued operations show on their messages, which are marked busy', () => {
    const me = { id: 'me', username: 'me' };
    const edit: OutboxEntry = {
      clientMessageId: 'op-1',
      roomId: 'r1',
      kind: 'edit',
      target: { messageId: 'id-1' },
      text: 'fixed',
      queuedAt: 2,
      status: 'sending',
    };
    const items = buildLogItems([msg(1)], [edit], me);
    expect(items).toEqual([
      expect.objectContaining({ kind: 'stored', busy: true, message: expect.objectContaining({ text: 'fixed' }) }),
    ]);
  });
});

describe('keeping the place when older pages come in', () => {
  it('counts the messages below a seq', () => {
    const messages = range(10, 20);
    expect(countBelow(messages, 10)).toBe(0);
    expect(countBelow(messages, 15)).toBe(5);
    expect(countBelow(messages, 99)).toBe(11);
    expect(countBelow([], 5)).toBe(0);
  });

  it('the first item index drops by exactly the number of messages put in front, and not when appending', () => {
    let anchor = nextAnchor(INITIAL_ANCHOR, range(51, 100));
    expect(anchor).toEqual({ seq: 51, generation: 0 });
    expect(firstItemIndex(anchor, range(51, 100))).toBe(FIRST_INDEX_BASE);

    const appended = range(51, 130);
    expect(nextAnchor(anchor, appended)).toBe(anchor);
    expect(firstItemIndex(anchor, appended)).toBe(FIRST_INDEX_BASE);

    const prepended = range(1, 130);
    anchor = nextAnchor(anchor, prepended);
    expect(anchor).toEqual({ seq: 51, generation: 0 });
    expect(firstItemIndex(anchor, prepended)).toBe(FIRST_INDEX_BASE - 50);
  });

  it('an empty room keeps the base index until its first message, without starting over', () => {
    expect(firstItemIndex(INITIAL_ANCHOR, [])).toBe(FIRST_INDEX_BASE);
    expect(nextAnchor(INITIAL_ANCHOR, [])).toBe(INITIAL_ANCHOR);
    expect(nextAnchor(INITIAL_ANCHOR, [msg(1)])).toEqual({ seq: 1, generation: 0 });
  });

  it('starts over (a new generation) when what was in front of the anchor is gone', () => {
    const anchor = { seq: 51, generation: 0 };
    // S3: the timeline was reset (emptied), then its newest page came back.
    const emptied = nextAnchor(anchor, []);
    expect(emptied).toEqual({ seq: null, generation: 1 });
    expect(nextAnchor(emptied, range(200, 250))).toEqual({ seq: 200, generation: 1 });
    // A newest page that did not join: older held messages were dropped.
    expect(nextAnchor(anchor, range(300, 349))).toEqual({ seq: 300, generation: 1 });
  });
});

describe('day separators (time you can read)', () => {
  /** Local noon of a day, `daysAgo` before 2026-03-10. */
  const noon = (daysAgo: number, hour = 12) => new Date(2026, 2, 10 - daysAgo, hour, 0).getTime();

  it('the first message of each local day carries that day; the others none; a new day starts a new block', () => {
    const messages = [
      msg(1, { createdAt: noon(2) }),
      msg(2, { createdAt: noon(2, 13) }),
      msg(3, { createdAt: noon(1, 0) }),
      msg(4, { createdAt: noon(1, 0) + 60_000 }),
      msg(5, { createdAt: noon(0) }),
    ];
    const items = buildLogItems(messages, [], null);
    expect(items.map((i) => (i.kind === 'stored' ? i.day : 'x'))).toEqual([
      '2026-03-08',
      null,
      '2026-03-09',
      null,
      '2026-03-10',
    ]);
    // Same author within minutes, but across midnight: not continued.
    const late = buildLogItems(
      [msg(1, { createdAt: noon(1, 23) + 59 * 60_000 }), msg(2, { createdAt: noon(0, 0) + 60_000 })],
      [],
      null,
    );
    expect(late.map((i) => (i.kind === 'stored' ? i.continued : null))).toEqual([false, false]);
  });

  it('a pending message of a new day carries it too', () => {
    const pending: OutboxEntry = {
      clientMessageId: 'c',
      roomId: 'r1',
      text: 'x',
      queuedAt: noon(0),
      status: 'sending',
    };
    const items = buildLogItems([msg(1, { createdAt: noon(1) })], [pending], { id: 'me', username: 'me' });
    expect(items.map((i) => (i.kind === 'divider' ? 'divider' : i.day))).toEqual(['2026-03-09', '2026-03-10']);
  });

  it('names a day Today, Yesterday, or its date in the reader’s locale', () => {
    const now = noon(0, 9);
    expect(dayLabel(dayKeyOf(noon(0, 23)), now)).toBe('Today');
    expect(dayLabel(dayKeyOf(noon(1, 0)), now)).toBe('Yesterday');
    const older = dayLabel(dayKeyOf(noon(9)), now);
    expect(older).toBe(
      new Intl.DateTimeFormat(undefined, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(
        new Date(2026, 2, 1),
      ),
    );
  });
});

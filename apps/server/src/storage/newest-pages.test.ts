import type { Message } from '@parley/shared-types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NewestPages } from './newest-pages.js';

const message = (roomId: string, seq: number, text = `m${seq}`): Message => ({
  id: `${roomId}-${seq}`,
  roomId,
  seq,
  authorId: 'u1',
  authorName: 'alice',
  clientMessageId: `c-${roomId}-${seq}`,
  text,
  createdAt: seq,
});

describe('NewestPages (the newest-page cache)', () => {
  it('serves the newest page and a missed range once filled, and follows appends', () => {
    const pages = new NewestPages({ perRoom: 3, maxChars: 1000 });
    expect(pages.newest('r', 2)).toBeUndefined();
    pages.fill('r', [message('r', 1), message('r', 2)]);
    expect(pages.newest('r', 5)!.map((m) => m.seq)).toEqual([1, 2]); // the whole room is held
    pages.appended(message('r', 3));
    pages.appended(message('r', 4));
    expect(pages.newest('r', 3)!.map((m) => m.seq)).toEqual([2, 3, 4]);
    expect(pages.newest('r', 4)).toBeUndefined(); // seq 1 is no longer held
    expect(pages.range('r', 2, 4)!.map((m) => m.seq)).toEqual([3, 4]);
    expect(pages.range('r', 0, 4)).toBeUndefined();
    expect(pages.range('r', 3, 5)).toBeUndefined(); // seq 5 is not known here
  });

  it('drops a room whose appends arrive out of order rather than serve a gap', () => {
    const pages = new NewestPages({ perRoom: 5, maxChars: 1000 });
    pages.fill('r', [message('r', 1)]);
    pages.appended(message('r', 3));
    expect(pages.newest('r', 1)).toBeUndefined();
  });

  it('evicts the least recently read rooms past the text budget', () => {
    const pages = new NewestPages({ perRoom: 2, maxChars: 10 });
    pages.fill('a', [message('a', 1, '12345')]);
    pages.fill('b', [message('b', 1, '12345')]);
    pages.newest('a', 1); // a is now the most recently read
    pages.fill('c', [message('c', 1, '12')]);
    expect(pages.newest('b', 1)).toBeUndefined();
    expect(pages.newest('a', 1)).toBeDefined();
    expect(pages.newest('c', 1)).toBeDefined();
  });

  it('whatever it answers equals what the database holds (model-based)', () => {
    type Step =
      | { t: 'append'; room: number }
      | { t: 'fill'; room: number; lag: number }
      | { t: 'newest'; room: number; limit: number }
      | { t: 'since'; room: number; back: number; count: number };
    const step = fc.oneof(
      fc.record({ t: fc.constant('append' as const), room: fc.nat(2) }),
      fc.record({ t: fc.constant('fill' as const), room: fc.nat(2), lag: fc.nat(2) }),
      fc.record({ t: fc.constant('newest' as const), room: fc.nat(2), limit: fc.integer({ min: 1, max: 6 }) }),
      fc.record({ t: fc.constant('since' as const), room: fc.nat(2), back: fc.nat(8), count: fc.nat(8) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 40 }), (steps: Step[], perRoom, maxChars) => {
        const pages = new NewestPages({ perRoom, maxChars });
        // The database: every committed message per room; `acked` is how far the cache was told.
        const db: Message[][] = [[], [], []];
        const acked: number[] = [0, 0, 0];
        for (const s of steps) {
          const roomId = `r${s.room}`;
          const rows = db[s.room]!;
          if (s.t === 'append') {
            // Committed now, acknowledged (told to the cache) in order, possibly later.
            rows.push(message(roomId, rows.length + 1, 'x'.repeat(rows.length % 4)));
            for (let i = acked[s.room]!; i < rows.length; i++) pages.appended(rows[i]!);
            acked[s.room] = rows.length;
          } else if (s.t === 'fill') {
            // A fill may read commits whose acknowledgements are still on their way.
            const lagging = Math.min(s.lag, rows.length);
            acked[s.room] = rows.length - lagging;
            pages.fill(roomId, rows.slice(-perRoom));
            for (let i = acked[s.room]!; i < rows.length; i++) pages.appended(rows[i]!);
            acked[s.room] = rows.length;
          } else if (s.t === 'newest') {
            const got = pages.newest(roomId, s.limit);
            if (got) expect(got).toEqual(rows.slice(-s.limit));
          } else {
            const after = Math.max(0, rows.length - s.back);
            const through = after + s.count;
            const got = pages.range(roomId, after, through);
            if (got) expect(got).toEqual(rows.filter((m) => m.seq > after && m.seq <= through));
          }
        }
      }),
    );
  });
});

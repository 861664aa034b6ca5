import type { Message, RoomChange } from '@parley/shared-types';
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
const created = (m: Message): RoomChange => ({ seq: m.seq, kind: 'message:created', messageId: m.id });

describe('NewestPages (the newest-page cache)', () => {
  it('S2/M6: serves the newest page and a short resume once filled, and follows changes', () => {
    const pages = new NewestPages({ perRoom: 3, maxChars: 1000 });
    expect(pages.newest('r', 2)).toBeUndefined();
    const [m1, m2, m3, m5] = [message('r', 1), message('r', 2), message('r', 3), message('r', 5)];
    pages.fill('r', [m1, m2], 2);
    expect(pages.newest('r', 5)).toEqual({ messages: [m1, m2], lastSeq: 2 }); // the whole room is held
    pages.applied('r', created(m3), m3);
    const edited = { ...m2, text: 'fixed', editedAt: 9, version: 4 };
    pages.applied('r', { seq: 4, kind: 'message:edited', messageId: m2.id }, edited);
    pages.applied('r', created(m5), m5);
    expect(pages.newest('r', 3)).toEqual({ messages: [edited, m3, m5], lastSeq: 5 });
    expect(pages.newest('r', 4)).toBeUndefined(); // m1 is no longer held
    expect(pages.since('r', 2, 5)).toEqual({
      changes: [created(m3), { seq: 4, kind: 'message:edited', messageId: m2.id }, created(m5)],
      messages: [m3, edited, m5],
    });
    expect(pages.since('r', 1, 5)).toBeUndefined(); // seq 2 was filled, not seen as a change
    expect(pages.since('r', 4, 6)).toBeUndefined(); // seq 6 is not known here
  });

  it('S2: a change to a message older than the held page is left to the database', () => {
    const pages = new NewestPages({ perRoom: 1, maxChars: 1000 });
    pages.fill('r', [message('r', 2)], 2);
    pages.applied('r', { seq: 3, kind: 'reaction:added', messageId: 'r-1' }, { ...message('r', 1), version: 3 });
    expect(pages.newest('r', 1)).toEqual({ messages: [message('r', 2)], lastSeq: 3 });
    expect(pages.since('r', 2, 3)).toBeUndefined();
  });

  it('drops a room whose changes arrive out of order rather than serve a gap', () => {
    const pages = new NewestPages({ perRoom: 5, maxChars: 1000 });
    pages.fill('r', [message('r', 1)], 1);
    pages.applied('r', created(message('r', 3)), message('r', 3));
    expect(pages.newest('r', 1)).toBeUndefined();
  });

  it('evicts the least recently read rooms past the text budget', () => {
    const pages = new NewestPages({ perRoom: 2, maxChars: 10 });
    pages.fill('a', [message('a', 1, '12345')], 1);
    pages.fill('b', [message('b', 1, '12345')], 1);
    pages.newest('a', 1); // a is now the most recently read
    pages.fill('c', [message('c', 1, '12')], 1);
    expect(pages.newest('b', 1)).toBeUndefined();
    expect(pages.newest('a', 1)).toBeDefined();
    expect(pages.newest('c', 1)).toBeDefined();
  });

  it('S1/E5: whatever it answers equals what the database holds (model-based, with edits)', () => {
    type Step =
      | { t: 'append'; room: number }
      | { t: 'edit'; room: number; pick: number }
      | { t: 'fill'; room: number; lag: number }
      | { t: 'newest'; room: number; limit: number }
      | { t: 'since'; room: number; back: number; count: number };
    const step = fc.oneof(
      fc.record({ t: fc.constant('append' as const), room: fc.nat(2) }),
      fc.record({ t: fc.constant('edit' as const), room: fc.nat(2), pick: fc.nat(20) }),
      fc.record({ t: fc.constant('fill' as const), room: fc.nat(2), lag: fc.nat(2) }),
      fc.record({ t: fc.constant('newest' as const), room: fc.nat(2), limit: fc.integer({ min: 1, max: 6 }) }),
      fc.record({ t: fc.constant('since' as const), room: fc.nat(2), back: fc.nat(8), count: fc.nat(8) }),
    );
    type Db = { views: Message[]; log: RoomChange[]; unacked: Array<{ change: RoomChange; view: Message }> };
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 80 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 40 }),
        (steps: Step[], perRoom, maxChars) => {
          const pages = new NewestPages({ perRoom, maxChars, maxChanges: 6 });
          // The database: each room's current views and change log; commits the cache has not been told of yet.
          const dbs: Db[] = [0, 1, 2].map(() => ({ views: [], log: [], unacked: [] }));
          const ackAll = (roomId: string, db: Db) => {
            for (const { change, view } of db.unacked.splice(0)) pages.applied(roomId, change, view);
          };
          for (const s of steps) {
            const roomId = `r${s.room}`;
            const db = dbs[s.room]!;
            const seq = db.log.length + 1;
            if (s.t === 'append') {
              const view = message(roomId, seq, 'x'.repeat(seq % 4));
              db.views.push(view);
              db.log.push(created(view));
              db.unacked.push({ change: created(view), view });
              ackAll(roomId, db);
            } else if (s.t === 'edit') {
              if (db.views.length === 0) continue;
              const index = s.pick % db.views.length;
              const view = { ...db.views[index]!, text: `e${seq}`, editedAt: seq, version: seq };
              db.views[index] = view;
              const change: RoomChange = { seq, kind: 'message:edited', messageId: view.id };
              db.log.push(change);
              db.unacked.push({ change, view });
              ackAll(roomId, db);
            } else if (s.t === 'fill') {
              // A fill may read commits whose acknowledgements are still on their way.
              const told = db.unacked.length - Math.min(s.lag, db.unacked.length);
              for (const { change, view } of db.unacked.splice(0, told)) pages.applied(roomId, change, view);
              pages.fill(roomId, db.views.slice(-perRoom), db.log.length);
              ackAll(roomId, db);
            } else if (s.t === 'newest') {
              const got = pages.newest(roomId, s.limit);
              if (got) expect(got).toEqual({ messages: db.views.slice(-s.limit), lastSeq: db.log.length });
            } else {
              const after = Math.max(0, db.log.length - s.back);
              const through = after + s.count;
              const got = pages.since(roomId, after, through);
              if (!got) continue;
              const changes = db.log.filter((c) => c.seq > after && c.seq <= through);
              const ids = [...new Set(changes.map((c) => c.messageId))];
              expect(got).toEqual({ changes, messages: ids.map((id) => db.views.find((m) => m.id === id)) });
            }
          }
        },
      ),
    );
  });
});

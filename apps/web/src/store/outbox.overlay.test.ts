import type { Message } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import type { OutboxEntry } from './outbox.slice';
import { withPendingOps } from './outbox.overlay';

const ME = { id: 'me', username: 'me' };
const BOB = { id: 'bob', username: 'bob' };
const message: Message = {
  id: 'm1',
  roomId: 'r',
  seq: 1,
  authorId: 'me',
  authorName: 'me',
  clientMessageId: 'c-1',
  text: 'hi',
  createdAt: 1,
};
let n = 0;
const op = (fields: Partial<OutboxEntry>): OutboxEntry => ({
  clientMessageId: `op-${++n}`,
  roomId: 'r',
  text: '',
  queuedAt: n,
  status: 'sending',
  ...fields,
});

describe('pending operations shown at once (hydrogen-web style)', () => {
  it('E1/E2: a queued edit shows its text; a queued deletion a tombstone; the last one wins, in order', () => {
    const edit = op({ kind: 'edit', target: { messageId: 'm1' }, text: 'hello' });
    expect(withPendingOps(message, [edit], ME)).toMatchObject({ message: { text: 'hello' }, busy: true });
    const del = op({ kind: 'delete', target: { messageId: 'm1' } });
    const after = withPendingOps({ ...message, reactions: [{ emoji: '👍', users: [BOB] }] }, [edit, del], ME).message;
    expect(after).toMatchObject({ text: '', deletedAt: expect.any(Number) });
    expect(after.reactions).toBeUndefined();
  });

  it('E3: a queued reaction toggles mine on the count, also on a message named by its client id (still in my outbox when it was queued)', () => {
    const withBob = { ...message, reactions: [{ emoji: '👍' as const, users: [BOB] }] };
    const add = op({ kind: 'react', target: { clientMessageId: 'c-1' }, emoji: '👍', on: true });
    expect(withPendingOps(withBob, [add], ME).message.reactions).toEqual([{ emoji: '👍', users: [BOB, ME] }]);
    const remove = op({ kind: 'react', target: { messageId: 'm1' }, emoji: '👍', on: false });
    expect(withPendingOps(withBob, [add, remove], ME).message.reactions).toEqual([{ emoji: '👍', users: [BOB] }]);
    expect(
      withPendingOps(message, [op({ kind: 'react', target: { messageId: 'm1' }, emoji: '🎉', on: false })], ME).message,
    ).toEqual(message);
  });

  it('operations about other messages, or refused ones, change nothing', () => {
    const other = op({ kind: 'edit', target: { messageId: 'm2' }, text: 'x' });
    const failed = op({ kind: 'edit', target: { messageId: 'm1' }, text: 'y', status: 'failed' });
    expect(withPendingOps(message, [other, failed], ME)).toEqual({ message, busy: false });
  });
});

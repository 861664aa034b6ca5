import { DELETED_USER_NAME, type Message, type RoomSummary } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { dmWithDeletedPeer, withDeletedAuthor } from './deleted-user.logic';

const msg = (id: string, authorId: string, extra: Partial<Message> = {}): Message => ({
  id,
  roomId: 'r1',
  seq: 1,
  authorId,
  authorName: authorId === 'u-alice' ? 'alice' : 'bob',
  clientMessageId: `cmid-${id}-0000`,
  text: 'hi',
  createdAt: 1,
  ...extra,
});

describe('A13: a deleted account in what a tab holds', () => {
  it('renames its messages, the quotes of them and its reactions; leaves the rest as it was', () => {
    const hers = msg('m1', 'u-alice');
    const reply = msg('m2', 'u-bob', {
      replyTo: { id: 'm1', seq: 1, authorId: 'u-alice', authorName: 'alice', excerpt: 'hi', deleted: false },
      reactions: [
        {
          emoji: '👍',
          users: [
            { id: 'u-bob', username: 'bob' },
            { id: 'u-alice', username: 'alice' },
          ],
        },
      ],
    });
    const untouched = msg('m3', 'u-bob');
    const out = withDeletedAuthor([hers, reply, untouched], 'u-alice');
    expect(out[0]).toEqual({ ...hers, authorName: DELETED_USER_NAME });
    expect(out[1]?.replyTo?.authorName).toBe(DELETED_USER_NAME);
    expect(out[1]?.reactions?.[0]?.users).toEqual([
      { id: 'u-bob', username: 'bob' },
      { id: 'u-alice', username: DELETED_USER_NAME },
    ]);
    expect(out[2]).toBe(untouched);
  });

  it('answers the same array when no message names the person', () => {
    const messages = [msg('m1', 'u-bob')];
    expect(withDeletedAuthor(messages, 'u-alice')).toBe(messages);
  });

  it('a DM with the person is named Deleted user and has no peer; other rooms are kept', () => {
    const dm: RoomSummary = {
      id: 'd1',
      kind: 'dm',
      name: 'alice',
      peer: { id: 'u-alice', username: 'alice' },
      lastSeq: 3,
    };
    expect(dmWithDeletedPeer(dm, 'u-alice')).toEqual({ id: 'd1', kind: 'dm', name: DELETED_USER_NAME, lastSeq: 3 });
    const other: RoomSummary = { id: 'r1', kind: 'public', name: 'general', lastSeq: 3 };
    expect(dmWithDeletedPeer(other, 'u-alice')).toBe(other);
    expect(dmWithDeletedPeer(dm, 'u-carol')).toBe(dm);
  });
});

import type { Message } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { notifyLevelOf, wantsNotification } from './notifications';

const message = (extra: Partial<Message> = {}): Message => ({
  id: 'm1',
  roomId: 'r',
  seq: 1,
  authorId: 'bob',
  authorName: 'bob',
  clientMessageId: 'c1',
  text: 'hi',
  createdAt: 1,
  ...extra,
});

describe('which messages notify (N2, N3)', () => {
  it('N2: rooms default to mentions, DMs to all messages; a set level wins', () => {
    expect(notifyLevelOf({ kind: 'public' })).toBe('mentions');
    expect(notifyLevelOf({ kind: 'private' })).toBe('mentions');
    expect(notifyLevelOf({ kind: 'dm' })).toBe('all');
    expect(notifyLevelOf({ kind: 'dm', notify: 'none' })).toBe('none');
  });

  it('N3: a DM notifies; a room only for a mention of me, unless set to all or nothing; never my own or a deleted message', () => {
    expect(wantsNotification(message(), { kind: 'dm' }, 'me')).toBe(true);
    expect(wantsNotification(message(), { kind: 'public' }, 'me')).toBe(false);
    expect(wantsNotification(message({ mentions: ['me'] }), { kind: 'public' }, 'me')).toBe(true);
    expect(wantsNotification(message({ mentions: ['carol'] }), { kind: 'public' }, 'me')).toBe(false);
    expect(wantsNotification(message(), { kind: 'public', notify: 'all' }, 'me')).toBe(true);
    expect(wantsNotification(message({ mentions: ['me'] }), { kind: 'public', notify: 'none' }, 'me')).toBe(false);
    expect(wantsNotification(message({ authorId: 'me' }), { kind: 'dm' }, 'me')).toBe(false);
    expect(wantsNotification(message({ deletedAt: 2 }), { kind: 'dm' }, 'me')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { membersWithPresence } from './presence.selectors';
import { presenceEntryOf } from './presence.slice';

describe('presence in Members (P4, P5)', () => {
  const members = [
    { userId: 'c', username: 'carol' },
    { userId: 'a', username: 'alice' },
    { userId: 'b', username: 'Bob' },
    { userId: 'd', username: 'dave' },
  ];

  it('lists active, then away, then offline people, by name within each, with last seen only when offline', () => {
    const view = membersWithPresence(members, {}, 'a', {
      a: { state: 'away' },
      b: { state: 'offline', lastSeenAt: 1000 },
      c: { state: 'active' },
    });
    expect(view).toEqual([
      { userId: 'c', username: 'carol', online: true, state: 'active', isMe: false },
      { userId: 'a', username: 'alice', online: true, state: 'away', isMe: true },
      { userId: 'b', username: 'Bob', online: false, state: 'offline', lastSeenAt: 1000, isMe: false },
      { userId: 'd', username: 'dave', online: false, state: 'offline', isMe: false },
    ]);
  });

  it('reads an entry or event without a state (older servers) from online alone', () => {
    expect(presenceEntryOf({ online: true })).toEqual({ state: 'active' });
    expect(presenceEntryOf({ online: false })).toEqual({ state: 'offline' });
    expect(presenceEntryOf({ online: true, state: 'away' })).toEqual({ state: 'away' });
    expect(presenceEntryOf({ online: false, state: 'offline', lastSeenAt: 5 })).toEqual({
      state: 'offline',
      lastSeenAt: 5,
    });
    // A last seen of someone online means nothing.
    expect(presenceEntryOf({ online: true, state: 'active', lastSeenAt: 5 })).toEqual({ state: 'active' });
  });
});

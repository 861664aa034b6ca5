import type { Message, RoomSummary } from '@parley/shared-types';
import { DEFAULT_ROOM_NAME } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { createAppStore } from './app.store';
import { selectConnectionBanner } from './connection.selectors';
import { selectPending } from './messages.selectors';
import { pickFallbackRoom } from './rooms.selectors';
import { selectTypingText } from './typing.selectors';

const ME = { id: 'me', username: 'carol' };

function signedInStore() {
  const store = createAppStore();
  store.getState().signedIn(ME);
  return store;
}

function stored(clientMessageId: string, overrides: Partial<Message> = {}): Message {
  return {
    id: `id-${clientMessageId}`,
    roomId: 'r1',
    seq: 1,
    authorId: ME.id,
    authorName: ME.username,
    clientMessageId,
    text: 'hi',
    createdAt: 1,
    ...overrides,
  };
}

describe('outbox and timeline', () => {
  it('M4: the stored copy replaces the pending one, whichever of ack or event comes first', () => {
    const store = signedInStore();
    store.getState().outboxQueued({ clientMessageId: 'c-1', roomId: 'r1', text: 'hi', queuedAt: 1 });
    expect(selectPending('r1')(store.getState())).toHaveLength(1);

    store.getState().messageStored(stored('c-1')); // message:created
    store.getState().messageStored(stored('c-1')); // then the ack
    const s = store.getState();
    expect(selectPending('r1')(s)).toHaveLength(0);
    expect(s.timelines.r1?.messages.map((m) => m.id)).toEqual(['id-c-1']);
  });

  it("does not drop my pending message for someone else's message with the same clientMessageId", () => {
    const store = signedInStore();
    store.getState().outboxQueued({ clientMessageId: 'c-2', roomId: 'r1', text: 'hi', queuedAt: 1 });
    store.getState().messageStored(stored('c-2', { authorId: 'other', id: 'x' }));
    expect(Object.keys(store.getState().outbox)).toEqual(['c-2']);
  });

  it('a failure from an older attempt does not override a newer one', () => {
    const store = signedInStore();
    store.getState().outboxQueued({ clientMessageId: 'c-3', roomId: 'r1', text: 'hi', queuedAt: 1 });
    const first = store.getState().outboxAttemptStarted('c-3');
    const second = store.getState().outboxAttemptStarted('c-3');
    store.getState().outboxFailed('c-3', first, 'late');
    expect(store.getState().outbox['c-3']?.status).toBe('sending');
    store.getState().outboxFailed('c-3', second, 'now');
    expect(store.getState().outbox['c-3']).toMatchObject({ status: 'failed', failure: 'now' });
  });
});

describe('rooms', () => {
  it('R4: leaving forgets the room with its messages, so a rejoin cannot show a hole', () => {
    const store = signedInStore();
    store.getState().roomAdded({ id: 'r1', kind: 'public', name: 'x', lastSeq: 1 });
    store.getState().messageStored(stored('c-5'));
    store.getState().unreadBumped('r1');
    store.getState().roomRemoved('r1');
    const s = store.getState();
    expect(s.rooms.r1).toBeUndefined();
    expect(s.timelines.r1).toBeUndefined();
    expect(s.unread.r1).toBeUndefined();
  });

  it('a fresh room list drops state of rooms no longer listed', () => {
    const store = signedInStore();
    store.getState().messageStored(stored('c-6', { roomId: 'gone' }));
    store.getState().roomsListed([{ id: 'r2', kind: 'public', name: 'y', lastSeq: 0 }]);
    expect(store.getState().timelines.gone).toBeUndefined();
    expect(Object.keys(store.getState().rooms)).toEqual(['r2']);
  });
});

describe('typing', () => {
  it('never shows my own typing (other tabs of mine included)', () => {
    const store = signedInStore();
    store.getState().roomOpened('r1');
    store.getState().typingStarted({ roomId: 'r1', userId: ME.id, username: ME.username }, 0);
    expect(selectTypingText('r1')(store.getState())).toBe('');
    store.getState().typingStarted({ roomId: 'r1', userId: 'u2', username: 'dave' }, 0);
    expect(selectTypingText('r1')(store.getState())).toBe('dave is typing\u2026');
    store.getState().typingStopped({ roomId: 'r1', userId: 'u2' });
    expect(selectTypingText('r1')(store.getState())).toBe('');
  });
});

describe('connection banner', () => {
  it('says Connecting… before the first connect, Reconnecting… after a drop, nothing when connected', () => {
    const store = signedInStore();
    store.getState().networkChanged(true);
    expect(selectConnectionBanner(store.getState())).toBe('Connecting\u2026');
    store.getState().socketConnected();
    expect(selectConnectionBanner(store.getState())).toBeNull();
    store.getState().socketDisconnected();
    expect(selectConnectionBanner(store.getState())).toBe('Reconnecting\u2026');
    store.getState().networkChanged(false);
    expect(selectConnectionBanner(store.getState())).toBe('Offline');
  });
});

describe('sign-out', () => {
  it('resets every slice but keeps the actions', () => {
    const store = signedInStore();
    store.getState().socketConnected();
    store.getState().roomAdded({ id: 'r1', kind: 'public', name: 'x', lastSeq: 0 });
    store.getState().outboxQueued({ clientMessageId: 'c-4', roomId: 'r1', text: 'hi', queuedAt: 1 });
    store.getState().signedOut();
    const s = store.getState();
    expect(s.sessionStatus).toBe('signedOut');
    expect(s.rooms).toEqual({});
    expect(s.outbox).toEqual({});
    expect(s.everConnected).toBe(false);
    expect(typeof s.roomAdded).toBe('function');
  });
});

describe('pickFallbackRoom', () => {
  const room = (id: string, name: string, kind: RoomSummary['kind'] = 'public'): RoomSummary => ({
    id,
    name,
    kind,
    lastSeq: 0,
  });

  it('prefers the default room, then rooms by name, then DMs', () => {
    const rooms = {
      a: room('a', 'zeta'),
      b: room('b', DEFAULT_ROOM_NAME),
      c: room('c', 'alpha', 'private'),
      d: room('d', 'bob', 'dm'),
    };
    expect(pickFallbackRoom(rooms)).toBe('b');
    expect(pickFallbackRoom(rooms, 'b')).toBe('c');
    expect(pickFallbackRoom({ d: rooms.d })).toBe('d');
    expect(pickFallbackRoom({ d: rooms.d }, 'd')).toBeNull();
  });
});

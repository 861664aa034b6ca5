import type { Message, RoomSummary } from '@parley/shared-types';
import { DEFAULT_ROOM_NAME, RESUME_MAX_ROOMS } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { createAppStore } from './app.store';
import { selectConnectionBanner } from './connection.selectors';
import { selectPending, selectResumeCursors } from './messages.selectors';
import { createdChange } from './changes';
import { EMPTY_TIMELINE } from './messages.merge';
import type { OutboxEntry } from './outbox.slice';
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

/** A stored message arriving (message:created or an ack): its creation is its change. */
function storeMessage(store: ReturnType<typeof createAppStore>, message: Message) {
  store.getState().changesApplied(message.roomId, [message], [createdChange(message)]);
}

/** A replay (sync:changes) of creations. */
function receive(store: ReturnType<typeof createAppStore>, roomId: string, messages: Message[]) {
  store.getState().changesApplied(roomId, messages, messages.map(createdChange));
}

function pending(clientMessageId: string, overrides: Partial<OutboxEntry> = {}): OutboxEntry {
  return { clientMessageId, roomId: 'r1', text: 'hi', queuedAt: 1, status: 'sending', ...overrides };
}

describe('pending and stored messages', () => {
  it('M4: the stored copy replaces the pending one, whichever of ack or event comes first', () => {
    const store = signedInStore();
    store.getState().outboxShown([pending('c-1')]);
    expect(selectPending('r1')(store.getState())).toHaveLength(1);

    storeMessage(store, stored('c-1')); // message:created
    storeMessage(store, stored('c-1')); // then the ack
    const s = store.getState();
    expect(selectPending('r1')(s)).toHaveLength(0);
    expect(s.timelines.r1?.messages.map((m) => m.id)).toEqual(['id-c-1']);
  });

  it('S2: a replayed copy (sync:changes) replaces the pending one too', () => {
    const store = signedInStore();
    store.getState().newestPageLoaded({ roomId: 'r1', messages: [], hasMore: false, lastSeq: 0 });
    store.getState().outboxShown([pending('c-1'), pending('c-2', { queuedAt: 2 })]);
    receive(store, 'r1', [stored('c-1', { seq: 1 }), stored('c-2', { seq: 2 })]);
    const s = store.getState();
    expect(s.outbox).toEqual({});
    expect(s.timelines.r1?.messages.map((m) => m.clientMessageId)).toEqual(['c-1', 'c-2']);
    expect(s.timelines.r1?.cursor).toBe(2);
  });

  it('a history page holding my message drops its pending copy', () => {
    const store = signedInStore();
    store.getState().outboxShown([pending('c-1')]);
    store.getState().newestPageLoaded({ roomId: 'r1', messages: [stored('c-1')], hasMore: false, lastSeq: 1 });
    expect(store.getState().outbox).toEqual({});
  });

  it('a restored entry whose stored copy is already held is never shown', () => {
    const store = signedInStore();
    store.getState().newestPageLoaded({ roomId: 'r1', messages: [stored('c-1')], hasMore: false, lastSeq: 1 });
    store.getState().outboxShown([pending('c-1'), pending('c-2', { queuedAt: 2 })]);
    expect(Object.keys(store.getState().outbox)).toEqual(['c-2']);
  });

  it('pending messages are listed in the order written', () => {
    const store = signedInStore();
    store.getState().outboxShown([pending('b', { queuedAt: 20 }), pending('a', { queuedAt: 10 })]);
    store.getState().outboxShown([pending('c', { queuedAt: 30 }), pending('x', { roomId: 'r2' })]);
    expect(selectPending('r1')(store.getState()).map((e) => e.clientMessageId)).toEqual(['a', 'b', 'c']);
  });

  it("does not drop my pending message for someone else's message with the same clientMessageId", () => {
    const store = signedInStore();
    store.getState().outboxShown([pending('c-2')]);
    storeMessage(store, stored('c-2', { authorId: 'other', id: 'x' }));
    expect(Object.keys(store.getState().outbox)).toEqual(['c-2']);
  });

  it('an update to an entry no longer shown (delivered meanwhile) does not bring it back', () => {
    const store = signedInStore();
    store.getState().outboxShown([pending('c-3')]);
    storeMessage(store, stored('c-3'));
    store.getState().outboxUpdated(pending('c-3', { status: 'failed', failure: 'forbidden' }));
    expect(store.getState().outbox).toEqual({});
    store.getState().outboxShown([pending('c-4')]);
    store.getState().outboxUpdated(pending('c-4', { status: 'failed', failure: 'forbidden' }));
    expect(store.getState().outbox['c-4']).toMatchObject({ status: 'failed', failure: 'forbidden' });
  });
});

describe('S2/S3: resume', () => {
  const room = (id: string): RoomSummary => ({ id, kind: 'public', name: id, lastSeq: 0 });

  it('sends a cursor for each loaded room only', () => {
    const store = signedInStore();
    store.getState().roomsListed([room('r1'), room('r2'), room('r3')]);
    store.getState().newestPageLoaded({ roomId: 'r1', messages: [stored('a', { seq: 7 })], hasMore: true, lastSeq: 7 });
    store.getState().newestPageLoaded({ roomId: 'r2', messages: [], hasMore: false, lastSeq: 0 });
    storeMessage(store, stored('b', { roomId: 'r3', seq: 9 })); // live, never loaded
    expect(selectResumeCursors(store.getState())).toEqual({ r1: 7, r2: 0 });
  });

  it('a reset forgets the room, so it sends no cursor until its newest page is loaded again', () => {
    const store = signedInStore();
    store
      .getState()
      .newestPageLoaded({ roomId: 'r1', messages: [stored('a', { seq: 7 })], hasMore: false, lastSeq: 7 });
    store.getState().timelineReset('r1');
    expect(store.getState().timelines.r1).toBeUndefined();
    expect(selectResumeCursors(store.getState())).toEqual({});
    store
      .getState()
      .newestPageLoaded({ roomId: 'r1', messages: [stored('z', { seq: 2 })], hasMore: false, lastSeq: 2 });
    expect(selectResumeCursors(store.getState())).toEqual({ r1: 2 });
  });

  it(`sends at most RESUME_MAX_ROOMS (${RESUME_MAX_ROOMS}) cursors, which the server accepts`, () => {
    const store = signedInStore();
    const loadedEmpty = { ...EMPTY_TIMELINE, loaded: true, cursor: 0 };
    const ids = Array.from({ length: RESUME_MAX_ROOMS + 5 }, (_, i) => `r${i}`);
    store.setState({ timelines: Object.fromEntries(ids.map((id) => [id, loadedEmpty])) });
    expect(Object.keys(selectResumeCursors(store.getState()))).toHaveLength(RESUME_MAX_ROOMS);
  });

  it('presence is forgotten on disconnect, so nobody stays online after a server crash', () => {
    const store = signedInStore();
    store.getState().membersListed('r1', [{ userId: 'u2', username: 'dave', online: true }]);
    store.getState().presenceCleared();
    expect(store.getState().online).toEqual({});
    expect(store.getState().membersByRoom.r1).toHaveLength(1);
  });
});

describe('rooms', () => {
  it('R4: leaving forgets the room with its messages, so a rejoin cannot show a hole', () => {
    const store = signedInStore();
    store.getState().roomAdded({
      id: 'r1',
      kind: 'public',
      name: 'x',
      lastSeq: 1,
      read: { lastReadSeq: 0, unreadCount: 1, mentionCount: 0 },
    });
    storeMessage(store, stored('c-5'));
    expect(store.getState().reads.r1?.unreadCount).toBe(1);
    store.getState().roomRemoved('r1');
    const s = store.getState();
    expect(s.rooms.r1).toBeUndefined();
    expect(s.timelines.r1).toBeUndefined();
    expect(s.reads.r1).toBeUndefined();
  });

  it('a fresh room list drops state of rooms no longer listed', () => {
    const store = signedInStore();
    storeMessage(store, stored('c-6', { roomId: 'gone' }));
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
    expect(selectConnectionBanner(store.getState())).toBe('Reconnecting\u2026');
  });

  it('says Offline when the page never connected and the browser has no network', () => {
    const store = signedInStore();
    store.getState().networkChanged(false);
    expect(selectConnectionBanner(store.getState())).toBe('Offline');
  });

  it('S6: server:shutdown shows Reconnecting… at once', () => {
    const store = signedInStore();
    store.getState().socketConnected();
    store.getState().serverStopping();
    expect(selectConnectionBanner(store.getState())).toBe('Reconnecting\u2026');
  });
});

describe('sign-out', () => {
  it('resets every slice but keeps the actions', () => {
    const store = signedInStore();
    store.getState().socketConnected();
    store.getState().roomAdded({ id: 'r1', kind: 'public', name: 'x', lastSeq: 0 });
    store.getState().outboxShown([pending('c-4')]);
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

import type { ChangesPayload, HistoryPayload, Message, ServerToClientEvents } from '@parley/shared-types';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatSocket } from '../lib/socket';
import { appStore } from '../store/app.store';
import { createdChange } from '../store/changes';
import { selectResumeCursors } from '../store/messages.selectors';
import { selectUnread } from '../store/rooms.selectors';
import { resumeCompleted, resumeStarted } from './gap.filler';
import { bindSyncEvents } from './sync.bindings';

// The server, as far as these tests need it: a room whose changes 1..lastSeq are creations.
const server = vi.hoisted(() => ({ lastSeq: 0, historyCalls: [] as unknown[], changesCalls: [] as unknown[] }));
vi.mock('./commands', () => ({
  request: vi.fn(async (command: string, payload: HistoryPayload & ChangesPayload) => {
    if (command === 'message:changes') {
      server.changesCalls.push(payload);
      const to = Math.min(server.lastSeq, payload.after + (payload.limit ?? 1000));
      const messages = Array.from({ length: Math.max(0, to - payload.after) }, (_, i) => msg(payload.after + 1 + i));
      const changes = messages.map((m) => ({ seq: m.seq, kind: 'message:created', messageId: m.id }));
      return { ok: true, data: { roomId: payload.roomId, changes, messages, lastSeq: server.lastSeq } };
    }
    if (command !== 'message:history') return { ok: false, noAnswer: true };
    server.historyCalls.push(payload);
    const limit = payload.limit ?? 50;
    const top = Math.min(server.lastSeq, (payload.before ?? Infinity) - 1);
    const from = Math.max(1, top - limit + 1);
    const messages = Array.from({ length: Math.max(0, top - from + 1) }, (_, i) => msg(from + i));
    return { ok: true, data: { roomId: payload.roomId, messages, hasMore: from > 1, lastSeq: server.lastSeq } };
  }),
}));

const ME = { id: 'me', username: 'carol' };
const ROOM = 'r1';

function msg(seq: number, authorId = 'u2'): Message {
  return {
    id: `m${seq}`,
    roomId: ROOM,
    seq,
    authorId,
    authorName: authorId,
    clientMessageId: `client-${seq}`,
    text: `text ${seq}`,
    createdAt: seq,
  };
}

/** Just enough of a socket to register handlers and fire server events at them. */
function fakeSocket() {
  const handlers = new Map<string, (event: never) => void>();
  const socket = { on: (name: string, fn: (event: never) => void) => handlers.set(name, fn) };
  const emit = <E extends keyof ServerToClientEvents>(name: E, event: Parameters<ServerToClientEvents[E]>[0]) =>
    handlers.get(name)?.(event as never);
  return { socket: socket as unknown as ChatSocket, emit };
}

const state = () => appStore.getState();
const seqs = () => state().timelines[ROOM]?.messages.map((m) => m.seq);
const flush = () => vi.advanceTimersByTimeAsync(0);
/** A live message:created. */
const live = (m: Message) => state().changesApplied(m.roomId, [m], [createdChange(m)]);
const replayOf = (messages: Message[]) => ({ roomId: ROOM, changes: messages.map(createdChange), messages });

beforeEach(() => {
  vi.useFakeTimers();
  server.lastSeq = 0;
  server.historyCalls = [];
  server.changesCalls = [];
  state().signedOut();
  state().signedIn(ME);
  state().roomsListed([
    { id: ROOM, kind: 'public', name: 'x', lastSeq: 2, read: { lastReadSeq: 2, unreadCount: 0, mentionCount: 0 } },
    { id: 'r2', kind: 'public', name: 'y', lastSeq: 0 },
  ]);
  resumeStarted();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('sync events', () => {
  it('S2/U4: sync:changes merges by id in seq order, advances the cursor and counts what I missed, once', () => {
    const { socket, emit } = fakeSocket();
    bindSyncEvents(socket);
    state().roomOpened('r2');
    state().newestPageLoaded({ roomId: ROOM, messages: [msg(1), msg(2)], hasMore: false, lastSeq: 2 });
    live(msg(5)); // live, ahead of the replay
    emit('sync:changes', replayOf([msg(3), msg(4, ME.id), msg(5)]));
    expect(seqs()).toEqual([1, 2, 3, 4, 5]);
    expect(selectResumeCursors(state())).toEqual({ [ROOM]: 5 });
    expect(selectUnread(ROOM)(state())).toBe(2); // 3 and 5; 4 is mine; 5 counted once
  });

  it('S1/E5: an edit in the replay moves the cursor and replaces the view', () => {
    const { socket, emit } = fakeSocket();
    bindSyncEvents(socket);
    state().newestPageLoaded({ roomId: ROOM, messages: [msg(1), msg(2)], hasMore: false, lastSeq: 2 });
    const edited = { ...msg(1), text: 'fixed', editedAt: 3, version: 3 };
    emit('sync:changes', {
      roomId: ROOM,
      changes: [{ seq: 3, kind: 'message:edited', messageId: 'm1' }],
      messages: [edited],
    });
    expect(state().timelines[ROOM]?.messages[0]?.text).toBe('fixed');
    expect(selectResumeCursors(state())).toEqual({ [ROOM]: 3 });
  });

  it('S3: sync:reset drops what is held and loads the newest page of a loaded room', async () => {
    const { socket, emit } = fakeSocket();
    bindSyncEvents(socket);
    state().newestPageLoaded({ roomId: ROOM, messages: [msg(900)], hasMore: true, lastSeq: 900 });
    server.lastSeq = 3; // the server's store was replaced: our cursor is ahead of it
    emit('sync:reset', { roomId: ROOM, lastSeq: 3 });
    expect(state().timelines[ROOM]).toBeUndefined();
    await flush();
    expect(seqs()).toEqual([1, 2, 3]);
    expect(selectResumeCursors(state())).toEqual({ [ROOM]: 3 });
  });

  it('S3: a reset of a room never loaded (nor open) loads nothing', async () => {
    const { socket, emit } = fakeSocket();
    bindSyncEvents(socket);
    emit('sync:reset', { roomId: ROOM, lastSeq: 3 });
    await flush();
    expect(server.historyCalls).toEqual([]);
  });
});

describe('gap filling', () => {
  it('after sync:complete, fetches exactly the seqs missing above the cursor', async () => {
    const { socket, emit } = fakeSocket();
    bindSyncEvents(socket);
    server.lastSeq = 6;
    state().newestPageLoaded({ roomId: ROOM, messages: [msg(1), msg(2)], hasMore: false, lastSeq: 2 });
    live(msg(6)); // 3..5 never came
    emit('sync:complete', { rooms: 0 });
    await vi.advanceTimersByTimeAsync(1499);
    expect(server.changesCalls).toEqual([]); // a replay racing a live event gets its chance first
    await vi.advanceTimersByTimeAsync(1);
    expect(server.changesCalls).toEqual([{ roomId: ROOM, after: 2, limit: 3 }]);
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(selectResumeCursors(state())).toEqual({ [ROOM]: 6 });
  });

  it('does not fetch while the resume is still running, nor again when the server has nothing', async () => {
    state().newestPageLoaded({ roomId: ROOM, messages: [msg(1)], hasMore: false, lastSeq: 1 });
    live(msg(4));
    await vi.advanceTimersByTimeAsync(5000);
    expect(server.changesCalls).toEqual([]);

    server.lastSeq = 1; // the server answers nothing for 2..3
    resumeCompleted();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(server.changesCalls).toHaveLength(1);
    expect(selectResumeCursors(state())).toEqual({ [ROOM]: 1 });
  });
});

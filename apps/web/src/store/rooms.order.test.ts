import { describe, expect, it } from 'vitest';
import type { RoomSummary } from '@parley/shared-types';
import type { AppState } from './app.store.types';
import { roomAfter, selectChannels, selectDirectMessages, selectRoomOrder } from './rooms.selectors';

describe('Alt+Arrow room moves (roomAfter)', () => {
  const order = ['a', 'b', 'c', 'd'];
  it('moves one room up or down and stops at the ends', () => {
    expect(roomAfter(order, 'b', 1)).toBe('c');
    expect(roomAfter(order, 'b', -1)).toBe('a');
    expect(roomAfter(order, 'd', 1)).toBeNull();
    expect(roomAfter(order, 'a', -1)).toBeNull();
  });
  it('with no room open, starts from the top going down and the bottom going up', () => {
    expect(roomAfter(order, null, 1)).toBe('a');
    expect(roomAfter(order, null, -1)).toBe('d');
    expect(roomAfter([], null, 1)).toBeNull();
  });
  it('with Shift, skips to the next eligible (unread) room', () => {
    const unread = new Set(['a', 'd']);
    expect(roomAfter(order, 'b', 1, (id) => unread.has(id))).toBe('d');
    expect(roomAfter(order, 'b', -1, (id) => unread.has(id))).toBe('a');
    expect(roomAfter(order, 'd', 1, (id) => unread.has(id))).toBeNull();
  });
});

describe('the sidebar lists', () => {
  it('G2: groups are listed with the DMs, by name, after the rooms', () => {
    const room = (id: string, kind: RoomSummary['kind'], name: string): RoomSummary => ({ id, kind, name, lastSeq: 0 });
    const rooms = {
      g: room('g', 'group', 'bob, carol'),
      d: room('d', 'dm', 'Alice'),
      r: room('r', 'public', 'general'),
      p: room('p', 'private', 'secret'),
    };
    const state = { rooms } as unknown as AppState;
    expect(selectChannels(state).map((r) => r.id)).toEqual(['r', 'p']);
    expect(selectDirectMessages(state).map((r) => r.id)).toEqual(['d', 'g']);
    expect(selectRoomOrder(state)).toEqual(['r', 'p', 'd', 'g']);
  });
});

import { describe, expect, it } from 'vitest';
import { roomAfter } from './rooms.selectors';

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

import { TYPING_TTL_MS } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { addTyper, pruneTypers, typingNames, typingText, type Typers } from './typing.logic';

const started = (roomId: string, userId: string, username: string) => ({ roomId, userId, username });

describe('typingText', () => {
  it('is empty when nobody types', () => {
    expect(typingText([])).toBe('');
  });

  it('names one or two typers with the real ellipsis', () => {
    expect(typingText(['alice'])).toBe('alice is typing\u2026');
    expect(typingText(['alice', 'bob'])).toBe('alice and bob are typing\u2026');
  });

  it('stops naming people from three on', () => {
    expect(typingText(['a', 'b', 'c'])).toBe('Several people are typing\u2026');
    expect(typingText(['a', 'b', 'c', 'd'])).toBe('Several people are typing\u2026');
  });
});

describe('typers', () => {
  it('orders names by when each started, not by refresh', () => {
    let typers: Typers = {};
    typers = addTyper(typers, started('r1', 'u2', 'bob'), 100);
    typers = addTyper(typers, started('r1', 'u1', 'alice'), 200);
    typers = addTyper(typers, started('r1', 'u2', 'bob'), 300);
    expect(typingNames(typers, 'r1')).toEqual(['bob', 'alice']);
  });

  it('keeps rooms apart', () => {
    let typers: Typers = {};
    typers = addTyper(typers, started('r1', 'u1', 'alice'), 0);
    typers = addTyper(typers, started('r2', 'u2', 'bob'), 0);
    expect(typingNames(typers, 'r2')).toEqual(['bob']);
  });

  it(`T4: forgets a typer not heard about for ${TYPING_TTL_MS} ms, and only then`, () => {
    let typers: Typers = addTyper({}, started('r1', 'u1', 'alice'), 1000);
    typers = addTyper(typers, started('r1', 'u2', 'bob'), 4000);
    const before = pruneTypers(typers, 1000 + TYPING_TTL_MS - 1, TYPING_TTL_MS);
    expect(before).toBe(typers);
    const after = pruneTypers(typers, 1000 + TYPING_TTL_MS, TYPING_TTL_MS);
    expect(typingNames(after, 'r1')).toEqual(['bob']);
  });

  it('a refresh pushes expiry back', () => {
    let typers: Typers = addTyper({}, started('r1', 'u1', 'alice'), 0);
    typers = addTyper(typers, started('r1', 'u1', 'alice'), 5000);
    expect(typingNames(pruneTypers(typers, 7000, TYPING_TTL_MS), 'r1')).toEqual(['alice']);
  });
});

import { describe, expect, it } from 'vitest';
import { insertMention, mentionAt, suggestionsFor } from './mention.logic';

describe('mentions in the composer (E6)', () => {
  it('E6: finds the @word typed at the caret, also an empty one, but not inside words or addresses', () => {
    expect(mentionAt('hi @bo', 6)).toEqual({ prefix: 'bo', start: 3, end: 6 });
    expect(mentionAt('@', 1)).toEqual({ prefix: '', start: 0, end: 1 });
    expect(mentionAt('(@ca', 4)).toEqual({ prefix: 'ca', start: 1, end: 4 });
    expect(mentionAt('ann@exa', 7)).toBeNull();
    expect(mentionAt('hi @bob there', 13)).toBeNull();
    expect(mentionAt('hi @bo', 4)).toEqual({ prefix: '', start: 3, end: 4 });
  });

  it('E6: suggests members whose names begin with it, in any case, without me, at most eight', () => {
    const names = ['Bob', 'bobby', 'carol', 'me', ...Array.from({ length: 10 }, (_, i) => `b${i}xx`)];
    expect(suggestionsFor('BO', names, 'me')).toEqual(['Bob', 'bobby']);
    expect(suggestionsFor('', ['carol', 'me', 'Ann'], 'me')).toEqual(['Ann', 'carol']);
    expect(suggestionsFor('b', names, 'me')).toHaveLength(8);
  });

  it('E6: picking inserts @username and a space, caret after it', () => {
    const query = mentionAt('hi @bo, you?', 6)!;
    expect(insertMention('hi @bo, you?', query, 'bobby')).toEqual({ text: 'hi @bobby , you?', caret: 10 });
    const end = mentionAt('hi @b', 5)!;
    expect(insertMention('hi @b', end, 'bob')).toEqual({ text: 'hi @bob ', caret: 8 });
  });
});

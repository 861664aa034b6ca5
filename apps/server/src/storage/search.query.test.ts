import { describe, expect, it } from 'vitest';
import { fts5Match, parseSearchQuery, snippetOf, tsQueryText } from './search.query.js';

describe('search queries (SPEC F1)', () => {
  it('F1: free words, phrases and operators, quoted or not', () => {
    expect(parseSearchQuery('Deploy "Release Notes" from:@Bob in:"team room" fri')).toEqual({
      words: ['deploy', 'fri'],
      prefixLast: true,
      phrases: [['release', 'notes']],
      from: 'Bob',
      in: 'team room',
    });
    expect(parseSearchQuery('in:#general deploy ')).toMatchObject({
      words: ['deploy'],
      prefixLast: false,
      in: 'general',
    });
  });

  it('F1: nothing to search by is null', () => {
    for (const input of ['', '   ', '"" ?!', 'from:', 'in:""', '***'])
      expect(parseSearchQuery(input), input).toBeNull();
  });

  it('F1: words reach the backends as letters and digits only, never as operators', () => {
    const q = parseSearchQuery('a"b OR NOT* x:y (z) & | ! <->')!;
    for (const word of [...q.words, ...q.phrases.flat()]) expect(word).toMatch(/^[\p{L}\p{N}]+$/u);
    expect(fts5Match(parseSearchQuery('one "two three" fou')!)).toBe('"one" AND "fou"* AND "two three"');
    expect(tsQueryText(parseSearchQuery('one "two three" fou')!)).toBe('one & fou:* & (two <-> three)');
  });

  it('F2: the snippet is plain text with the matches as ranges, cut around the first one', () => {
    const q = parseSearchQuery('"is ready" repo')!;
    const short = snippetOf('The Report is ready; <b>report</b>', q);
    expect(short.ranges.map(([s, e]) => short.text.slice(s, e))).toEqual(['Report', 'is', 'ready', 'report']);
    const long = snippetOf(`${'x '.repeat(200)}report here ${'y '.repeat(200)}`, q);
    expect(long.text.startsWith('…')).toBe(true);
    expect(long.text.endsWith('…')).toBe(true);
    expect(long.ranges.map(([s, e]) => long.text.slice(s, e))).toEqual(['report']);
  });
});

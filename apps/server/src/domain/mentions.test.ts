import { describe, expect, it } from 'vitest';
import { mentionKeysOf } from './mentions.js';

describe('mentions in text (E6)', () => {
  it('E6: @name at the start, after spaces or punctuation, in any case, once each', () => {
    expect(mentionKeysOf('@Bob hi @carol, and (@dave) @bob again')).toEqual(['bob', 'carol', 'dave']);
    expect(mentionKeysOf('ping @ann_b-2!')).toEqual(['ann_b-2']);
  });

  it('E6: e-mail addresses, too-short names, and names that run on are no mentions', () => {
    expect(mentionKeysOf('write to ann@example.com')).toEqual([]);
    expect(mentionKeysOf('@ab is short')).toEqual([]);
    expect(mentionKeysOf('@' + 'x'.repeat(33))).toEqual([]);
    expect(mentionKeysOf('@@bob')).toEqual([]);
    expect(mentionKeysOf('no mentions here')).toEqual([]);
  });

  it('E6: at most 50 distinct names are taken from one message', () => {
    const text = Array.from({ length: 80 }, (_, i) => `@user${i}`).join(' ');
    expect(mentionKeysOf(text)).toHaveLength(50);
  });
});

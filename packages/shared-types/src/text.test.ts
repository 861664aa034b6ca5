import { describe, expect, it } from 'vitest';
import { hasHiddenFormatting } from './text.js';

describe('hidden formatting (R1)', () => {
  it('R1: bidi overrides and isolates, zero-width spaces, soft hyphens, BOMs and marks are hidden formatting', () => {
    for (const text of [
      'pay\u202Egnp.exe',
      '\u2066x\u2069',
      'ad\u200Bmin',
      'a\uFEFFb',
      'x\u00ADy',
      'l\u200Fr',
      'a\u200Db',
      'a\u200C',
      '\u2060',
    ]) {
      expect(hasHiddenFormatting(text), JSON.stringify(text)).toBe(true);
    }
  });

  it('R1: joiners inside emoji sequences, non-joiners between letters and flag tags are how text is written', () => {
    for (const text of ['plain', 'family 👨‍👩‍👧', '👩🏽‍💻', '🏳️‍🌈', 'flag 🏴󠁧󠁢󠁳󠁣󠁴󠁿', 'می‌خواهم', 'مرحبا', '']) {
      expect(hasHiddenFormatting(text), JSON.stringify(text)).toBe(false);
    }
  });
});

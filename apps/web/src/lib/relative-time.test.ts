import { describe, expect, it } from 'vitest';
import { timeAgo } from './relative-time';

describe('timeAgo (P5)', () => {
  const now = Date.UTC(2026, 0, 15, 12, 0, 0);
  const minute = 60_000;

  it('says just now under a minute, and for a time ahead of the clock', () => {
    expect(timeAgo(now, now)).toBe('just now');
    expect(timeAgo(now - 59_999, now)).toBe('just now');
    expect(timeAgo(now + 5 * minute, now)).toBe('just now');
  });

  it('counts whole units, the largest that fits', () => {
    expect(timeAgo(now - minute, now)).toBe('1 minute ago');
    expect(timeAgo(now - 5 * minute - 30_000, now)).toBe('5 minutes ago');
    expect(timeAgo(now - 3 * 60 * minute, now)).toBe('3 hours ago');
    expect(timeAgo(now - 24 * 60 * minute, now)).toBe('yesterday');
    expect(timeAgo(now - 3 * 7 * 24 * 60 * minute, now)).toBe('3 weeks ago');
    expect(timeAgo(now - 400 * 24 * 60 * minute, now)).toBe('last year');
  });
});

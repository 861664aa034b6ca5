import { describe, expect, it } from 'vitest';
import { isFresh, placeCorrection } from './place.keeper';

describe("keeping the reader's place when an older page comes in", () => {
  it('scrolls by how far the noted row moved, ignoring sub-pixel drift', () => {
    expect(placeCorrection(300, 58)).toBe(242);
    expect(placeCorrection(-103, 58)).toBe(-161);
    expect(placeCorrection(58.6, 58)).toBe(0);
  });

  it('does nothing while the row is not rendered', () => {
    expect(placeCorrection(null, 58)).toBe(0);
  });

  it('forgets a place noted long ago (the page never came)', () => {
    const place = { key: 'm:1', offset: 0, notedAt: 1000 };
    expect(isFresh(place, 2000)).toBe(true);
    expect(isFresh(place, 1000 + 15_001)).toBe(false);
    expect(isFresh(null, 0)).toBe(false);
  });
});

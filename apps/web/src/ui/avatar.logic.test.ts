import { describe, expect, it } from 'vitest';
import { AVATAR_PALETTE, NEUTRAL_AVATAR, avatarColor, contrastRatio, initialsOf } from './avatar.logic';

describe('avatars', () => {
  it('white initials read at 4.5:1 or better on every colour, the neutral one included', () => {
    for (const color of [...AVATAR_PALETTE, NEUTRAL_AVATAR]) {
      expect(contrastRatio('#ffffff', color), color).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('the colour comes from the user id alone, the same every time, and spreads over the palette', () => {
    expect(avatarColor('user-1')).toBe(avatarColor('user-1'));
    const used = new Set(Array.from({ length: 200 }, (_, i) => avatarColor(`id-${i}-${i * 7919}`)));
    expect(used.size).toBe(AVATAR_PALETTE.length);
    for (const color of used) expect(AVATAR_PALETTE).toContain(color);
  });

  it('initials: two letters for a name in two parts, else the first one, upper-cased', () => {
    expect(initialsOf('alice')).toBe('A');
    expect(initialsOf('ada_lovelace')).toBe('AL');
    expect(initialsOf('ada-byron-king')).toBe('AB');
    expect(initialsOf('AdaLovelace')).toBe('AL');
    expect(initialsOf('42bob')).toBe('4');
    expect(initialsOf('_x_')).toBe('X');
    expect(initialsOf('')).toBe('');
  });

  it('contrast ratio follows WCAG: black on white is 21:1, a colour on itself 1:1', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#3a63d8', '#3a63d8')).toBe(1);
  });
});

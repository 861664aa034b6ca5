/*
 * What an avatar shows: 1–2 letters of the username on a colour picked from the user id,
 * so one person keeps one colour everywhere and whatever their name becomes. White text
 * on every colour of the palette reads at 4.5:1 or better (WCAG AA), and the colours are
 * the avatar's own background, so the ratio holds in both themes (avatar.logic.test.ts).
 */
export const AVATAR_PALETTE = [
  '#b3261e',
  '#ad1457',
  '#7b1fa2',
  '#4527a0',
  '#1e54a8',
  '#00695c',
  '#2e7d32',
  '#8a4b08',
  '#5d4037',
  '#37474f',
  '#a0316f',
  '#0b6a80',
] as const;

/** A deleted account (`Deleted user`) is no one in particular: one neutral grey. */
export const NEUTRAL_AVATAR = '#6b7280';

/** FNV-1a: small, fast and spreads short ids well enough over a dozen colours. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function avatarColor(userId: string): string {
  return AVATAR_PALETTE[hash(userId) % AVATAR_PALETTE.length]!;
}

/**
 * Two letters when the name has two parts (`ada_lovelace`, `ada-l`, `AdaLovelace`), else
 * its first letter or digit; upper-cased. Usernames are ASCII (A2).
 */
export function initialsOf(username: string): string {
  const parts = username
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter((part) => part.length > 0);
  const letters = parts.length >= 2 ? parts[0]![0]! + parts[1]![0]! : (parts[0]?.[0] ?? '');
  return letters.toUpperCase();
}

/** WCAG relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

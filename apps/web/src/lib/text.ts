import { REPLY_EXCERPT_MAX } from '@parley/shared-types';

/** The start of a text for a quote (E4): one line, at most REPLY_EXCERPT_MAX characters. */
export function excerptOf(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const points = Array.from(line);
  return points.length <= REPLY_EXCERPT_MAX ? line : `${points.slice(0, REPLY_EXCERPT_MAX - 1).join('')}…`;
}

/** "bob", "bob and dave", "bob, dave and 3 others". */
export function nameList(names: readonly string[], max = 3): string {
  if (names.length <= 1) return names[0] ?? '';
  if (names.length <= max) return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  const rest = names.length - (max - 1);
  return `${names.slice(0, max - 1).join(', ')} and ${rest} others`;
}

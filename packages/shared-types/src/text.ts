/*
 * Text rules shared by the server (enforcement) and the web app (early feedback).
 */

/** A joiner inside an emoji sequence (👨‍👩‍👧): an emoji, maybe a variation or skin tone, then another. */
const EMOJI_ZWJ =
  /(?<=\p{Extended_Pictographic}(?:\u{FE0F}|[\u{1F3FB}-\u{1F3FF}])?)\u200D(?=\p{Extended_Pictographic})/gu;
/** A non-joiner between letters, as Persian and Indic scripts write words (می‌خواهم). */
const LETTER_ZWNJ = /(?<=\p{L}\p{M}*)\u200C(?=\p{L})/gu;
/** The tag characters of a subdivision flag (🏴󠁧󠁢󠁳󠁣󠁴󠁿). */
const FLAG_TAGS = /(?<=\u{1F3F4})[\u{E0020}-\u{E007E}]+\u{E007F}/gu;
const FORMAT_CHAR = /\p{Cf}/u;

/**
 * True when the text holds an invisible format character that is not part of how a script
 * or an emoji is written: bidi overrides and isolates (which reorder the text around them,
 * so `pay‮gnp.exe` reads as `payexe.png`), zero-width spaces, soft hyphens, byte-order
 * marks. Two names that look alike are then two names that are alike.
 */
export function hasHiddenFormatting(text: string): boolean {
  if (!FORMAT_CHAR.test(text)) return false;
  return FORMAT_CHAR.test(text.replace(EMOJI_ZWJ, '').replace(LETTER_ZWNJ, '').replace(FLAG_TAGS, ''));
}

/** The open room's composer textarea (one at a time): the skip link's target. */
export const COMPOSER_INPUT_ID = 'composer';

/** Puts the caret in the open room's composer (the skip link, shortcuts). False when there is none. */
export function focusComposer(): boolean {
  const input = document.getElementById(COMPOSER_INPUT_ID);
  if (!(input instanceof HTMLTextAreaElement)) return false;
  input.focus();
  return true;
}

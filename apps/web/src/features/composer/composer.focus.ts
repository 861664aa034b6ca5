/** Puts the caret in the open room's composer (the skip link, shortcuts). False when there is none. */
export function focusComposer(): boolean {
  const input = document.querySelector<HTMLTextAreaElement>('textarea.composer-input');
  if (!input) return false;
  input.focus();
  return true;
}

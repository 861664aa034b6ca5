import type { ErrorCode } from '@parley/shared-types';
import { ERROR_MESSAGES, isErrorCode } from '@parley/shared-types';

/**
 * Shown when a command got no answer at all (timeout or dropped connection). The
 * contract's error table only covers answers the server gives, so this one sentence is
 * the app's own.
 */
export const NO_ANSWER_TEXT = 'No answer from the server. Try again.';

/** The sentence for an error code; anything unrecognised reads as `internal`. */
export function errorText(code: ErrorCode | string | undefined, fallback?: string): string {
  if (isErrorCode(code)) return ERROR_MESSAGES[code];
  return fallback ?? ERROR_MESSAGES.internal;
}

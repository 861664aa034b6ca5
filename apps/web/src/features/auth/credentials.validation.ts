import { charCount, ERROR_MESSAGES, PASSWORD_MAX, PASSWORD_MIN, USERNAME_PATTERN } from '@parley/shared-types';

const USERNAME_RE = new RegExp(USERNAME_PATTERN);

/**
 * Early feedback for account creation, with the server's own sentences (A2, A3).
 * Sign-in is not checked here: a malformed name must get the same answer as a wrong one (A4).
 */
export function registrationError(username: string, password: string): string | null {
  if (!USERNAME_RE.test(username)) return ERROR_MESSAGES.invalid_username;
  const length = charCount(password);
  if (length < PASSWORD_MIN || length > PASSWORD_MAX) return ERROR_MESSAGES.invalid_password;
  return null;
}

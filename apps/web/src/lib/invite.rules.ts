import type { AckError } from '@parley/shared-types';
import { ERROR_MESSAGES, USERNAME_PATTERN } from '@parley/shared-types';
import { NO_ANSWER_TEXT } from './errors';

/*
 * The Invite dialog's rules (I1): what may be sent, and the sentence for each refusal.
 * Pure, so they are tested without a socket.
 */

export const NO_SUCH_USER_TEXT = 'No such user.';
export const ENTER_USERNAME_TEXT = 'Enter the username of the person to invite.';

const USERNAME = new RegExp(USERNAME_PATTERN);

export type InviteInput = { ok: true; username: string } | { ok: false; message: string };

/**
 * The username to send, trimmed. A name no account can have (A2) is "No such user"
 * straight away: the server would say not_found anyway, after a round trip and a slot
 * of the invite budget.
 */
export function checkInviteUsername(raw: string): InviteInput {
  const username = raw.trim();
  if (username === '') return { ok: false, message: ENTER_USERNAME_TEXT };
  if (!USERNAME.test(username)) return { ok: false, message: NO_SUCH_USER_TEXT };
  return { ok: true, username };
}

/** Seconds to wait, rounded up, for "try again in N s"; null when unknown. */
export function retryAfterSeconds(retryAfterMs: number | undefined): number | null {
  if (typeof retryAfterMs !== 'number' || !Number.isFinite(retryAfterMs) || retryAfterMs <= 0) return null;
  return Math.ceil(retryAfterMs / 1000);
}

/** The sentence for a refused (or unanswered) room:invite. */
export function inviteFailureText(outcome: AckError | { ok: false; noAnswer: true }): string {
  if ('noAnswer' in outcome) return NO_ANSWER_TEXT;
  switch (outcome.error) {
    case 'not_found':
      return NO_SUCH_USER_TEXT;
    case 'already_member':
      return ERROR_MESSAGES.already_member;
    case 'forbidden':
      return 'You cannot invite people to this room.';
    case 'rate_limited': {
      const seconds = retryAfterSeconds(outcome.retryAfterMs);
      return seconds === null
        ? 'Too many invitations; try again shortly.'
        : `Too many invitations; try again in ${seconds} s.`;
    }
    case 'invalid_payload':
    case 'too_long':
      return NO_SUCH_USER_TEXT;
    default:
      return ERROR_MESSAGES[outcome.error] ?? ERROR_MESSAGES.internal;
  }
}

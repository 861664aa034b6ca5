import { ERROR_MESSAGES } from '@parley/shared-types';
import { describe, expect, it } from 'vitest';
import { NO_ANSWER_TEXT } from './errors';
import {
  checkInviteUsername,
  ENTER_USERNAME_TEXT,
  inviteFailureText,
  NO_SUCH_USER_TEXT,
  retryAfterSeconds,
} from './invite.rules';

describe('I1: the Invite dialog', () => {
  it('sends the trimmed username', () => {
    expect(checkInviteUsername('  bob_1-x ')).toEqual({ ok: true, username: 'bob_1-x' });
  });

  it('asks for a name when the box is blank', () => {
    expect(checkInviteUsername('   ')).toEqual({ ok: false, message: ENTER_USERNAME_TEXT });
  });

  it('a name no account can have (A2) is "No such user" without asking the server', () => {
    for (const name of ['ab', 'x'.repeat(33), 'bob smith', '<img src=x>', 'bób']) {
      expect(checkInviteUsername(name)).toEqual({ ok: false, message: NO_SUCH_USER_TEXT });
    }
  });

  it('says what each refusal means', () => {
    expect(inviteFailureText({ ok: false, error: 'not_found' })).toBe('No such user.');
    expect(inviteFailureText({ ok: false, error: 'already_member' })).toBe(ERROR_MESSAGES.already_member);
    expect(inviteFailureText({ ok: false, error: 'forbidden' })).toMatch(/cannot invite/);
    expect(inviteFailureText({ ok: false, error: 'internal' })).toBe(ERROR_MESSAGES.internal);
    expect(inviteFailureText({ ok: false, noAnswer: true })).toBe(NO_ANSWER_TEXT);
  });

  it('rate_limited says when to try again, rounded up to whole seconds', () => {
    expect(inviteFailureText({ ok: false, error: 'rate_limited', retryAfterMs: 1200 })).toBe(
      'Too many invitations; try again in 2 s.',
    );
    expect(inviteFailureText({ ok: false, error: 'rate_limited' })).toBe('Too many invitations; try again shortly.');
    expect(retryAfterSeconds(0)).toBeNull();
    expect(retryAfterSeconds(Number.NaN)).toBeNull();
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(59_001)).toBe(60);
  });
});

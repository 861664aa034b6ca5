import type {
  AckError,
  AckOk,
  ChatCommand,
  ChatCommandPayload,
  ChatCommandResults,
  FireAndForgetCommand,
} from '@parley/shared-types';
import { errorText, NO_ANSWER_TEXT } from '../lib/errors';
import { currentSocket } from './chat.client';

/** Long enough for a slow network, short enough that a stuck request gets a Retry. */
export const COMMAND_TIMEOUT_MS = 10_000;

export type AckedCommand = Exclude<ChatCommand, FireAndForgetCommand>;

/** No answer came: not connected, timed out, or the connection dropped meanwhile. */
export type NoAnswer = { ok: false; noAnswer: true };

export type CommandOutcome<T> = AckOk<T> | AckError | NoAnswer;

const NO_ANSWER: NoAnswer = { ok: false, noAnswer: true };

// socket.io's typed emit cannot follow a generic event name through its conditional
// types; this view is the one place the payload/ack typing is bridged by hand.
type UntypedTimedEmitter = {
  timeout(ms: number): {
    emit(event: string, payload: unknown, ack: (err: Error | null, response: unknown) => void): void;
  };
};

/**
 * Sends a command and resolves with its ack. Fails fast when disconnected instead of
 * letting socket.io buffer it: a buffered command could take effect long after the UI
 * reported a failure.
 */
export function request<C extends AckedCommand>(
  command: C,
  payload: ChatCommandPayload<C>,
  timeoutMs: number = COMMAND_TIMEOUT_MS,
): Promise<CommandOutcome<ChatCommandResults[C]>> {
  const socket = currentSocket();
  if (!socket?.connected) return Promise.resolve(NO_ANSWER);
  return new Promise((resolve) => {
    (socket as unknown as UntypedTimedEmitter).timeout(timeoutMs).emit(command, payload, (err, response) => {
      if (err || typeof response !== 'object' || response === null) resolve(NO_ANSWER);
      else resolve(response as AckOk<ChatCommandResults[C]> | AckError);
    });
  });
}

/** Fire-and-forget (typing): volatile, so nothing stale is replayed after a reconnect. */
export function notify(command: FireAndForgetCommand, payload: ChatCommandPayload<FireAndForgetCommand>): void {
  const socket = currentSocket();
  if (!socket?.connected) return;
  if (command === 'typing:start') socket.volatile.emit('typing:start', payload);
  else socket.volatile.emit('typing:stop', payload);
}

/** How long a typing:start waits for its answer; only a refusal matters. */
const TYPING_ANSWER_TIMEOUT_MS = 5000;

/**
 * typing:start, volatile like every typing signal, but with its answer: when the server
 * refuses it for now (`rate_limited`), `onRateLimited` gets how long to wait.
 */
export function notifyTypingStart(
  payload: ChatCommandPayload<'typing:start'>,
  onRateLimited: (retryAfterMs: number) => void,
): void {
  const socket = currentSocket();
  if (!socket?.connected) return;
  (socket.volatile as unknown as UntypedTimedEmitter)
    .timeout(TYPING_ANSWER_TIMEOUT_MS)
    .emit('typing:start', payload, (err, response) => {
      if (err || typeof response !== 'object' || response === null) return;
      const answer = response as AckError | AckOk<null>;
      if (!answer.ok && answer.error === 'rate_limited' && typeof answer.retryAfterMs === 'number') {
        onRateLimited(Math.max(0, answer.retryAfterMs));
      }
    });
}

/** The sentence to show for a failed outcome. */
export function failureText(outcome: AckError | NoAnswer): string {
  return 'noAnswer' in outcome ? NO_ANSWER_TEXT : errorText(outcome.error);
}

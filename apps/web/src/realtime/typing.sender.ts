import { notify, notifyTypingStart } from './commands';
import { TypingThrottle } from './typing.throttle';

const throttle: TypingThrottle = new TypingThrottle(({ command, roomId }, run) => {
  if (command === 'stop') {
    notify('typing:stop', { roomId });
    return;
  }
  // Refused for now (the server's typing budget): once allowed, if still typing.
  notifyTypingStart({ roomId }, (retryAfterMs) => {
    window.setTimeout(() => throttle.retry(run, Date.now()), retryAfterMs);
  });
});

/** The composer text changed: maybe tell the room I am typing. */
export function typingInput(roomId: string, text: string): void {
  throttle.input(roomId, text, Date.now());
}

/** I stopped typing (sent, cleared, switched room, left the page). */
export function typingStop(): void {
  throttle.stop();
}

/** The connection dropped: the server has already stopped my typing. */
export function typingReset(): void {
  throttle.reset();
}
